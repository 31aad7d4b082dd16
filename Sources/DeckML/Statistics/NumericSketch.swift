import Foundation

/// A small deterministic random number generator (SplitMix64) for sampling.
struct SketchRandom: RandomNumberGenerator, Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Bounded-memory statistics of a stream of numbers: exact count, min, max, mean and variance
/// (Welford), a HyperLogLog of the values and a uniform reservoir sample for quantiles.
struct NumericSketch {
    var count = 0
    var mean = 0.0
    var m2 = 0.0
    var min = Double.infinity
    var max = -Double.infinity
    var hll = HyperLogLog()
    var sample: [Double] = []
    let capacity: Int
    var rng: SketchRandom

    init(capacity: Int, seed: UInt64) {
        self.capacity = Swift.max(1, capacity)
        rng = SketchRandom(seed: seed)
    }

    /// A sketch of `values` (consumed), keeping a uniform subset of `capacity` of them.
    init(values: [Double], capacity: Int, seed: UInt64) {
        self.init(capacity: capacity, seed: seed)
        for x in values { addStatistics(x) }
        var v = values
        if v.count > self.capacity {
            for i in 0..<self.capacity {
                let j = i + Int(rng.next() % UInt64(v.count - i))
                v.swapAt(i, j)
            }
            v.removeLast(v.count - self.capacity)
        }
        sample = v
    }

    @inline(__always)
    private mutating func addStatistics(_ x: Double) {
        count += 1
        let d = x - mean
        mean += d / Double(count)
        m2 += d * (x - mean)
        if x < min { min = x }
        if x > max { max = x }
        hll.add(hash: ByteHashing.hash((x == 0 ? 0.0 : x).bitPattern))
    }

    @inline(__always)
    mutating func add(_ x: Double) {
        addStatistics(x)
        if sample.count < capacity {
            sample.append(x)
        } else {
            let j = Int(rng.next() % UInt64(count))
            if j < capacity { sample[j] = x }
        }
    }

    /// Combines two sketches of disjoint streams; the sample stays uniform over both.
    static func merged(_ a: NumericSketch, _ b: NumericSketch) -> NumericSketch {
        var r = NumericSketch(capacity: a.capacity + b.capacity, seed: a.rng.state ^ b.rng.state)
        r.count = a.count + b.count
        if r.count > 0 {
            let d = b.mean - a.mean
            r.mean = a.mean + d * Double(b.count) / Double(r.count)
            let na = Double(a.count), nb = Double(b.count), n = Double(r.count)
            let cross: Double = d * d * na * nb / n
            r.m2 = a.m2 + b.m2 + cross
        }
        r.min = Swift.min(a.min, b.min)
        r.max = Swift.max(a.max, b.max)
        r.hll = a.hll
        r.hll.merge(b.hll)
        var sa = a.sample, sb = b.sample
        sa.shuffle(using: &r.rng)
        sb.shuffle(using: &r.rng)
        var ra = a.count, rb = b.count
        var ia = 0, ib = 0
        var out: [Double] = []
        out.reserveCapacity(sa.count + sb.count)
        while ra + rb > 0 {
            let pickA = Int(r.rng.next() % UInt64(ra + rb)) < ra
            if pickA {
                if ia >= sa.count { break }
                out.append(sa[ia]); ia += 1; ra -= 1
            } else {
                if ib >= sb.count { break }
                out.append(sb[ib]); ib += 1; rb -= 1
            }
        }
        r.sample = out
        return r
    }
}
