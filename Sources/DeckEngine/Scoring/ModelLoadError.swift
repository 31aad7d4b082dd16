import DeckStore

/// Why a registered model version could not be loaded for scoring.
public enum ModelLoadError: Error, CustomStringConvertible, CategorizedError {
    /// The version was registered without a preprocessing spec (not by a `register` step) and is
    /// not an XGBoost model whose schema can be derived from the booster.
    case noPreprocessing(model: String)
    /// The stored preprocessing spec does not decode.
    case badPreprocessing(model: String, reason: String)
    /// An XGBoost version without a spec has a feature its derived schema cannot take as a number.
    case unservableFeature(model: String, feature: String, type: String)
    /// An XGBoost version without a spec has an objective MLDeck cannot turn into answers.
    case unservableObjective(model: String, objective: String)
    /// The stored model bytes are missing or damaged, or XGBoost refuses them.
    case badModel(model: String, reason: String)

    public var category: ErrorCategory {
        switch self {
        case .noPreprocessing, .unservableFeature, .unservableObjective: return .invalidArgument
        case .badPreprocessing, .badModel: return .corrupt
        }
    }

    public var description: String {
        switch self {
        case .noPreprocessing(let model):
            return "\(model) has no preprocessing spec and is not an XGBoost model, so it cannot score a table (register versions with a pipeline's register step)"
        case .unservableFeature(let model, let feature, let type):
            return "\(model) has no preprocessing spec and its booster types feature '\(feature)' as '\(type)' (categorical or unknown): MLDeck scores such a model's features as numbers only (register it with a pipeline's register step)"
        case .unservableObjective(let model, let objective):
            return "\(model) has no preprocessing spec and its booster's objective '\(objective)' is not one MLDeck can answer for (binary:logistic, multi:softprob, multi:softmax, reg:*; or register it with a pipeline's register step)"
        case .badPreprocessing(let model, let reason):
            return "the preprocessing spec of \(model) cannot be read: \(reason) (mldeck fsck checks the store)"
        case .badModel(let model, let reason):
            return "the model of \(model) cannot be loaded: \(reason) (mldeck fsck checks the store)"
        }
    }
}
