import Foundation

/// Statistics of numbers computed the way pandas and NumPy do.
public enum NumericSummary {
    /// The quantile levels profiled: 1, 5, 25, 50, 75, 95 and 99 %.
    public static let quantileLevels: [Double] = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]

    /// Sum with Neumaier compensation (accurate to about one rounding whatever the order).
    public static func sum(_ v: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        var c = 0.0
        for x in v {
            let t = s + x
            if abs(s) >= abs(x) { c += (s - t) + x } else { c += (x - t) + s }
            s = t
        }
        return s + c
    }

    /// Mean and sample standard deviation (ddof 1; nil for fewer than 2 values), as pandas' two-pass
    /// `nanmean`/`nanstd`.
    public static func meanAndStd(_ v: UnsafeBufferPointer<Double>) -> (mean: Double?, std: Double?) {
        let n = v.count
        if n == 0 { return (nil, nil) }
        let mean = sum(v) / Double(n)
        if n < 2 { return (mean, nil) }
        if !mean.isFinite { return (mean, .nan) }
        var s = 0.0
        var c = 0.0
        for x in v {
            let d = (mean - x) * (mean - x)
            let t = s + d
            if s >= d { c += (s - t) + d } else { c += (d - t) + s }
            s = t
        }
        return (mean, ((s + c) / Double(n - 1)).squareRoot())
    }

    /// NumPy's `lerp`: a + (b - a)·t, computed from b when t ≥ 0.5.
    @inline(__always)
    static func lerp(_ a: Double, _ b: Double, _ t: Double) -> Double {
        let d = b - a
        return t >= 0.5 ? b - d * (1 - t) : a + d * t
    }

    /// Quantile `q` of ascending `sorted` values with linear interpolation (pandas/NumPy default).
    public static func quantile(sorted: UnsafeBufferPointer<Double>, _ q: Double) -> Double {
        let n = sorted.count
        precondition(n > 0)
        let pos = q * Double(n - 1)
        let lo = Int(pos.rounded(.down))
        let hi = Swift.min(lo + 1, n - 1)
        let t = pos - Double(lo)
        return lerp(sorted[lo], sorted[hi], t)
    }

    /// Bin edges as `numpy.linspace(lo, hi, bins + 1)`.
    public static func histogramEdges(min lo0: Double, max hi0: Double, bins: Int) -> [Double] {
        var lo = lo0, hi = hi0
        if lo == hi { lo -= 0.5; hi += 0.5 }
        let step = (hi - lo) / Double(bins)
        var edges: [Double]
        if step.isFinite {
            edges = (0...bins).map { Double($0) * step + lo }
        } else {
            // A span past Double's range (-1.7e308 … 1.7e308): add the two halves separately.
            let half = (hi / 2 - lo / 2) / Double(bins)
            edges = (0...bins).map { lo + Double($0) * half + Double($0) * half }
        }
        edges[bins] = hi
        return edges
    }

    /// `numpy.histogram(values, bins)` over finite values: equal-width bins over [min, max], the last
    /// bin closed. Each value counts `weight` (for scaled samples).
    public static func histogram(_ v: UnsafeBufferPointer<Double>, min lo0: Double, max hi0: Double,
                                 bins: Int, weight: Double = 1) -> Histogram {
        let edges = histogramEdges(min: lo0, max: hi0, bins: bins)
        let first = edges[0], last = edges[bins]
        var counts = [Double](repeating: 0, count: bins)
        let denom = last - first
        let nb = Double(bins)
        let halves = !denom.isFinite
        for x in v where x >= first && x <= last {
            let position = halves ? ((x / 2 - first / 2) / (last / 2 - first / 2)) * nb : ((x - first) / denom) * nb
            var i = position.isFinite ? Swift.min(Swift.max(Int(position), 0), bins) : 0
            if i == bins { i -= 1 }
            if x < edges[i] { i -= 1 } else if i != bins - 1 && x >= edges[i + 1] { i += 1 }
            counts[i] += weight
        }
        return Histogram(edges: edges, counts: counts.map { Int($0.rounded()) })
    }

    /// Number of distinct values in ascending `sorted` values (0.0 and -0.0 count once).
    public static func distinct(sorted: UnsafeBufferPointer<Double>) -> Int {
        guard sorted.count > 0 else { return 0 }
        var d = 1
        for i in 1..<sorted.count where sorted[i] != sorted[i - 1] { d += 1 }
        return d
    }
}
