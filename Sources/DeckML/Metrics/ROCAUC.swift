/// Area under the ROC curve, computed as scikit-learn's `roc_auc_score` does: one point per
/// distinct score (tied scores move together, giving a diagonal segment), areas by trapezoid.
public enum ROCAUC {
    /// Binary ROC AUC of `scores` against `positives`; nil when only one class is present
    /// (scikit-learn raises there: the curve is undefined).
    public static func binary(positives: [Bool], scores: [Double]) -> Double? {
        precondition(positives.count == scores.count, "length mismatch")
        let n = scores.count
        let order = (0..<n).sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        let positiveTotal = positives.lazy.filter { $0 }.count
        let negativeTotal = n - positiveTotal
        guard positiveTotal > 0, negativeTotal > 0 else { return nil }
        // Twice the area in units of (1 negative × 1 positive): exact integer arithmetic.
        var doubledArea = 0
        var truePositives = 0, falsePositives = 0
        var previousTP = 0, previousFP = 0
        var i = 0
        while i < n {
            let threshold = scores[order[i]]
            while i < n && scores[order[i]] == threshold {
                if positives[order[i]] { truePositives += 1 } else { falsePositives += 1 }
                i += 1
            }
            doubledArea += (falsePositives - previousFP) * (truePositives + previousTP)
            previousTP = truePositives
            previousFP = falsePositives
        }
        return Double(doubledArea) / (2 * Double(positiveTotal) * Double(negativeTotal))
    }

    /// One-vs-rest macro AUC over `classCount` classes, like scikit-learn's
    /// `roc_auc_score(y, P, multi_class="ovr", average="macro")`; nil when a class never occurs
    /// (or occurs in every row) in `labels`.
    ///
    /// - Parameter probabilities: row-major `rows × classCount`.
    public static func oneVsRestMacro(labels: [Int], probabilities: [Double], classCount: Int) -> Double? {
        precondition(probabilities.count == labels.count * classCount, "shape mismatch")
        var total = 0.0
        for k in 0..<classCount {
            let positives = labels.map { $0 == k }
            let scores = stride(from: k, to: probabilities.count, by: classCount).map { probabilities[$0] }
            guard let auc = binary(positives: positives, scores: scores) else { return nil }
            total += auc
        }
        return total / Double(classCount)
    }
}
