import Foundation
import DeckStore

/// One line of the metrics-file protocol (`MLDECK_METRICS_FILE`), as described in the design:
/// `{"key":"loss","value":0.41,"step":3}`, `{"params":{"lr":"0.1"}}`, `{"tags":{"k":"v"}}`,
/// `{"artifact":"path"}`; a line may combine several of these.
public struct MetricsLine: Equatable, Sendable {
    public var metric: MetricPoint?
    public var params: [String: String] = [:]
    public var tags: [String: String] = [:]
    public var artifacts: [String] = []

    /// Why a line was skipped, with its 1-based line number and column.
    public struct Problem: Error, CustomStringConvertible, Equatable, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "metrics file line \(line), column \(column): \(message) (line skipped)" }
    }

    /// Parses one line (without its newline). `now` stamps points without a timestamp.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int, now: Double) throws -> MetricsLine {
        let members: [(String, FlatJSON.Value)]
        do { members = try FlatJSON.parseObject(bytes) } catch let error as FlatJSON.ParseError {
            throw Problem(line: lineNumber, column: error.column, message: error.message)
        }
        var line = MetricsLine()
        var key: String?, value: Double?, step: Int64 = 0, timestamp = now
        func problem(_ message: String, at text: String? = nil) -> Problem {
            Problem(line: lineNumber, column: text.map { column(of: $0, in: bytes) } ?? 1, message: message)
        }
        func checkKey(_ k: String, _ what: String) throws {
            guard DeckStore.isValidKey(k) else {
                throw problem("\(what) key \"\(k.prefix(40))\(k.count > 40 ? "…" : "")\" is \(k.utf8.count) bytes long; keys are 1–\(DeckStore.maximumKeyLength) bytes", at: k)
            }
        }
        for (name, item) in members {
            switch name {
            case "key":
                guard case .string(let k) = item, !k.isEmpty else { throw problem("\"key\" must be a non-empty string", at: "key") }
                try checkKey(k, "metric")
                key = k
            case "value":
                switch item {
                case .number(let n): value = n
                case .string(let s):
                    guard let n = Double(s) else { throw problem("\"value\" must be a number, not \"\(s)\"") }
                    value = n
                default: throw problem("\"value\" must be a number")
                }
            case "step":
                guard case .number(let n) = item, n == n.rounded(), abs(n) < 9e18 else { throw problem("\"step\" must be a whole number") }
                step = Int64(n)
            case "timestamp":
                guard case .number(let n) = item else { throw problem("\"timestamp\" must be a number (seconds since 1970)") }
                timestamp = n > 1e11 ? n / 1000 : n   // accept milliseconds too, as MLflow writes them
            case "params", "tags":
                guard case .object(let pairs) = item else { throw problem("\"\(name)\" must be an object of names to values") }
                for (k, v) in pairs {
                    try checkKey(k, name == "params" ? "param" : "tag")
                    if name == "params" {
                        if let old = line.params[k], old != v.text {
                            throw problem("param \"\(k)\" is given twice (\"\(old)\", then \"\(v.text)\"); params cannot change once set", at: k)
                        }
                        line.params[k] = v.text
                    } else { line.tags[k] = v.text }
                }
            case "artifact":
                guard case .string(let path) = item, !path.isEmpty else { throw problem("\"artifact\" must be a path") }
                line.artifacts.append(path)
            default:
                throw problem("unknown field \"\(name)\" (expected key/value/step/timestamp, params, tags or artifact)")
            }
        }
        if key != nil || value != nil {
            guard let key else { throw problem("a metric needs \"key\"") }
            guard let value else { throw problem("metric \"\(key)\" needs \"value\"") }
            line.metric = MetricPoint(key: key, value: value, step: step, timestamp: timestamp)
        }
        return line
    }

    /// The 1-based column where `text` first appears quoted in `bytes` (1 when not found, e.g.
    /// when the line spells it with escapes).
    static func column(of text: String, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let needle = [UInt8(ascii: "\"")] + Array(text.utf8) + [UInt8(ascii: "\"")]
        guard needle.count <= bytes.count else { return 1 }
        var i = 0
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], needle.indices.allSatisfy({ bytes[i + $0] == needle[$0] }) { return i + 2 }
            i += 1
        }
        return 1
    }
}
