/// A dataset version as a user names it: `NAME` or `NAME@latest` (the latest version), `NAME@3`
/// (version 3), or `NAME@sha256:9f2c…` (the version whose content hash starts with those hex
/// digits; at least 4, and it stays meaningful in another clone of the same data).
public struct DatasetReference: Hashable, Sendable, CustomStringConvertible, Codable {
    /// Which version of the dataset.
    public enum Selector: Hashable, Sendable, Codable {
        case latest
        case number(Int)
        case hashPrefix(String)
    }

    public var name: String
    public var selector: Selector

    public init(name: String, selector: Selector = .latest) {
        self.name = name
        self.selector = selector
    }

    /// Parses `NAME`, `NAME@latest`, `NAME@N`, `NAME@vN` or `NAME@sha256:HEX`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0]
        try DatasetName.validate(name)
        self.name = name
        guard parts.count == 2 else { selector = .latest; return }
        var spec = parts[1]
        if spec.isEmpty || spec == "latest" { selector = .latest; return }
        if spec.hasPrefix("sha256:") {
            spec = String(spec.dropFirst(7)).lowercased()
            while spec.hasSuffix("…") || spec.hasSuffix(".") { spec.removeLast() }
            guard spec.utf8.count >= 4, spec.utf8.count <= 64,
                  spec.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
                throw DatasetError.invalidReference(text, reason: "a hash prefix is 4 to 64 hex digits")
            }
            selector = .hashPrefix(spec)
            return
        }
        if spec.hasPrefix("v") { spec.removeFirst() }
        guard let n = Int(spec), n > 0 else {
            throw DatasetError.invalidReference(text, reason: "'\(parts[1])' is not a version number, 'latest' or sha256:PREFIX")
        }
        selector = .number(n)
    }

    public var description: String {
        switch selector {
        case .latest: return name
        case .number(let n): return "\(name)@\(n)"
        case .hashPrefix(let p): return "\(name)@sha256:\(p)"
        }
    }

    public init(from decoder: Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
