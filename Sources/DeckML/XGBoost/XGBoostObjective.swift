/// The learning tasks MLDeck trains with XGBoost.
public enum XGBoostObjective: Sendable, Equatable, Codable {
    /// Binary classification; predictions are the probability of class 1 (`binary:logistic`).
    case binaryLogistic
    /// Multiclass classification over `classes` classes; predictions are `rows × classes`
    /// probabilities (`multi:softprob`).
    case multiSoftprob(classes: Int)
    /// Regression with squared error (`reg:squarederror`).
    case squaredError

    /// XGBoost's name for the objective.
    public var parameterValue: String {
        switch self {
        case .binaryLogistic: return "binary:logistic"
        case .multiSoftprob: return "multi:softprob"
        case .squaredError: return "reg:squarederror"
        }
    }

    /// The metric XGBoost itself would pick, used when none is given.
    public var defaultEvalMetric: String {
        switch self {
        case .binaryLogistic: return "logloss"
        case .multiSoftprob: return "mlogloss"
        case .squaredError: return "rmse"
        }
    }

    /// Number of prediction values per row.
    public var outputsPerRow: Int {
        if case let .multiSoftprob(classes) = self { return classes }
        return 1
    }
}

/// XGBoost's base learner.
public enum XGBoostBoosterType: String, Sendable, Codable {
    /// Gradient-boosted trees.
    case gbtree
    /// A linear model (logistic / linear regression): the `linear` step.
    case gblinear
}
