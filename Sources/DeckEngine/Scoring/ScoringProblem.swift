import DeckML
import DeckStore

/// One value a model cannot score as given: text in a numeric column, or a category it never
/// saw in training. Rows count from 1, as a person reads a file (the header is not a row).
public struct ScoringProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// Text where the model expects a number.
        case notANumber = "not_a_number"
        /// A category the model did not see in training.
        case unseenCategory = "unseen_category"
    }

    public var kind: Kind
    public var column: String
    /// 1-based data row.
    public var row: Int
    public var value: String
    /// Known categories (unseen categories only; at most a few).
    public var known: [String]?

    public var description: String {
        switch kind {
        case .notANumber:
            return "row \(row), column '\(column)': '\(value)' is not a number"
        case .unseenCategory:
            let list = (known ?? []).prefix(8).joined(separator: ", ") + ((known?.count ?? 0) > 8 ? ", …" : "")
            return "row \(row), column '\(column)': '\(value)' is a category the model never saw (it knows: \(list))"
        }
    }
}

/// Why a table could not be scored.
public enum ScoringError: Error, CustomStringConvertible, CategorizedError {
    /// Text where the model reads numbers; `total` counts them all, `problems` holds the first few.
    case badValues(problems: [ScoringProblem], total: Int)

    public var category: ErrorCategory { .invalidArgument }

    public var description: String {
        switch self {
        case .badValues(let problems, let total):
            let more = total > problems.count ? "\n  … and \(total - problems.count) more" : ""
            return "\(total) value\(total == 1 ? "" : "s") cannot be scored:\n  "
                + problems.map(\.description).joined(separator: "\n  ") + more
                + "\n(--lenient scores them as missing values and reports each as a warning; unseen categories always are)"
        }
    }
}
