/// A precision-recall curve, equal to scikit-learn's `precision_recall_curve(y, scores)`:
/// points in order of increasing threshold, then a final point (precision 1, recall 0) that has
/// no threshold, so `thresholds` is one shorter than `precision` and `recall`.
public struct PrecisionRecallCurve: Sendable, Equatable, Codable {
    /// Precision per point; 0 where nothing is predicted positive.
    public var precision: [Double]
    /// Recall per point; 1 everywhere when there are no positives (scikit-learn's convention).
    public var recall: [Double]
    /// Distinct scores, increasing.
    public var thresholds: [Double]

    public init(precision: [Double], recall: [Double], thresholds: [Double]) {
        self.precision = precision; self.recall = recall; self.thresholds = thresholds
    }

    /// The curve of `scores` against `positives`; nil for empty input.
    public static func binary(positives: [Bool], scores: [Double]) -> PrecisionRecallCurve? {
        let points = BinaryCurvePoints(positives: positives, scores: scores)
        guard let positiveTotal = points.truePositives.last else { return nil }
        var precision: [Double] = [], recall: [Double] = [], thresholds: [Double] = []
        for i in points.thresholds.indices.reversed() {
            let tp = points.truePositives[i], predicted = tp + points.falsePositives[i]
            precision.append(predicted == 0 ? 0 : Double(tp) / Double(predicted))
            recall.append(positiveTotal == 0 ? 1 : Double(tp) / Double(positiveTotal))
            thresholds.append(points.thresholds[i])
        }
        precision.append(1)
        recall.append(0)
        return PrecisionRecallCurve(precision: precision, recall: recall, thresholds: thresholds)
    }
}
