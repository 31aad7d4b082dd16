import GRDB

/// A run listing the database could not answer, written for the user: it names the filter and
/// what to change, and never shows SQL.
public enum RunQueryError: Error, CustomStringConvertible, Equatable {
    /// The filter nests too deeply for SQLite's parser (a fixed-size stack).
    case filterTooComplex(filter: String)
    /// Another database failure while listing runs; `reason` is a sentence without SQL.
    case databaseFailed(filter: String?, reason: String)

    /// The user-facing error for a database error met while running the query for `filter`.
    init(_ error: DatabaseError, filter: String?) {
        let message = (error.message ?? "").lowercased()
        if let filter, message.contains("parser stack overflow") || message.contains("expression tree is too large")
            || message.contains("too many sql variables") {
            self = .filterTooComplex(filter: filter)
            return
        }
        let reason: String
        switch error.resultCode.primaryResultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: reason = "the database is busy (another mldeck is writing to it); try again"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: reason = "the database is damaged; run `mldeck fsck` to see what is broken"
        case .SQLITE_CANTOPEN, .SQLITE_IOERR, .SQLITE_PERM, .SQLITE_READONLY: reason = "the database file could not be read (check it exists and is readable)"
        case .SQLITE_NOMEM, .SQLITE_FULL: reason = "the machine ran out of memory or disk space"
        default: reason = "the database could not answer the query (SQLite result code \(error.resultCode.rawValue))"
        }
        self = .databaseFailed(filter: filter, reason: reason)
    }

    public var description: String {
        switch self {
        case .filterTooComplex(let filter):
            let shown = filter.count > 80 ? String(filter.prefix(77)) + "…" : filter
            return "the filter is too complex for the database: its parentheses nest too deeply (AND inside OR inside AND …, some 30 levels at most) or it has too many values; simplify it, for example by joining conditions with AND / OR at one level. Filter: \(shown)"
        case .databaseFailed(let filter, let reason):
            return "cannot list runs\(filter.map { " matching '\($0.count > 80 ? String($0.prefix(77)) + "…" : $0)'" } ?? ""): \(reason)"
        }
    }
}

extension RunQueryError: CategorizedError {
    /// What kind of failure this is (a server maps it to a status without reading the message).
    public var category: ErrorCategory {
        switch self {
        case .filterTooComplex: return .invalidArgument
        case .databaseFailed: return .unavailable
        }
    }
}
