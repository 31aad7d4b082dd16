/// A filter expression that could not be parsed, with the 1-based column of the offending token.
public struct FilterError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    /// 1-based column in ``expression``.
    public var column: Int
    public var expression: String

    public init(_ message: String, column: Int, expression: String) {
        self.message = message; self.column = column; self.expression = expression
    }

    /// The message, the expression, and a caret under the offending column.
    public var description: String {
        "filter error at column \(column): \(message)\n" + excerpt(indent: "  ")
    }

    /// The expression (or, when it is long, the part around ``column``) and a caret line under
    /// the column, each line starting with `indent`.
    public func excerpt(indent: String) -> String {
        let characters = Array(expression)
        let at = max(0, column - 1)
        let start = max(0, min(at, characters.count) - 60)
        let end = min(characters.count, max(at, start) + 20)
        let head = start > 0 ? "…" : "", tail = end < characters.count ? "…" : ""
        let shown = head + String(characters[start..<end]) + tail
        let caret = String(repeating: " ", count: head.count + at - start) + "^"
        return "\(indent)\(shown)\n\(indent)\(caret)"
    }
}

extension FilterError: CategorizedError {
    /// What kind of failure this is (a server maps it to a status without reading the message).
    public var category: ErrorCategory {
        .invalidArgument
    }
}
