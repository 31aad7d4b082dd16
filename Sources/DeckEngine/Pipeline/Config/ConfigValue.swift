/// A position in `mldeck.yaml` (1-based line and column).
public struct ConfigLocation: Sendable, Equatable, Codable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) { self.line = line; self.column = column }

    public var description: String { "\(line):\(column)" }
}

/// A YAML value as read from `mldeck.yaml`, keeping where each piece came from.
///
/// Scalars are kept as text: YAML 1.1 would read `Yes` / `No` / `on` as booleans, but a label or
/// a class name must stay what was written, so each consumer reads the type it expects.
public indirect enum ConfigValue: Sendable, Equatable {
    /// Text as written; `quoted` when it was in quotes (so `"6"` may still be read as a number,
    /// but `"null"` is not null).
    case scalar(String, quoted: Bool, at: ConfigLocation)
    case list([ConfigValue], at: ConfigLocation)
    /// Keys in file order.
    case map([(key: String, keyAt: ConfigLocation, value: ConfigValue)], at: ConfigLocation)

    public static func == (a: ConfigValue, b: ConfigValue) -> Bool {
        switch (a, b) {
        case let (.scalar(x, qx, lx), .scalar(y, qy, ly)): return x == y && qx == qy && lx == ly
        case let (.list(x, lx), .list(y, ly)): return x == y && lx == ly
        case let (.map(x, lx), .map(y, ly)):
            return lx == ly && x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Where the value starts.
    public var location: ConfigLocation {
        switch self {
        case .scalar(_, _, let at), .list(_, let at), .map(_, let at): return at
        }
    }

    /// The text of a scalar.
    public var text: String? { if case .scalar(let s, _, _) = self { return s } else { return nil } }

    /// True for an unquoted `null`, `~` or empty scalar.
    public var isNull: Bool {
        if case .scalar(let s, let quoted, _) = self { return !quoted && (s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL") }
        return false
    }

    /// The value of `key` in a map.
    public subscript(key: String) -> ConfigValue? {
        if case .map(let pairs, _) = self { return pairs.first { $0.key == key }?.value }
        return nil
    }

    /// The pairs of a map (empty otherwise).
    public var pairs: [(key: String, keyAt: ConfigLocation, value: ConfigValue)] {
        if case .map(let pairs, _) = self { return pairs }
        return []
    }

    /// A plain Swift rendering (strings, numbers kept as text, arrays, dictionaries) used for
    /// hashing and JSON output.
    public var plain: PlainValue {
        switch self {
        case .scalar(let s, _, _): return .string(s)
        case .list(let items, _): return .list(items.map(\.plain))
        case .map(let pairs, _): return .map(pairs.map { ($0.key, $0.value.plain) })
        }
    }

    /// A short rendering for messages: the text of a scalar, `[…]` or `{…}`.
    public var brief: String {
        switch self {
        case .scalar(let s, _, _): return "'\(s)'"
        case .list: return "a list"
        case .map: return "a mapping"
        }
    }
}

/// A config value without locations, for hashing and JSON: keys keep their order.
public indirect enum PlainValue: Sendable, Equatable, Encodable {
    case string(String)
    case list([PlainValue])
    case map([(String, PlainValue)])

    public static func == (a: PlainValue, b: PlainValue) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x == y
        case let (.list(x), .list(y)): return x == y
        case let (.map(x), .map(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .string(let s):
            var c = encoder.singleValueContainer(); try c.encode(s)
        case .list(let items):
            var c = encoder.unkeyedContainer(); for item in items { try c.encode(item) }
        case .map(let pairs):
            var c = encoder.container(keyedBy: AnyKey.self)
            for (k, v) in pairs { try c.encode(v, forKey: AnyKey(k)) }
        }
    }

    /// A canonical text (sorted keys) for hashing.
    public var canonical: String {
        switch self {
        case .string(let s): return CanonicalText.quote(s)
        case .list(let items): return "[" + items.map(\.canonical).joined(separator: ",") + "]"
        case .map(let pairs): return "{" + pairs.sorted { $0.0 < $1.0 }.map { CanonicalText.quote($0.0) + ":" + $0.1.canonical }.joined(separator: ",") + "}"
        }
    }
}

/// A coding key made from any string.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Quoting for canonical texts that are hashed.
enum CanonicalText {
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
