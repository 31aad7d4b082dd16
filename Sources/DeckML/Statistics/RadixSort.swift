/// LSD radix sort of doubles through order-preserving 64-bit keys (11-bit digits, passes whose digit
/// is the same for every value skipped). NaN must not be present.
enum RadixSort {
    @inline(__always)
    static func key(_ d: Double) -> UInt64 {
        let b = d.bitPattern
        return (b >> 63) != 0 ? ~b : b | (1 << 63)
    }

    @inline(__always)
    static func value(_ k: UInt64) -> Double {
        (k >> 63) != 0 ? Double(bitPattern: k & ~(1 << 63)) : Double(bitPattern: ~k)
    }

    /// Sorts `values` ascending.
    static func sort(_ values: UnsafeMutableBufferPointer<Double>) {
        let n = values.count
        if n < 2 { return }
        if n < 256 {
            var v = values
            v.sort()
            return
        }
        // Whole numbers in a modest range sort as offsets from the minimum (fewer digit passes).
        var lo = values[0], hi = values[0]
        var integral = true
        for v in values {
            if v < lo { lo = v }
            if v > hi { hi = v }
            if integral && v.rounded(.towardZero) != v { integral = false }
        }
        if integral && lo.isFinite && hi.isFinite && hi - lo < 0x1p52 {
            let base = Int64(lo)
            values.withMemoryRebound(to: UInt64.self) { keys in
                for i in 0..<n { keys[i] = UInt64(Int64(Double(bitPattern: keys[i])) - base) }
                sortKeys(keys.baseAddress!, n, bits: 64 - UInt64(hi - lo).leadingZeroBitCount)
                for i in 0..<n { keys[i] = Double(Int64(keys[i]) + base).bitPattern }
            }
            return
        }
        values.withMemoryRebound(to: UInt64.self) { keys in
            for i in 0..<n { keys[i] = key(Double(bitPattern: keys[i])) }
            sortKeys(keys.baseAddress!, n, bits: 64)
            for i in 0..<n { keys[i] = value(keys[i]).bitPattern }
        }
    }

    private static func sortKeys(_ keys: UnsafeMutablePointer<UInt64>, _ n: Int, bits: Int) {
        if bits == 0 { return }
        let digitBits = 11
        let buckets = 1 << digitBits
        let passes = (bits + digitBits - 1) / digitBits
        var hist = [Int](repeating: 0, count: buckets * passes)
        hist.withUnsafeMutableBufferPointer { h in
            for i in 0..<n {
                var k = keys[i]
                for p in 0..<passes {
                    h[p * buckets + Int(k & UInt64(buckets - 1))] += 1
                    k >>= UInt64(digitBits)
                }
            }
        }
        let temp = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
        defer { temp.deallocate() }
        var src = keys
        var dst = temp
        var offsets = [Int](repeating: 0, count: buckets)
        for p in 0..<passes {
            let base = p * buckets
            var skip = false
            for b in 0..<buckets where hist[base + b] != 0 { skip = hist[base + b] == n; break }
            if skip { continue }
            var sum = 0
            for b in 0..<buckets { offsets[b] = sum; sum += hist[base + b] }
            let shift = UInt64(p * digitBits)
            offsets.withUnsafeMutableBufferPointer { o in
                for i in 0..<n {
                    let k = src[i]
                    let d = Int((k >> shift) & UInt64(buckets - 1))
                    dst[o[d]] = k
                    o[d] += 1
                }
            }
            swap(&src, &dst)
        }
        if src != keys { keys.update(from: src, count: n) }
    }
}
