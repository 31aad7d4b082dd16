/// Builds JSON text by hand: answers are made on every request, so no `Encoder` and no
/// intermediate dictionaries.
public struct JSONText: Sendable {
    public private(set) var text: String

    public init() { text = ""; text.reserveCapacity(256) }

    /// A JSON string literal for `s`.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        var plain = true
        for u in s.utf8 where u < 0x20 || u == 0x22 || u == 0x5C { plain = false; break }
        if plain { return out + s + "\"" }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// A JSON number for `v` (`null` for NaN and infinities, which JSON cannot hold).
    public static func number(_ v: Double) -> String { v.isFinite ? "\(v)" : "null" }

    public mutating func raw(_ s: String) { text += s }
    public mutating func string(_ s: String) { text += Self.quoted(s) }
    public mutating func key(_ k: String) { text += Self.quoted(k); text += ":" }

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
