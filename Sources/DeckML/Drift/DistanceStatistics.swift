import Foundation

/// Distances between a reference and a current sample, computed as SciPy and Evidently do.
public enum DistanceStatistics {
    /// SciPy's `wasserstein_distance(u, v)` (first Wasserstein distance between the empirical
    /// distributions), from two ascending samples without NaN: ∫ |F_u − F_v| by one merge.
    public static func wasserstein(sortedReference u: UnsafeBufferPointer<Double>, sortedCurrent v: UnsafeBufferPointer<Double>) -> Double {
        let nu = u.count, nv = v.count
        guard nu > 0, nv > 0 else { return .nan }
        let nud = Double(nu), nvd = Double(nv)
        var i = 0, j = 0
        var total = 0.0
        // Walk the merged values; between consecutive values x and y add |F_u(x) − F_v(x)|·(y − x).
        var x = min(u[0], v[0])
        while i < nu || j < nv {
            while i < nu && u[i] <= x { i += 1 }
            while j < nv && v[j] <= x { j += 1 }
            if i == nu && j == nv { break }
            let next = i == nu ? v[j] : (j == nv ? u[i] : min(u[i], v[j]))
            total += abs(Double(i) / nud - Double(j) / nvd) * (next - x)
            x = next
        }
        return total
    }

    /// Evidently's normed Wasserstein distance: the distance divided by the reference's population
    /// standard deviation (ddof 0), floored at 0.001.
    public static func normedWasserstein(sortedReference u: UnsafeBufferPointer<Double>, sortedCurrent v: UnsafeBufferPointer<Double>) -> Double {
        wasserstein(sortedReference: u, sortedCurrent: v) / max(populationStandardDeviation(u), 0.001)
    }

    /// NumPy's `np.std(x)` (ddof 0), with pairwise summation as NumPy sums.
    public static func populationStandardDeviation(_ x: UnsafeBufferPointer<Double>) -> Double {
        let n = x.count
        guard n > 0 else { return .nan }
        let mean = pairwiseSum(x.count) { x[$0] } / Double(n)
        let ss = pairwiseSum(x.count) { let d = x[$0] - mean; return d * d }
        return (ss / Double(n)).squareRoot()
    }

    /// Pairwise summation of `f(0..<n)` in blocks of 8 accumulators as NumPy does for contiguous arrays
    /// (close enough: the result differs from NumPy's by a few ulps at most).
    static func pairwiseSum(_ n: Int, _ f: (Int) -> Double) -> Double {
        func sum(_ lo: Int, _ count: Int) -> Double {
            if count < 8 {
                var s = 0.0
                for i in lo..<(lo + count) { s += f(i) }
                return s
            }
            if count <= 128 {
                var r = [Double](repeating: 0, count: 8)
                for k in 0..<8 { r[k] = f(lo + k) }
                var i = 8
                while i < count - (count % 8) {
                    for k in 0..<8 { r[k] += f(lo + i + k) }
                    i += 8
                }
                var s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
                while i < count { s += f(lo + i); i += 1 }
                return s
            }
            var half = count / 2
            half -= half % 8
            return sum(lo, half) + sum(lo + half, count - half)
        }
        return n == 0 ? 0 : sum(0, n)
    }

    /// SciPy's `jensenshannon(p, q)` with the natural logarithm (the default base): both vectors are
    /// normalised to sum 1 first.
    public static func jensenShannon(_ p: [Double], _ q: [Double], base: Double? = nil) -> Double {
        precondition(p.count == q.count)
        let sp = p.reduce(0, +), sq = q.reduce(0, +)
        var left = 0.0, right = 0.0
        for k in 0..<p.count {
            let a = p[k] / sp, b = q[k] / sq
            let m = (a + b) / 2.0
            left += relativeEntropy(a, m)
            right += relativeEntropy(b, m)
        }
        var js = left + right
        if let base { js /= log(base) }
        return (js / 2.0).squareRoot()
    }

    /// SciPy's `rel_entr(x, y)`.
    static func relativeEntropy(_ x: Double, _ y: Double) -> Double {
        if x > 0 && y > 0 { return x * log(x / y) }
        if x == 0 && y >= 0 { return 0 }
        return .infinity
    }

    /// Evidently's PSI: Σ (r − c)·ln(r / c) over bins whose zero shares were filled.
    public static func psi(_ reference: [Double], _ current: [Double]) -> Double {
        var total = 0.0
        for k in 0..<reference.count { total += (reference[k] - current[k]) * log(reference[k] / current[k]) }
        return total
    }

    /// Evidently's zero filling (`feel_zeroes`): a zero share becomes the smallest non-zero share / 10⁶
    /// when that is at most 0.0001, else 0.0001.
    public static func fillZeroes(_ shares: [Double]) -> [Double] {
        guard let smallest = shares.filter({ $0 != 0 }).min() else { return shares }
        let fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001
        return shares.map { $0 == 0 ? fill : $0 }
    }
}
