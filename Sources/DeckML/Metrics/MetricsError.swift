/// Why metrics could not be computed, written for the user.
public enum MetricsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Truth and predictions have different lengths.
    case lengthMismatch(truth: Int, predictions: Int)
    /// There are no rows to evaluate.
    case empty
    /// A class label is outside `0..<classCount`.
    case labelOutOfRange(row: Int, label: Int, classCount: Int)
    /// A probability is outside [0, 1] or not a number.
    case invalidProbability(row: Int, value: Double)
    /// A value is NaN or infinite where a number is needed.
    case notFinite(row: Int, value: Double)

    public var description: String {
        switch self {
        case let .lengthMismatch(truth, predictions):
            return "Cannot evaluate: \(truth) true values but \(predictions) predictions"
        case .empty:
            return "Cannot evaluate: there are no rows"
        case let .labelOutOfRange(row, label, classCount):
            return "Cannot evaluate: row \(row) has class \(label), expected 0…\(classCount - 1)"
        case let .invalidProbability(row, value):
            return "Cannot evaluate: row \(row) has probability \(value), expected a number in [0, 1]"
        case let .notFinite(row, value):
            return "Cannot evaluate: row \(row) has value \(value), expected a finite number"
        }
    }
}
