/// A problem in a theme file, reported with file and line so the user can fix it.
public struct ThemeError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case unknownKey(String)
        case badColor(String)
        case badAttributes(String)
        case badValue(String)
        case missingEquals
        case unreadable(String)
        case notFound(String)
    }
    public var file: String
    public var line: Int
    public var kind: Kind

    public init(file: String, line: Int, kind: Kind) {
        self.file = file; self.line = line; self.kind = kind
    }

    public var description: String {
        let loc = line > 0 ? "\(file):\(line)" : file
        switch kind {
        case .unknownKey(let k): return "\(loc): unknown theme key '\(k)' (see themes/README.md for the list)"
        case .badColor(let c): return "\(loc): '\(c)' is not a colour (use #rrggbb, #rgb, 0-255, a name or default)"
        case .badAttributes(let a): return "\(loc): '\(a)' is not an attribute list (bold dim italic underline reverse none)"
        case .badValue(let v): return "\(loc): cannot read value '\(v)' (expected e.g. '#c0caf5 on #3b4261 bold')"
        case .missingEquals: return "\(loc): expected 'key = value'"
        case .unreadable(let why): return "\(loc): cannot read theme file: \(why)"
        case .notFound(let name): return "no theme named '\(name)' (try :theme with Tab to list themes)"
        }
    }
}
