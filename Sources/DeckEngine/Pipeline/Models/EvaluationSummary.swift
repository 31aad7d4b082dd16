import DeckML
import DeckStore

/// What `runs show` and `runs compare` print of a run's evaluation: the confusion matrix with its
/// class names, the AUC, and the features by gain. Built from the run's `evaluation.json`.
public struct EvaluationSummary: Encodable, Sendable, Equatable {
    /// The evaluate step that recorded it.
    public var step: String
    /// The split scored and its rows.
    public var split: String
    public var rows: Int
    /// `binary`, `multiclass` or `regression`.
    public var task: String
    /// Probability above which a binary prediction is the positive class.
    public var threshold: Double?
    /// Class names in the matrix's order (`0`, `1`, … when the model has none).
    public var classes: [String]
    /// `confusionMatrix[actual][predicted]`; nil for regression.
    public var confusionMatrix: [[Int]]?
    /// ROC AUC, when defined.
    public var auc: Double?
    /// Features by descending gain (all of them).
    public var importance: [FeatureImportance.Entry]
    /// Residual summary (regression).
    public var residuals: ResidualSummary?

    enum CodingKeys: String, CodingKey {
        case step, split, rows, task, threshold, classes, auc, importance, residuals
        case confusionMatrix = "confusion_matrix"
    }

    /// The summary of a report written by the step `step`.
    public init(step: String, report: EvaluationReport) {
        self.step = step
        split = report.split
        rows = report.rows
        task = report.result.task.rawValue
        threshold = report.result.threshold
        confusionMatrix = report.result.confusionMatrix
        let size = report.result.confusionMatrix?.count ?? 0
        let names = report.classes ?? []
        classes = (0..<size).map { $0 < names.count ? names[$0] : "\($0)" }
        auc = report.result.metrics["auc"]
        importance = report.charts?.importance?.features ?? []
        residuals = report.charts?.residuals
    }

    /// The summary of a run's evaluation, or nil when the run recorded none.
    public static func load(from store: any StoreBase, artifacts: [ArtifactRecord]) -> EvaluationSummary? {
        EvaluationReport.load(from: store, artifacts: artifacts).map { EvaluationSummary(step: $0.step, report: $0.report) }
    }
}
