import Foundation
import DeckStore

/// Reads the metrics-file protocol from its bytes as they arrive, in any pieces: each
/// ``read(_:final:now:)`` parses the lines completed so far (a partial last line waits for the
/// next piece, or for `final`). The bytes may come from a file followed here
/// (``MetricsFileFollower``) or from a job's ``StepReport/metrics(_:)`` reports, wherever it ran.
///
/// A bad line (invalid JSON, a key over 250 bytes, a param that changes) is skipped and
/// reported as a ``MetricsLine/Problem`` with its line and column; every other line is kept.
/// Params are immutable across the whole stream, within a batch as across batches.
public struct MetricsLineReader: Sendable {
    /// What one read found.
    public struct Batch: Sendable {
        public var points: [MetricPoint] = []
        public var params: [String: String] = [:]
        public var tags: [String: String] = [:]
        public var artifacts: [String] = []
        public var problems: [MetricsLine.Problem] = []
        public var isEmpty: Bool { points.isEmpty && params.isEmpty && tags.isEmpty && artifacts.isEmpty && problems.isEmpty }
    }

    private var pending: [UInt8] = []
    private var lineNumber = 0
    /// Every param recorded so far, with the line that set it (0: set before the stream was read).
    private var params: [String: ParamOrigin] = [:]
    /// How many lines were skipped so far.
    public private(set) var skippedLines = 0

    private struct ParamOrigin: Sendable {
        var value: String
        var line: Int
    }

    /// `knownParams` are the run's params already set (they may not change either).
    public init(knownParams: [String: String] = [:]) {
        for (key, value) in knownParams { params[key] = ParamOrigin(value: value, line: 0) }
    }

    /// Parses the lines that `bytes` completes. `final` also parses a last line without a newline.
    public mutating func read<Bytes: Sequence>(_ bytes: Bytes, final: Bool = false,
                                                now: Double = Date().timeIntervalSince1970) -> Batch where Bytes.Element == UInt8 {
        var buffer = pending
        pending = []
        buffer.append(contentsOf: bytes)
        var batch = Batch()
        var consumed = 0
        buffer.withUnsafeBufferPointer { buffer in
            var start = 0
            var i = 0
            while i < buffer.count {
                if buffer[i] == 0x0A {
                    parse(UnsafeBufferPointer(rebasing: buffer[start..<i]), into: &batch, now: now)
                    start = i + 1
                }
                i += 1
            }
            if final && start < buffer.count {
                parse(UnsafeBufferPointer(rebasing: buffer[start..<buffer.count]), into: &batch, now: now)
                start = buffer.count
            }
            consumed = start
        }
        pending = Array(buffer[consumed...])
        return batch
    }

    private mutating func parse(_ line: UnsafeBufferPointer<UInt8>, into batch: inout Batch, now: Double) {
        lineNumber += 1
        var bytes = line
        if let last = bytes.last, last == 0x0D { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        do {
            let parsed = try MetricsLine.parse(bytes, lineNumber: lineNumber, now: now)
            for (key, value) in parsed.params.sorted(by: { $0.key < $1.key }) {
                guard let old = params[key], old.value != value else { continue }
                let origin = old.line > 0 ? "by line \(old.line)" : "when the run started"
                throw MetricsLine.Problem(line: lineNumber, column: MetricsLine.column(of: key, in: bytes),
                                          message: "param \"\(key)\" was set to \"\(old.value)\" \(origin); params cannot change once set (tried \"\(value)\")")
            }
            for (key, value) in parsed.params where params[key] == nil { params[key] = ParamOrigin(value: value, line: lineNumber) }
            if let point = parsed.metric { batch.points.append(point) }
            batch.params.merge(parsed.params) { _, new in new }
            batch.tags.merge(parsed.tags) { _, new in new }
            batch.artifacts += parsed.artifacts
        } catch let problem as MetricsLine.Problem {
            batch.problems.append(problem)
            skippedLines += 1
        } catch {
            batch.problems.append(MetricsLine.Problem(line: lineNumber, column: 1, message: "\(error)"))
            skippedLines += 1
        }
    }
}
