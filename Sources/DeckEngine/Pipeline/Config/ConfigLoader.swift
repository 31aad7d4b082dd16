import DeckInput
import Foundation
import Yams

/// Reads `mldeck.yaml` into a ``ConfigValue`` tree (with line numbers) using Yams' composer.
public enum ConfigLoader {
    /// Parses YAML text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> ConfigValue {
        try YAMLLimits.check(text, file: file)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw convert(error, file: file)
        }
        guard let node else { return .map([], at: ConfigLocation(line: 1, column: 1)) }
        return try value(of: node, file: file, path: "")
    }

    /// Reads and parses a file.
    public static func load(_ url: URL) throws -> ConfigValue {
        if let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int, size > YAMLLimits.maxBytes {
            throw PipelineConfigError(file: url.path, location: nil, key: "",
                                      message: "is \(size) bytes; mldeck.yaml files are limited to \(YAMLLimits.maxBytes >> 20) MiB")
        }
        let data: Data
        do {
            data = try InputFile.read(url.path)
        } catch InputFileError.notRegular(_, let kind) {
            throw PipelineConfigError(file: url.path, location: nil, key: "", message: "is \(kind), not a regular file")
        } catch {
            throw PipelineConfigError(file: url.path, location: nil, key: "", message: "cannot read the file (does it exist?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PipelineConfigError(file: url.path, location: nil, key: "", message: "is not UTF-8 text")
        }
        return try parse(text, file: url.path)
    }

    static func location(_ mark: Mark?) -> ConfigLocation {
        ConfigLocation(line: mark?.line ?? 0, column: mark?.column ?? 0)
    }

    static func value(of node: Node, file: String, path: String) throws -> ConfigValue {
        switch node {
        case .scalar(let scalar):
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted || scalar.style == .literal || scalar.style == .folded
            return .scalar(scalar.string, quoted: quoted, at: location(scalar.mark))
        case .sequence(let sequence):
            var items: [ConfigValue] = []
            for (i, item) in sequence.enumerated() { items.append(try value(of: item, file: file, path: path + "[\(i)]")) }
            return .list(items, at: location(sequence.mark))
        case .mapping(let mapping):
            var pairs: [(key: String, keyAt: ConfigLocation, value: ConfigValue)] = []
            var seen: [String: ConfigLocation] = [:]
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    throw PipelineConfigError(file: file, location: location(keyNode.mark), key: path,
                                              message: "a key must be plain text, not a list or a mapping")
                }
                let key = keyScalar.string
                let at = location(keyScalar.mark)
                let child = path.isEmpty ? key : path + "." + key
                if let first = seen[key] {
                    throw PipelineConfigError(file: file, location: at, key: child, message: "appears twice (first at line \(first.line))")
                }
                seen[key] = at
                pairs.append((key, at, try value(of: valueNode, file: file, path: child)))
            }
            return .map(pairs, at: location(mapping.mark))
        case .alias(let alias):
            throw PipelineConfigError(file: file, location: location(alias.mark), key: path, message: "YAML aliases are not supported here")
        }
    }

    static func convert(_ error: YamlError, file: String) -> PipelineConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return PipelineConfigError(file: file, location: ConfigLocation(line: mark.line, column: mark.column), key: "",
                                       message: "not valid YAML: \(text)")
        default:
            return PipelineConfigError(file: file, location: nil, key: "", message: "not valid YAML: \(error)")
        }
    }
}
