import DeckStore

/// Builds JSON text by hand: answers are made on every request, so no `Encoder` and no
/// intermediate dictionaries.
public struct JSONText: Sendable {
    public private(set) var text: String

    public init() { text = ""; text.reserveCapacity(256) }

    /// A JSON string literal for `s`.
    public static func quoted(_ s: String) -> String { JSONStringLiteral.quoted(s) }

    /// A JSON number for `v` (`null` for NaN and infinities, which JSON cannot hold).
    public static func number(_ v: Double) -> String { v.isFinite ? "\(v)" : "null" }

    public mutating func raw(_ s: String) { text += s }
    /// Appends `s` as a JSON string (in place: no intermediate string for the usual plain text).
    public mutating func string(_ s: String) {
        if JSONStringLiteral.isPlain(s) {
            text.append("\""); text.append(s); text.append("\"")
        } else {
            text += Self.quoted(s)
        }
    }

    public mutating func key(_ k: String) { string(k); text.append(":") }

    /// `["a","b"]`.
    public mutating func strings(_ values: [String]) {
        text += "["
        for (i, v) in values.enumerated() { if i > 0 { text += "," }; text += Self.quoted(v) }
        text += "]"
    }

    /// `[1.5,2]`.
    public mutating func numbers(_ values: [Double]) {
        text += "["
        for (i, v) in values.enumerated() { if i > 0 { text += "," }; text += Self.number(v) }
        text += "]"
    }
}
