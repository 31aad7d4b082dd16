/// What an evaluation draws, besides its metrics: ROC, precision-recall and calibration curves for
/// a binary classifier; the residual summary and predicted-vs-actual points for regression; and
/// the model's feature importance when it has one. Absent parts are nil (a multiclass model has
/// no curves; a curve is undefined when a class is missing from the rows).
public struct EvaluationCharts: Sendable, Equatable, Codable {
    public var roc: ROCCurve?
    public var precisionRecall: PrecisionRecallCurve?
    public var calibration: CalibrationCurve?
    public var residuals: ResidualSummary?
    public var predictedVsActual: PredictedVsActual?
    public var importance: FeatureImportance?

    public init(roc: ROCCurve? = nil, precisionRecall: PrecisionRecallCurve? = nil, calibration: CalibrationCurve? = nil,
                residuals: ResidualSummary? = nil, predictedVsActual: PredictedVsActual? = nil, importance: FeatureImportance? = nil) {
        self.roc = roc; self.precisionRecall = precisionRecall; self.calibration = calibration
        self.residuals = residuals; self.predictedVsActual = predictedVsActual; self.importance = importance
    }

    /// The curves of a binary classifier: `labels` are 0 or 1, `probabilities` of class 1.
    public static func binary(labels: [Int], probabilities: [Double], calibrationBins: Int = 10) -> EvaluationCharts {
        let positives = labels.map { $0 == 1 }
        return EvaluationCharts(roc: ROCCurve.binary(positives: positives, scores: probabilities),
                                precisionRecall: PrecisionRecallCurve.binary(positives: positives, scores: probabilities),
                                calibration: CalibrationCurve.binary(positives: positives, probabilities: probabilities, binCount: calibrationBins))
    }

    /// The residuals and (at most `pointLimit`) predicted-vs-actual points of a regression model.
    public static func regression(targets: [Double], predictions: [Double], pointLimit: Int = 1000) -> EvaluationCharts {
        EvaluationCharts(residuals: ResidualSummary.of(targets: targets, predictions: predictions),
                         predictedVsActual: PredictedVsActual.sample(targets: targets, predictions: predictions, limit: pointLimit))
    }

    /// Whether there is anything to draw.
    public var isEmpty: Bool {
        roc == nil && precisionRecall == nil && calibration == nil && residuals == nil && predictedVsActual == nil && importance == nil
    }
}
