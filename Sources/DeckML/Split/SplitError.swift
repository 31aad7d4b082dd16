/// Why a dataset could not be split, written for the user.
public enum SplitError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A fraction is negative, not finite, or the fractions leave nothing for training.
    case invalidFractions(validation: Double, test: Double)
    /// The number of keys (classes or times) does not match the number of rows.
    case keyCountMismatch(keys: Int, rows: Int)

    public var description: String {
        switch self {
        case let .invalidFractions(validation, test):
            return "Split fractions are invalid: validation \(validation) and test \(test) must each be in [0, 1) and sum to less than 1"
        case let .keyCountMismatch(keys, rows):
            return "Split needs one key per row: got \(keys) keys for \(rows) rows"
        }
    }
}
