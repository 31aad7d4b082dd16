/// `${params.NAME}` in step arguments and commands, replaced by the run's param values.
public enum Interpolation {
    /// Why a reference cannot be replaced.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case unknownParam(String, known: [String])
        case unsupported(String)
        case unclosed

        public var description: String {
            switch self {
            case .unknownParam(let name, let known):
                return "`${params.\(name)}` names no param" + (known.isEmpty ? " (the pipeline has no params:)" : " (params: \(known.joined(separator: ", ")))")
            case .unsupported(let text): return "`${\(text)}` is not supported (only ${params.NAME})"
            case .unclosed: return "`${` is not closed by `}`"
            }
        }
    }

    /// Replaces every `${params.X}`; `$${` writes a literal `${`.
    public static func apply(_ text: String, params: [String: String]) throws(Problem) -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let range = rest.range(of: "${") {
            if range.lowerBound > rest.startIndex, rest[rest.index(before: range.lowerBound)] == "$" {
                out += rest[..<rest.index(before: range.lowerBound)] + "${"
                rest = rest[range.upperBound...]
                continue
            }
            out += rest[..<range.lowerBound]
            guard let close = rest[range.upperBound...].firstIndex(of: "}") else { throw .unclosed }
            let inner = rest[range.upperBound..<close].trimmingCharacters(in: .whitespaces)
            guard inner.hasPrefix("params.") else { throw .unsupported(inner) }
            let name = String(inner.dropFirst("params.".count))
            guard let value = params[name] else { throw .unknownParam(name, known: params.keys.sorted()) }
            out += value
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// Applies ``apply(_:params:)`` to every scalar of a config value.
    public static func apply(_ value: ConfigValue, params: [String: String]) throws(Problem) -> ConfigValue {
        switch value {
        case .scalar(let s, let quoted, let at): return .scalar(try apply(s, params: params), quoted: quoted, at: at)
        case .list(let items, let at):
            var out: [ConfigValue] = []
            for item in items { out.append(try apply(item, params: params)) }
            return .list(out, at: at)
        case .map(let pairs, let at):
            var out: [(key: String, keyAt: ConfigLocation, value: ConfigValue)] = []
            for p in pairs { out.append((p.key, p.keyAt, try apply(p.value, params: params))) }
            return .map(out, at: at)
        }
    }
}
