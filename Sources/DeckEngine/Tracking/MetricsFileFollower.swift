import Foundation
import DeckStore

/// Follows a metrics file as a child appends JSON lines to it: each ``poll()`` reads the bytes
/// added since the last one and parses the complete lines (a partial last line waits).
///
/// A bad line (invalid JSON, a key over 250 bytes, a param that changes) is skipped and
/// reported as a ``MetricsLine/Problem`` with its line and column; every other line of the
/// batch is kept. Params are immutable across the whole file, within a batch as across batches.
public final class MetricsFileFollower: @unchecked Sendable {  // used by one thread at a time
    /// What one poll found.
    public struct Batch {
        public var points: [MetricPoint] = []
        public var params: [String: String] = [:]
        public var tags: [String: String] = [:]
        public var artifacts: [String] = []
        public var problems: [MetricsLine.Problem] = []
        public var isEmpty: Bool { points.isEmpty && params.isEmpty && tags.isEmpty && artifacts.isEmpty && problems.isEmpty }
    }

    public let url: URL
    private var offset: UInt64 = 0
    private var pending: [UInt8] = []
    private var lineNumber = 0

    /// Every param recorded so far, with the line that set it (0: set before the file was read).
    private var params: [String: (value: String, line: Int)] = [:]
    /// How many lines were skipped so far.
    public private(set) var skippedLines = 0

    /// Follows `url`; `knownParams` are the run's params already set (they may not change either).
    public init(url: URL, knownParams: [String: String] = [:]) {
        self.url = url
        for (key, value) in knownParams { params[key] = (value, 0) }
    }

    /// Reads and parses what was appended since the last call. `final` also parses a last line
    /// that has no newline.
    public func poll(final: Bool = false, now: Double = Date().timeIntervalSince1970) -> Batch {
        var batch = Batch()
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return batch }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        while let data = try? handle.read(upToCount: 4 << 20), !data.isEmpty {
            offset += UInt64(data.count)
            pending.append(contentsOf: data)
        }
        pending.withUnsafeBufferPointer { buffer in
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
        pending.removeFirst(consumed)
        return batch
    }

    private var consumed = 0

    private func parse(_ line: UnsafeBufferPointer<UInt8>, into batch: inout Batch, now: Double) {
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
            for (key, value) in parsed.params where params[key] == nil { params[key] = (value, lineNumber) }
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
