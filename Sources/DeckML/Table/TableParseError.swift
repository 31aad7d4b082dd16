import Foundation

/// Why a table file could not be read. Every case that concerns a position names the file,
/// the 1-based line and the 1-based column (in characters) where the problem starts.
public enum TableParseError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// The file has no header row (it is empty) while one was expected.
    case emptyFile(file: String)
    /// A quoted field is never closed; the position is the opening quote.
    case unclosedQuote(file: String, line: Int, column: Int)
    /// A row has a different number of fields than the header.
    case wrongFieldCount(file: String, line: Int, column: Int, expected: Int, found: Int)
    /// The bytes at the position are not valid UTF-8.
    case invalidUTF8(file: String, line: Int, column: Int)
    /// A JSON Lines row is not a JSON object (or is not valid JSON).
    case invalidJSON(file: String, line: Int, column: Int, reason: String)
    /// A requested column (for example a diff key) is not in the header.
    case unknownColumn(file: String, column: String)

    /// The file the error refers to.
    public var file: String {
        switch self {
        case .unreadable(let f, _), .emptyFile(let f), .unclosedQuote(let f, _, _),
             .wrongFieldCount(let f, _, _, _, _), .invalidUTF8(let f, _, _), .invalidJSON(let f, _, _, _),
             .unknownColumn(let f, _):
            return f
        }
    }

    /// The 1-based line, when the error has a position.
    public var line: Int? {
        switch self {
        case .unclosedQuote(_, let l, _), .wrongFieldCount(_, let l, _, _, _), .invalidUTF8(_, let l, _),
             .invalidJSON(_, let l, _, _):
            return l
        default: return nil
        }
    }

    /// The 1-based column (in characters), when the error has a position.
    public var column: Int? {
        switch self {
        case .unclosedQuote(_, _, let c), .wrongFieldCount(_, _, let c, _, _), .invalidUTF8(_, _, let c),
             .invalidJSON(_, _, let c, _):
            return c
        default: return nil
        }
    }

    /// A short reason without the position, e.g. "unclosed quote".
    public var reason: String {
        switch self {
        case .unreadable(_, let r): return "cannot read file: \(r)"
        case .emptyFile: return "the file is empty (no header row)"
        case .unclosedQuote: return "unclosed quote (the quoted field starting here never ends)"
        case .wrongFieldCount(_, _, _, let e, let f): return "expected \(e) fields, found \(f)"
        case .invalidUTF8: return "invalid UTF-8 byte sequence"
        case .invalidJSON(_, _, _, let r): return "invalid JSON: \(r)"
        case .unknownColumn(_, let c): return "no column named '\(c)'"
        }
    }

    public var description: String {
        if let l = line, let c = column { return "\(file):\(l):\(c): \(reason)" }
        return "\(file): \(reason)"
    }
}

/// A row skipped in lenient mode, with where and why.
public struct SkippedRow: Codable, Equatable, Sendable {
    /// 1-based line where the row starts.
    public var line: Int
    /// 1-based column (in characters) of the problem.
    public var column: Int
    /// Why it was skipped.
    public var reason: String

    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }
}

/// The rows skipped while reading a table in lenient mode: how many, and the first few.
public struct SkippedRows: Codable, Equatable, Sendable {
    /// Number of rows skipped in all.
    public var count: Int
    /// The first rows skipped, in file order (at most `TableReadOptions.maxReportedBadRows`).
    public var first: [SkippedRow]

    public init(count: Int = 0, first: [SkippedRow] = []) {
        self.count = count
        self.first = first
    }
}
