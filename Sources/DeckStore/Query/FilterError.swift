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
        "filter error at column \(column): \(message)\n  \(expression)\n  \(String(repeating: " ", count: max(0, column - 1)))^"
    }
}
