/// Tracks the best round of one metric, as Python xgboost's `EarlyStopping` callback does:
/// AUC, AUCPR, MAP and NDCG are maximised, everything else minimised; only a strict improvement
/// resets the patience counter.
public struct EarlyStoppingTracker: Sendable, Equatable {
    /// The metric key followed, e.g. `validation-logloss`.
    public let metric: String
    /// Rounds without improvement before stopping; nil never stops.
    public let patience: Int?
    /// Whether larger values are better.
    public let maximize: Bool
    /// Best round so far (zero-based), -1 before the first round.
    public private(set) var bestRound = -1
    /// The metric's value at `bestRound`.
    public private(set) var bestScore: Double?
    /// Rounds since the last improvement.
    public private(set) var roundsWithoutImprovement = 0

    /// Creates a tracker for `metric` (`set-name` form); the direction follows the metric name.
    public init(metric: String, patience: Int?) {
        self.metric = metric
        self.patience = patience
        let name = metric.split(separator: "-", maxSplits: 1).last.map(String.init) ?? metric
        let maximized = ["auc", "aucpr", "map", "ndcg", "auc@", "aucpr@", "map@", "ndcg@"]
        maximize = name != "mape" && maximized.contains { name.hasPrefix($0) }
    }

    /// Records a round; returns true when it is the new best.
    public mutating func record(_ log: XGBoostRoundLog) throws(XGBoostError) -> Bool {
        guard let value = log.metrics[metric] else {
            throw .library(function: "XGBoosterEvalOneIter",
                           message: "round \(log.round) did not report '\(metric)' (got \(log.metrics.keys.sorted()))")
        }
        let improved: Bool
        if let best = bestScore {
            improved = maximize ? value > best : value < best
        } else {
            improved = true
        }
        if improved {
            bestRound = log.round
            bestScore = value
            roundsWithoutImprovement = 0
        } else {
            roundsWithoutImprovement += 1
        }
        return improved
    }

    /// True once `patience` rounds passed without improvement.
    public var shouldStop: Bool {
        guard let patience else { return false }
        return roundsWithoutImprovement >= patience
    }
}
