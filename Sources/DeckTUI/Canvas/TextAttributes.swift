/// Character attributes a cell can carry. The terminal backend maps them to `A_*` bits.
public struct TextAttributes: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let italic = TextAttributes(rawValue: 1 << 2)
    public static let underline = TextAttributes(rawValue: 1 << 3)
    public static let reverse = TextAttributes(rawValue: 1 << 4)

    /// Names as theme files spell them.
    public static let byName: [(String, TextAttributes)] = [
        ("bold", .bold), ("dim", .dim), ("italic", .italic), ("underline", .underline), ("reverse", .reverse),
    ]

    /// Parses a list like `bold reverse` or `bold,underline`; `none` is the empty set.
    /// Returns nil when a word is not an attribute name.
    public static func parse(_ text: String) -> TextAttributes? {
        var result: TextAttributes = []
        for word in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "+" }) {
            let w = word.lowercased()
            if w == "none" || w == "normal" { continue }
            guard let a = byName.first(where: { $0.0 == w })?.1 else { return nil }
            result.insert(a)
        }
        return result
    }

    public var description: String {
        let parts = Self.byName.filter { contains($0.1) }.map(\.0)
        return parts.isEmpty ? "none" : parts.joined(separator: " ")
    }
}
