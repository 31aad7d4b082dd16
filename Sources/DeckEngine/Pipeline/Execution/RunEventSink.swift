import DeckStore
import Foundation

/// Publishes a run's events to its observer (the CLI's progress printer), writes log lines to the run's log
/// and each step's log, and records metrics in the store in batches (at most every 0.2 s) so a
/// dashboard in another process sees curves grow.
final class RunEventSink: @unchecked Sendable {
    private let observer: (@Sendable (PipelineEvent) -> Void)?
    private let lock = NSLock()
    private var runLog: FileHandle?
    private var stepLogs: [String: FileHandle] = [:]
    private var logDirectory: URL
    private var store: (any TrackingStore)?
    private var run: RunHandle?
    private var pending: [MetricPoint] = []
    private var lastFlush = Date().timeIntervalSince1970
    private(set) var notices: [String] = []

    init(observer: (@Sendable (PipelineEvent) -> Void)?, logDirectory: URL) {
        self.observer = observer
        self.logDirectory = logDirectory
    }

    /// Starts writing to the run's log and metrics.
    func attach(store: any TrackingStore, run: RunHandle, runLog: URL, stepLogs: URL) {
        lock.lock(); defer { lock.unlock() }
        self.store = store; self.run = run; self.logDirectory = stepLogs
        if !FileManager.default.fileExists(atPath: runLog.path) { _ = FileManager.default.createFile(atPath: runLog.path, contents: nil) }
        self.runLog = FileHandle(forWritingAtPath: runLog.path)
        _ = try? self.runLog?.seekToEnd()
    }

    func emit(_ event: PipelineEvent) {
        observer?(event)
    }

    /// The log file of a step.
    func stepLogURL(_ step: String) -> URL { logDirectory.appendingPathComponent(step + ".log") }

    func log(step: String, line: String) {
        lock.lock()
        let data = Data((line.hasSuffix("\n") ? line : line + "\n").utf8)
        runLog?.write(Data("[\(step)] ".utf8) + data)
        if stepLogs[step] == nil {
            let url = stepLogURL(step)
            try? FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
            stepLogs[step] = FileHandle(forWritingAtPath: url.path)
            _ = try? stepLogs[step]?.seekToEnd()
        }
        stepLogs[step]?.write(data)
        lock.unlock()
        emit(.log(step: step, line: line))
    }

    func notice(step: String?, message: String) {
        lock.lock(); notices.append(step.map { "\($0): \(message)" } ?? message); lock.unlock()
        if let step { log(step: step, line: "note: " + message) }
        emit(.notice(step: step, message: message))
    }

    /// Queues metric points for the store; flushes when the last flush is old enough.
    func metrics(step: String, _ points: [MetricPoint], publish: Bool = true) {
        guard !points.isEmpty else { return }
        lock.lock()
        pending += points
        let now = Date().timeIntervalSince1970
        let due = now - lastFlush > 0.2
        lock.unlock()
        if publish { for p in points { emit(.metric(step: step, key: p.key, value: p.value, stepIndex: p.step)) } }
        if due { flushMetrics() }
    }

    /// Writes queued metric points to the store.
    func flushMetrics() {
        lock.lock()
        let points = pending; pending = []; lastFlush = Date().timeIntervalSince1970
        let store = self.store, run = self.run
        lock.unlock()
        guard !points.isEmpty, let store, let run else { return }
        do { try store.logMetrics(points, run: run) } catch {
            FileHandle.standardError.write(Data("mldeck: cannot record metrics: \(error)\n".utf8))
        }
    }

    /// Flushes and closes the log files.
    func close() {
        flushMetrics()
        lock.lock()
        try? runLog?.close(); runLog = nil
        for (_, h) in stepLogs { try? h.close() }
        stepLogs = [:]
        lock.unlock()
    }
}
