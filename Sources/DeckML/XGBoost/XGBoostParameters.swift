import Foundation

/// Everything that configures one XGBoost training run.
public struct XGBoostParameters: Sendable, Equatable {
    /// The learning task.
    public var objective: XGBoostObjective
    /// Trees (`gbtree`) or a linear model (`gblinear`).
    public var booster: XGBoostBoosterType
    /// Maximum number of boosting rounds.
    public var rounds: Int
    /// Stop when the last evaluation metric on the validation set has not improved for this many
    /// rounds; nil trains all rounds. Needs a validation set.
    public var earlyStoppingRounds: Int?
    /// Training threads; defaults to the number of cores.
    public var threads: Int
    /// Evaluation metrics logged every round (XGBoost names such as `logloss`, `auc`, `rmse`);
    /// empty uses the objective's default. The last one drives early stopping, as in Python.
    public var evalMetrics: [String]
    /// Any other XGBoost parameter, passed through as strings (`max_depth`, `eta`, `tree_method`, …).
    /// For `gblinear`, `updater` defaults to `coord_descent` (deterministic) unless given here.
    public var extra: [String: String]

    /// Creates parameters; `threads` defaults to the number of active cores.
    public init(
        objective: XGBoostObjective,
        booster: XGBoostBoosterType = .gbtree,
        rounds: Int = 100,
        earlyStoppingRounds: Int? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        evalMetrics: [String] = [],
        extra: [String: String] = [:]
    ) {
        self.objective = objective
        self.booster = booster
        self.rounds = rounds
        self.earlyStoppingRounds = earlyStoppingRounds
        self.threads = threads
        self.evalMetrics = evalMetrics
        self.extra = extra
    }

    /// The metrics actually evaluated each round.
    public var effectiveEvalMetrics: [String] {
        evalMetrics.isEmpty ? [objective.defaultEvalMetric] : evalMetrics
    }

    /// Checks values that XGBoost would otherwise reject with a less helpful message.
    public func validate() throws(XGBoostError) {
        guard rounds >= 1 else {
            throw .invalidParameter(name: "rounds", value: "\(rounds)", reason: "must be at least 1")
        }
        if let earlyStoppingRounds, earlyStoppingRounds < 1 {
            throw .invalidParameter(name: "early_stopping_rounds", value: "\(earlyStoppingRounds)",
                                    reason: "must be at least 1")
        }
        guard threads >= 1 else {
            throw .invalidParameter(name: "nthread", value: "\(threads)", reason: "must be at least 1")
        }
        if case let .multiSoftprob(classes) = objective, classes < 2 {
            throw .invalidParameter(name: "num_class", value: "\(classes)", reason: "needs at least 2 classes")
        }
        for reserved in ["objective", "booster", "num_class", "nthread", "eval_metric"] where extra[reserved] != nil {
            throw .invalidParameter(name: reserved, value: extra[reserved] ?? "",
                                    reason: "set it through the dedicated field, not as an extra parameter")
        }
    }

    /// The (name, value) pairs given to `XGBoosterSetParam`, in a stable order. `eval_metric` may
    /// appear several times, once per metric.
    public var boosterParameterPairs: [(String, String)] {
        var pairs: [(String, String)] = [
            ("objective", objective.parameterValue),
            ("booster", booster.rawValue),
            ("nthread", "\(threads)"),
        ]
        if case let .multiSoftprob(classes) = objective {
            pairs.append(("num_class", "\(classes)"))
        }
        if booster == .gblinear && extra["updater"] == nil {
            // XGBoost's default `shotgun` updater is lock-free parallel and not reproducible.
            pairs.append(("updater", "coord_descent"))
        }
        for key in extra.keys.sorted() {
            pairs.append((key, extra[key]!))
        }
        for metric in effectiveEvalMetrics {
            pairs.append(("eval_metric", metric))
        }
        return pairs
    }

}
