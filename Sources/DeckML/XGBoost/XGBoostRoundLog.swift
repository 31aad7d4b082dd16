/// The metrics XGBoost evaluated after one boosting round.
public struct XGBoostRoundLog: Sendable, Equatable, Codable {
    /// Zero-based round index.
    public let round: Int
    /// Metric values keyed `set-metric`, e.g. `train-logloss`, `validation-auc`.
    public let metrics: [String: Double]

    public init(round: Int, metrics: [String: Double]) {
        self.round = round
        self.metrics = metrics
    }
}
