import Foundation

/// The two-sample Kolmogorov–Smirnov test (two-sided) as SciPy's `ks_2samp` computes it in its
/// default mode (`method='auto'`): the statistic is the largest gap between the two empirical CDFs;
/// the p-value is exact when both samples have at most 10,000 values (Hodges' lattice-path count,
/// or the closed form when the sizes are equal) and otherwise the one-sample Kolmogorov
/// distribution `kstwo.sf(D, round(n·m/(n+m)))`; a failed exact computation falls back to that too.
public enum KolmogorovSmirnov {
    /// The statistic and p-value.
    public struct Result: Sendable, Equatable {
        public var statistic: Double
        public var pValue: Double
    }

    /// SciPy's `MAX_AUTO_N`: above it 'auto' uses the asymptotic distribution.
    static let maxExactN = 10_000

    /// Tests two ascending samples without NaN (each non-empty).
    public static func test(sortedReference a: UnsafeBufferPointer<Double>, sortedCurrent b: UnsafeBufferPointer<Double>) -> Result {
        let n1 = a.count, n2 = b.count
        precondition(n1 > 0 && n2 > 0, "KS needs two non-empty samples")
        let d = statistic(a, b)
        if max(n1, n2) <= maxExactN, let exact = exactProbability(n1: n1, n2: n2, d: d) {
            return Result(statistic: exact.d, pValue: min(max(exact.p, 0), 1))
        }
        let m = Double(max(n1, n2)), n = Double(min(n1, n2))
        let en = (m * n / (m + n)).rounded(.toNearestOrEven)
        let p = KolmogorovDistribution.sf(n: Int(en), x: d)
        return Result(statistic: d, pValue: min(max(p, 0), 1))
    }

    /// Convenience for arrays (sorted ascending, no NaN).
    public static func test(sortedReference a: [Double], sortedCurrent b: [Double]) -> Result {
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in test(sortedReference: pa, sortedCurrent: pb) } }
    }

    /// max |F_a(x) − F_b(x)| over every value of both samples (right-continuous CDFs), by one merge.
    static func statistic(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) -> Double {
        let n1 = a.count, n2 = b.count
        let n1d = Double(n1), n2d = Double(n2)
        var i = 0, j = 0
        var best = 0.0
        while i < n1 && j < n2 {
            let x = min(a[i], b[j])
            while i < n1 && a[i] <= x { i += 1 }
            while j < n2 && b[j] <= x { j += 1 }
            // SciPy: cdf1 - cdf2 with cdf = searchsorted(side='right') / n.
            let diff = abs(Double(i) / n1d - Double(j) / n2d)
            if diff > best { best = diff }
        }
        // After one side is exhausted its CDF is 1 and the other's only rises towards 1: the gap shrinks.
        return best
    }

    /// SciPy's `_attempt_exact_2kssamp` (two-sided): nil when the computation failed (SciPy then
    /// warns and uses the asymptotic distribution). Returns the statistic as rounded there (h / lcm).
    static func exactProbability(n1: Int, n2: Int, d: Double) -> (d: Double, p: Double)? {
        let g = gcd(n1, n2)
        let lcm = Double(n1 / g) * Double(n2)
        let h = Int((d * lcm).rounded(.toNearestOrEven))
        let dd = Double(h) / lcm
        if h == 0 { return (dd, 1.0) }
        let p = n1 == n2 ? probabilityOutsideSquare(n: n1, h: h) : outerProbabilityInside(m: n1, n: n2, g: g, h: h)
        guard p.isFinite, p >= 0, p <= 1 else { return nil }
        return (dd, p)
    }

    /// SciPy's `_compute_prob_outside_square(n, h)`.
    static func probabilityOutsideSquare(n: Int, h: Int) -> Double {
        var P = 0.0
        var k = n / h
        let nd = Double(n), hd = Double(h)
        while k >= 0 {
            var p1 = 1.0
            let kd = Double(k)
            for j in 0..<h {
                let jd = Double(j)
                p1 = (nd - kd * hd - jd) * p1 / (nd + kd * hd + jd + 1)
            }
            P = p1 * (1.0 - P)
            k -= 1
        }
        return 2 * P
    }

    /// SciPy's `_compute_outer_prob_inside_method(m, n, g, h)` (Hodges, with Viehmann's recursion for 1 − p).
    static func outerProbabilityInside(m mIn: Int, n nIn: Int, g: Int, h: Int) -> Double {
        let m = max(mIn, nIn), n = min(mIn, nIn)
        let mg = m / g, ng = n / g
        let hd = Double(h), mgd = Double(mg), ngd = Double(ng)
        var minj = 0
        var maxj = min(Int((hd / mgd).rounded(.up)), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var A = [Double](repeating: 1.0, count: lenA)
        for j in minj..<maxj { A[j] = 0 }
        for i in 1...m {
            let lastminj = minj, lastlen = curlen
            let id = Double(i)
            minj = max(Int(((ngd * id - hd) / mgd).rounded(.down)) + 1, 0)
            minj = min(minj, n)
            maxj = min(Int(((ngd * id + hd) / mgd).rounded(.up)), n + 1)
            if maxj <= minj { return 1.0 }
            var val = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                val = (A[jj + minj - lastminj] * id + val * Double(j)) / (id + Double(j))
                A[jj] = val
            }
            curlen = maxj - minj
            if lastlen > curlen {
                for t in (maxj - minj)..<min(maxj - minj + (lastlen - curlen), lenA) { A[t] = 1 }
            }
        }
        return A[maxj - minj - 1]
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var x = a, y = b
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
