/// Cumulative true- and false-positive counts at every distinct score, highest score first: the
/// counts behind the ROC and precision-recall curves, as scikit-learn's `_binary_clf_curve`
/// computes them (rows with tied scores cross the threshold together).
public struct BinaryCurvePoints: Sendable, Equatable {
    /// Distinct scores, descending.
    public let thresholds: [Double]
    /// Positives scored at or above each threshold.
    public let truePositives: [Int]
    /// Negatives scored at or above each threshold.
    public let falsePositives: [Int]

    /// Counts for `scores` against `positives` (same length).
    public init(positives: [Bool], scores: [Double]) {
        precondition(positives.count == scores.count, "length mismatch")
        let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var thresholds: [Double] = [], tps: [Int] = [], fps: [Int] = []
        var tp = 0, fp = 0
        var i = 0
        while i < order.count {
            let score = scores[order[i]]
            while i < order.count && scores[order[i]] == score {
                if positives[order[i]] { tp += 1 } else { fp += 1 }
                i += 1
            }
            thresholds.append(score)
            tps.append(tp)
            fps.append(fp)
        }
        self.thresholds = thresholds
        truePositives = tps
        falsePositives = fps
    }
}
