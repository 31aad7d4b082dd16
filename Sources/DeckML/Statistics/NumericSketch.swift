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

    /// A uniform double in (0, 1).
    mutating func unit() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }
}

/// Bounded-memory statistics of a stream of numbers: exact count, min and max; mean and variance from
/// compensated sums shifted by a reference value near the mean; a HyperLogLog of the values; and a
/// uniform reservoir sample for quantiles. Once the reservoir is full, the gap to the next value that
/// enters it is drawn from the geometric distribution of the current entry probability k/n, so most
/// values cost no random draw.
struct NumericSketch {
    private(set) var count = 0
    private(set) var min = Double.infinity
    private(set) var max = -Double.infinity
    private(set) var hll = HyperLogLog()
    private(set) var sample: [Double] = []
    let capacity: Int
    private var rng: SketchRandom
    /// Shift for the sums (a value near the mean keeps them accurate).
    private var shift = 0.0
    private var sum = 0.0, sumC = 0.0
    private var sumSq = 0.0, sumSqC = 0.0
    /// Index (over all values) of the next value to enter the full reservoir.
    private var nextReplace = 0

    init(capacity: Int, seed: UInt64) {
        self.capacity = Swift.max(1, capacity)
        rng = SketchRandom(seed: seed)
    }

    /// A sketch of `values`, keeping a uniform subset of `capacity` of them.
    init(values: UnsafeBufferPointer<Double>, capacity: Int, seed: UInt64) {
        self.init(capacity: capacity, seed: seed)
        if !values.isEmpty {
            let s = NumericSummary.sum(values) / Double(values.count)
            shift = s.isFinite ? s : 0
        }
        for x in values { addStatistics(x) }
        var v = Array(values)
        if v.count > self.capacity {
            for i in 0..<self.capacity {
                let j = i + Int(rng.next() % UInt64(v.count - i))
                v.swapAt(i, j)
            }
            sample = Array(v[0..<self.capacity])
        } else {
            sample = v
            sample.reserveCapacity(self.capacity)
        }
        if sample.count == self.capacity { startSkipping() }
    }

    @inline(__always)
    private static func add(_ s: inout Double, _ c: inout Double, _ x: Double) {
        let t = s + x
        if abs(s) >= abs(x) { c += (s - t) + x } else { c += (x - t) + s }
        s = t
    }

    @inline(__always)
    private mutating func addStatistics(_ x: Double) {
        count += 1
        let d = x - shift
        Self.add(&sum, &sumC, d)
        Self.add(&sumSq, &sumSqC, d * d)
        if x < min { min = x }
        if x > max { max = x }
        hll.add(hash: ByteHashing.hash((x == 0 ? 0.0 : x).bitPattern))
    }

    private mutating func startSkipping() { advance() }

    /// Draws the gap to the next value entering the reservoir: value n+1 enters with probability
    /// k/(n+1); gaps are geometric with that probability (it changes little over one gap).
    private mutating func advance() {
        let p = Double(capacity) / Double(count + 1)
        if p >= 1 { nextReplace = count; return }
        let gap = floor(log(rng.unit()) / log1p(-p))
        nextReplace = count + (gap < Double(Int.max / 4) ? Int(gap) : Int.max / 4)
    }

    @inline(__always)
    mutating func add(_ x: Double) {
        let index = count
        addStatistics(x)
        if sample.count < capacity {
            sample.append(x)
            if sample.count == capacity { startSkipping() }
        } else if index == nextReplace {
            sample[Int(rng.next() % UInt64(capacity))] = x
            advance()
        }
    }

    /// Mean of the values.
    var mean: Double { count > 0 ? shift + (sum + sumC) / Double(count) : .nan }

    /// Sample variance (ddof 1) of the values.
    var variance: Double {
        guard count > 1 else { return .nan }
        let n = Double(count)
        let s = sum + sumC
        return Swift.max(0, ((sumSq + sumSqC) - s * s / n) / (n - 1))
    }

    /// Combines two sketches of disjoint streams; the sample stays uniform over both.
    static func merged(_ a: NumericSketch, _ b: NumericSketch) -> NumericSketch {
        var r = NumericSketch(capacity: a.capacity + b.capacity, seed: a.rng.state ^ b.rng.state)
        r.count = a.count + b.count
        r.shift = a.shift
        // Re-express b's sums around a's shift: Σ(x - s_a) = Σ(x - s_b) + n_b (s_b - s_a).
        let delta = b.shift - a.shift
        let nb = Double(b.count)
        let bSum = b.sum + b.sumC
        let bSumShifted = bSum + nb * delta
        let bSq = (b.sumSq + b.sumSqC) + 2 * delta * bSum + nb * delta * delta
        r.sum = a.sum
        r.sumC = a.sumC
        add(&r.sum, &r.sumC, bSumShifted)
        r.sumSq = a.sumSq
        r.sumSqC = a.sumSqC
        add(&r.sumSq, &r.sumSqC, bSq)
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
