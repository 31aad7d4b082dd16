/// Errors of the alert store, written for the person at the terminal.
public enum AlertError: Error, CustomStringConvertible, Equatable, CategorizedError {
    /// No alert has this id.
    case notFound(id: Int64)
    /// A field that cannot be stored (empty model, window or message; a note too long).
    case invalid(field: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let id):
            return "there is no alert \(id) (`mldeck alerts list` shows the alerts and their ids)"
        case .invalid(let field, let reason):
            return "cannot record the alert: its \(field) \(reason)"
        }
    }

    public var category: ErrorCategory {
        switch self {
        case .notFound: return .notFound
        case .invalid: return .invalidArgument
        }
    }
}

/// Checks shared by every ``AlertStore`` implementation.
public enum AlertValidation {
    /// Longest stored model name, window, message or note (characters).
    public static let maxText = 2_000

    /// Throws ``AlertError/invalid(field:reason:)`` for an alert that cannot be stored.
    public static func check(_ alert: NewAlert) throws {
        if alert.model.isEmpty { throw AlertError.invalid(field: "model", reason: "is empty") }
        for (field, text) in [("model", alert.model), ("window", alert.window), ("message", alert.message)] where text.count > maxText {
            throw AlertError.invalid(field: field, reason: "is longer than \(maxText) characters")
        }
        if let version = alert.version, version < 1 { throw AlertError.invalid(field: "version", reason: "must be 1 or more") }
    }

    /// Throws for an acknowledgement note or author that cannot be stored.
    public static func check(note: String?, by author: String) throws {
        if author.isEmpty { throw AlertError.invalid(field: "acknowledging author", reason: "is empty") }
        if let note, note.count > maxText { throw AlertError.invalid(field: "note", reason: "is longer than \(maxText) characters") }
    }
}
