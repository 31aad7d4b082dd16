/// A receiver operating characteristic curve, equal to scikit-learn's
/// `roc_curve(y, scores)` with its defaults (`drop_intermediate=True`): the first point is
/// (0, 0) at threshold +∞, then one point per distinct score where the curve changes direction.
public struct ROCCurve: Sendable, Equatable, Codable {
    /// False-positive rate per point.
    public var fpr: [Double]
    /// True-positive rate per point.
    public var tpr: [Double]
    /// Score at or above which a row counts as positive for the point; the first is +∞.
    public var thresholds: [Double]

    public init(fpr: [Double], tpr: [Double], thresholds: [Double]) {
        self.fpr = fpr; self.tpr = tpr; self.thresholds = thresholds
    }

    /// The curve of `scores` against `positives`; nil when only one class is present (the rates
    /// are undefined there: scikit-learn returns NaN with a warning).
    public static func binary(positives: [Bool], scores: [Double]) -> ROCCurve? {
        let points = BinaryCurvePoints(positives: positives, scores: scores)
        guard let positiveTotal = points.truePositives.last, let negativeTotal = points.falsePositives.last,
              positiveTotal > 0, negativeTotal > 0 else { return nil }
        var keep = Array(points.thresholds.indices)
        if keep.count > 2 {
            // Drop points lying on a straight horizontal or vertical run (second difference zero in both).
            keep = keep.filter { i in
                guard i > 0, i < keep.count - 1 else { return true }
                let fps = points.falsePositives, tps = points.truePositives
                return fps[i + 1] - 2 * fps[i] + fps[i - 1] != 0 || tps[i + 1] - 2 * tps[i] + tps[i - 1] != 0
            }
        }
        var fpr = [0.0], tpr = [0.0], thresholds = [Double.infinity]
        for i in keep {
            fpr.append(Double(points.falsePositives[i]) / Double(negativeTotal))
            tpr.append(Double(points.truePositives[i]) / Double(positiveTotal))
            thresholds.append(points.thresholds[i])
        }
        return ROCCurve(fpr: fpr, tpr: tpr, thresholds: thresholds)
    }
}
