extension Evaluator {
    /// Evaluates an XGBoost prediction against labels as the objective implies: binary metrics
    /// for `binary:logistic`, macro multiclass metrics for `multi:softprob`, regression metrics
    /// for `reg:squarederror`.
    public static func evaluate(
        _ prediction: XGBoostPrediction, labels: [Float], objective: XGBoostObjective, threshold: Double = 0.5
    ) throws(MetricsError) -> EvaluationResult {
        switch objective {
        case .binaryLogistic:
            return try binary(labels: labels.map { CheckedInteger.clamped(Double($0), nan: -1) }, probabilities: prediction.doubles, threshold: threshold)
        case let .multiSoftprob(classes):
            return try multiclass(labels: labels.map { CheckedInteger.clamped(Double($0), nan: -1) }, probabilities: prediction.doubles, classCount: classes)
        case .squaredError:
            return try regression(targets: labels.map(Double.init), predictions: prediction.doubles)
        }
    }
}
