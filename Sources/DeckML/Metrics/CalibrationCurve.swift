/// A reliability diagram, equal to scikit-learn's
/// `calibration_curve(y, probabilities, n_bins=10, strategy='uniform')`: the probabilities are
/// put in equal-width bins over [0, 1] (closed on the right, the first also on the left) and,
/// for every bin that holds a row, the fraction of positives is set against the mean probability.
public struct CalibrationCurve: Sendable, Equatable, Codable {
    /// Fraction of positives per non-empty bin (scikit-learn's `prob_true`).
    public var fractionPositive: [Double]
    /// Mean predicted probability per non-empty bin (scikit-learn's `prob_pred`).
    public var meanPredicted: [Double]
    /// Rows per non-empty bin.
    public var counts: [Int]
    /// Index of each non-empty bin in `0..<binCount`.
    public var bins: [Int]
    /// Number of bins the interval was split into.
    public var binCount: Int

    public init(fractionPositive: [Double], meanPredicted: [Double], counts: [Int], bins: [Int], binCount: Int) {
        self.fractionPositive = fractionPositive; self.meanPredicted = meanPredicted
        self.counts = counts; self.bins = bins; self.binCount = binCount
    }

    /// The curve of `probabilities` (each in [0, 1]) against `positives`, in `binCount` bins (≥ 1).
    public static func binary(positives: [Bool], probabilities: [Double], binCount: Int = 10) -> CalibrationCurve {
        precondition(positives.count == probabilities.count, "length mismatch")
        let bins = max(1, binCount)
        // Inner edges as numpy's linspace(0, 1, bins + 1) makes them: i × (1 / bins).
        let step = 1.0 / Double(bins)
        let edges = (1..<bins).map { Double($0) * step }
        var sums = [Double](repeating: 0, count: bins), trues = [Double](repeating: 0, count: bins)
        var totals = [Int](repeating: 0, count: bins)
        for (positive, p) in zip(positives, probabilities) {
            // numpy.searchsorted(edges, p, side='left'): the number of edges strictly below p.
            var low = 0, high = edges.count
            while low < high {
                let mid = (low + high) / 2
                if edges[mid] < p { low = mid + 1 } else { high = mid }
            }
            sums[low] += p
            trues[low] += positive ? 1 : 0
            totals[low] += 1
        }
        var curve = CalibrationCurve(fractionPositive: [], meanPredicted: [], counts: [], bins: [], binCount: bins)
        for b in 0..<bins where totals[b] > 0 {
            curve.fractionPositive.append(trues[b] / Double(totals[b]))
            curve.meanPredicted.append(sums[b] / Double(totals[b]))
            curve.counts.append(totals[b])
            curve.bins.append(b)
        }
        return curve
    }
}
