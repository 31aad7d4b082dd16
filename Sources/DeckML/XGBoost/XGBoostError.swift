/// A failure reported by the XGBoost wrapper, with a message written for the user.
public enum XGBoostError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An XGBoost C API call returned an error; `message` is XGBoost's own text.
    case library(function: String, message: String)
    /// The feature matrix does not have `rows × columns` values, or names do not match columns.
    case malformedMatrix(String)
    /// Labels do not fit the matrix or the objective.
    case invalidLabels(String)
    /// A training parameter is missing or has an unusable value.
    case invalidParameter(name: String, value: String, reason: String)
    /// A model file could not be read or written.
    case modelFile(path: String, reason: String)
    /// The model loads but cannot be scored faithfully by the linked libxgboost.
    case unsupportedModel(String)

    public var description: String {
        switch self {
        case let .library(function, message):
            return "XGBoost failed in \(function): \(message)"
        case let .malformedMatrix(reason):
            return "Feature matrix is malformed: \(reason)"
        case let .invalidLabels(reason):
            return "Labels are invalid: \(reason)"
        case let .invalidParameter(name, value, reason):
            return "XGBoost parameter '\(name)' = '\(value)' is invalid: \(reason)"
        case let .modelFile(path, reason):
            return "Model file '\(path)': \(reason)"
        case let .unsupportedModel(reason):
            return "The model cannot be scored here: \(reason)"
        }
    }
}
