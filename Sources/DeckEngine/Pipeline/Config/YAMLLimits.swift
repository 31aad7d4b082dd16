import CYaml
import Foundation

/// Bounds on `mldeck.yaml` checked before the document is composed: its size, how deeply its
/// lists and mappings nest, and how many values it expands to once every alias (`*name`) is
/// replaced by what its anchor (`&name`) marks. Nine levels of nine aliases ("billion laughs")
/// expand to 9⁹ values from a few hundred bytes; the check walks libyaml's events once, keeping
/// the expanded size of each anchor, so it is linear in the text whatever the aliases do.
enum YAMLLimits {
    /// The largest file read, in bytes.
    static let maxBytes = 4 << 20
    /// The deepest nesting of lists and mappings.
    static let maxDepth = 64
    /// The most values (scalars, lists, mappings) the document may expand to.
    static let maxValues = 250_000

    /// Throws ``PipelineConfigError`` naming `file` and the line where a limit is passed. Syntax
    /// errors are left to the composer, which reports them with more context.
    static func check(_ text: String, file: String) throws {
        let byteCount = text.utf8.count
        guard byteCount <= maxBytes else {
            throw PipelineConfigError(file: file, location: nil, key: "",
                                      message: "is \(byteCount) bytes; mldeck.yaml files are limited to \(maxBytes >> 20) MiB")
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var walk = Walk(file: file)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                let done = event.type == YAML_STREAM_END_EVENT
                defer { yaml_event_delete(&event) }
                try walk.take(event)
                if done { break }
            }
        }
    }

    /// The state of one pass over the events.
    struct Walk {
        let file: String
        /// Open lists and mappings: their anchor and the expanded values inside so far.
        var open: [(anchor: String?, values: Int)] = []
        /// Expanded size of each anchored value.
        var anchored: [String: Int] = [:]

        static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
        }

        func error(_ event: yaml_event_t, _ message: String) -> PipelineConfigError {
            PipelineConfigError(file: file, location: ConfigLocation(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1),
                                key: "", message: message)
        }

        mutating func take(_ event: yaml_event_t) throws {
            switch event.type {
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let anchor = event.type == YAML_SEQUENCE_START_EVENT ? Self.text(event.data.sequence_start.anchor) : Self.text(event.data.mapping_start.anchor)
                open.append((anchor, 0))
                guard open.count <= YAMLLimits.maxDepth else {
                    throw error(event, "lists and mappings nest deeper than \(YAMLLimits.maxDepth) levels")
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return }
                try add(closed.values + 1, anchor: closed.anchor, event)
            case YAML_SCALAR_EVENT:
                try add(1, anchor: Self.text(event.data.scalar.anchor), event)
            case YAML_ALIAS_EVENT:
                let name = Self.text(event.data.alias.anchor) ?? ""
                try add(anchored[name] ?? 1, anchor: nil, event)
            default:
                break
            }
        }

        /// Counts a finished value of `size` expanded values into the value around it.
        mutating func add(_ size: Int, anchor: String?, _ event: yaml_event_t) throws {
            if let anchor { anchored[anchor] = size }
            guard !open.isEmpty else { return }
            let (total, overflow) = open[open.count - 1].values.addingReportingOverflow(size)
            open[open.count - 1].values = total
            guard !overflow, total <= YAMLLimits.maxValues else {
                throw error(event, "the file expands to more than \(YAMLLimits.maxValues) values here: YAML aliases (*name) repeat anchored values (&name) too many times; write the values out or use fewer aliases")
            }
        }
    }
}
