/// The outcome of the `evaluate` step: metric name → value, plus the confusion matrix for
/// classifiers. Encodes to JSON as `{"task": …, "metrics": {…}, "confusionMatrix": [[…]], …}`.
public struct EvaluationResult: Sendable, Equatable, Codable {
    /// What kind of model was evaluated.
    public enum Task: String, Sendable, Codable {
        case binary, multiclass, regression
    }

    /// The task.
    public var task: Task
    /// Metric values by name: `accuracy`, `precision`, `recall`, `f1`, `auc`, `logloss` for
    /// classifiers (macro averages for multiclass); `rmse`, `mae`, `r2`, `mape` for regression.
    /// A metric that is undefined for the data (AUC with a single class present) is absent.
    public var metrics: [String: Double]
    /// `confusionMatrix[actual][predicted]` for classifiers; nil for regression.
    public var confusionMatrix: [[Int]]?
    /// Number of rows evaluated.
    public var rowCount: Int
    /// Probability above which a binary prediction is class 1.
    public var threshold: Double?

    public init(task: Task, metrics: [String: Double], confusionMatrix: [[Int]]?, rowCount: Int, threshold: Double? = nil) {
        self.task = task
        self.metrics = metrics
        self.confusionMatrix = confusionMatrix
        self.rowCount = rowCount
        self.threshold = threshold
    }
}
