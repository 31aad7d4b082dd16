import DeckStore

/// Why a registered model version could not be loaded for scoring.
public enum ModelLoadError: Error, CustomStringConvertible, CategorizedError {
    /// The version was registered without a preprocessing spec (not by a `register` step).
    case noPreprocessing(model: String)
    /// The stored preprocessing spec does not decode.
    case badPreprocessing(model: String, reason: String)
    /// The stored model bytes are missing or damaged, or XGBoost refuses them.
    case badModel(model: String, reason: String)

    public var category: ErrorCategory {
        switch self {
        case .noPreprocessing: return .invalidArgument
        case .badPreprocessing, .badModel: return .corrupt
        }
    }

    public var description: String {
        switch self {
        case .noPreprocessing(let model):
            return "\(model) has no preprocessing spec, so it cannot score a table (register versions with a pipeline's register step)"
        case .badPreprocessing(let model, let reason):
            return "the preprocessing spec of \(model) cannot be read: \(reason) (mldeck fsck checks the store)"
        case .badModel(let model, let reason):
            return "the model of \(model) cannot be loaded: \(reason) (mldeck fsck checks the store)"
        }
    }
}
