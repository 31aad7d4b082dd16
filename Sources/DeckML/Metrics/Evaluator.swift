/// The `evaluate` step: every metric for a task from true values and predictions.
public enum Evaluator {
    /// Binary classification. A row is predicted class 1 when its probability is greater than
    /// `threshold` (as XGBoost's scikit-learn wrapper does at 0.5).
    ///
    /// - Parameters:
    ///   - labels: true classes, 0 or 1.
    ///   - probabilities: predicted probability of class 1 per row.
    public static func binary(labels: [Int], probabilities: [Double], threshold: Double = 0.5) throws(MetricsError) -> EvaluationResult {
        try checkShape(labels.count, probabilities.count)
        try checkLabels(labels, classCount: 2)
        try checkProbabilities(probabilities)
        let predicted = probabilities.map { $0 > threshold ? 1 : 0 }
        let counts = ClassificationCounts(labels: labels, predicted: predicted, classCount: 2)
        var metrics: [String: Double] = [
            "accuracy": counts.accuracy,
            "precision": counts.precision(1),
            "recall": counts.recall(1),
            "f1": counts.f1(1),
            "logloss": LogLoss.binary(labels: labels, probabilities: probabilities),
        ]
        metrics["auc"] = ROCAUC.binary(positives: labels.map { $0 == 1 }, scores: probabilities)
        return EvaluationResult(task: .binary, metrics: metrics, confusionMatrix: counts.matrix,
                                rowCount: labels.count, threshold: threshold)
    }

    /// Multiclass classification. The predicted class is the most probable one (the first on ties).
    ///
    /// - Parameters:
    ///   - labels: true class indices in `0..<classCount`.
    ///   - probabilities: row-major `rows × classCount` class probabilities.
    public static func multiclass(labels: [Int], probabilities: [Double], classCount: Int) throws(MetricsError) -> EvaluationResult {
        try checkShape(labels.count * classCount, probabilities.count)
        try checkShape(labels.count, labels.count)
        try checkLabels(labels, classCount: classCount)
        try checkProbabilities(probabilities, classCount: classCount)
        var predicted = [Int](repeating: 0, count: labels.count)
        for row in labels.indices {
            var best = 0
            for k in 1..<classCount where probabilities[row * classCount + k] > probabilities[row * classCount + best] {
                best = k
            }
            predicted[row] = best
        }
        let counts = ClassificationCounts(labels: labels, predicted: predicted, classCount: classCount)
        var metrics: [String: Double] = [
            "accuracy": counts.accuracy,
            "precision": counts.macro(counts.precision),
            "recall": counts.macro(counts.recall),
            "f1": counts.macro(counts.f1),
            "logloss": LogLoss.multiclass(labels: labels, probabilities: probabilities, classCount: classCount),
        ]
        metrics["auc"] = ROCAUC.oneVsRestMacro(labels: labels, probabilities: probabilities, classCount: classCount)
        return EvaluationResult(task: .multiclass, metrics: metrics, confusionMatrix: counts.matrix, rowCount: labels.count)
    }

    /// Regression: RMSE, MAE, R² and MAPE.
    public static func regression(targets: [Double], predictions: [Double]) throws(MetricsError) -> EvaluationResult {
        try checkShape(targets.count, predictions.count)
        for (row, value) in targets.enumerated() where !value.isFinite { throw .notFinite(row: row, value: value) }
        for (row, value) in predictions.enumerated() where !value.isFinite { throw .notFinite(row: row, value: value) }
        let metrics: [String: Double] = [
            "rmse": RegressionMetrics.rmse(targets: targets, predictions: predictions),
            "mae": RegressionMetrics.mae(targets: targets, predictions: predictions),
            "r2": RegressionMetrics.r2(targets: targets, predictions: predictions),
            "mape": RegressionMetrics.mape(targets: targets, predictions: predictions),
        ]
        return EvaluationResult(task: .regression, metrics: metrics, confusionMatrix: nil, rowCount: targets.count)
    }

    private static func checkShape(_ truth: Int, _ predictions: Int) throws(MetricsError) {
        guard truth == predictions else { throw .lengthMismatch(truth: truth, predictions: predictions) }
        guard truth > 0 else { throw .empty }
    }

    private static func checkLabels(_ labels: [Int], classCount: Int) throws(MetricsError) {
        if let row = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw .labelOutOfRange(row: row, label: labels[row], classCount: classCount)
        }
    }

    private static func checkProbabilities(_ values: [Double], classCount: Int = 1) throws(MetricsError) {
        if let index = values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw .invalidProbability(row: index / classCount, value: values[index])
        }
    }
}
