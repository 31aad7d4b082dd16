/// The outcome of `XGBoostTrainer.train`.
public struct XGBoostTrainingResult: Sendable {
    /// The final model. With early stopping it holds only rounds `0...bestIteration`, so that its
    /// saved form predicts exactly as the best iteration did in memory.
    public let booster: XGBoostBooster
    /// Zero-based index of the best round (the last round without early stopping).
    public let bestIteration: Int
    /// The early-stopping metric's value at `bestIteration`, when a validation set was given.
    public let bestScore: Double?
    /// The metric key that drove early stopping (e.g. `validation-auc`), when any.
    public let stoppingMetric: String?
    /// Number of rounds actually trained (may exceed `bestIteration + 1` with early stopping).
    public let roundsTrained: Int
    /// Every round's evaluation, in order.
    public let history: [XGBoostRoundLog]
    /// Where the time went, in seconds.
    public let timings: XGBoostTrainingTimings
}

/// Wall-clock seconds spent in each part of training, to keep MLDeck's own overhead visible.
public struct XGBoostTrainingTimings: Sendable, Equatable, Codable {
    /// Building the DMatrix objects (copying features, labels and names into XGBoost).
    public var matrixBuild: Double = 0
    /// XGBoost's `UpdateOneIter` calls: the training proper.
    public var boosting: Double = 0
    /// XGBoost's `EvalOneIter` calls (computing the metrics).
    public var evaluation: Double = 0
    /// Parsing evaluation lines, early-stopping bookkeeping and the per-round callback.
    public var logging: Double = 0
    /// Slicing or restoring the best model at the end.
    public var finishing: Double = 0

    public init() {}
}
