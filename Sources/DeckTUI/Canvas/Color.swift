/// A terminal colour as a theme or widget asks for it; degraded to what the terminal supports
/// by ``ColorDepth/degrade(_:)``.
public enum Color: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's own default foreground or background.
    case terminalDefault
    /// A palette index: 0–7 basic, 8–15 bright, 16–231 the 6×6×6 cube, 232–255 the grey ramp.
    case indexed(UInt8)
    /// A 24-bit colour.
    case rgb(UInt8, UInt8, UInt8)

    public var description: String {
        switch self {
        case .terminalDefault: return "default"
        case .indexed(let i): return "\(i)"
        case .rgb(let r, let g, let b):
            return "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }

    /// The eight basic colours by name, then the eight bright ones, as themes spell them.
    public static let names: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright-black": 8, "gray": 8, "grey": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
        "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]

    /// Parses `#rgb`, `#rrggbb`, a palette index `0`–`255`, a colour name, or `default`.
    /// Returns nil when the text is none of these.
    public static func parse(_ text: String) -> Color? {
        let t = text.lowercased()
        if t == "default" || t == "none" || t == "-" { return .terminalDefault }
        if let i = names[t] { return .indexed(i) }
        if let n = Int(t) { return (0...255).contains(n) ? .indexed(UInt8(n)) : nil }
        guard t.hasPrefix("#") else { return nil }
        let hex = Array(t.dropFirst())
        guard hex.allSatisfy(\.isHexDigit) else { return nil }
        func byte(_ s: [Character]) -> UInt8 { UInt8(String(s), radix: 16)! }
        if hex.count == 6 {
            return .rgb(byte(Array(hex[0..<2])), byte(Array(hex[2..<4])), byte(Array(hex[4..<6])))
        }
        if hex.count == 3 {
            return .rgb(byte([hex[0], hex[0]]), byte([hex[1], hex[1]]), byte([hex[2], hex[2]]))
        }
        return nil
    }
}
