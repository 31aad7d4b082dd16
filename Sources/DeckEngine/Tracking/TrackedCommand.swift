import Foundation
import DeckStore
#if canImport(Glibc)
import Glibc
#endif

/// Runs any command as a tracked run (`mldeck track -- COMMAND …`) through a ``RunRecorder``.
///
/// The command gets `MLDECK_RUN_ID`, `MLDECK_WORKSPACE`, `MLDECK_METRICS_FILE`, `MLDECK_OUTPUT_DIR`,
/// `MLDECK_PARAM_<NAME>` and `PYTHONUNBUFFERED=1`. Its output reaches the terminal and the run's
/// log; JSON lines it appends to the metrics file are recorded while it runs. SIGINT, SIGTERM or
/// SIGHUP stop its process group (SIGTERM, then SIGKILL after ``gracePeriod``) and mark it `KILLED`.
public final class TrackedCommand: @unchecked Sendable {
    /// What to run and how to record it.
    public struct Options: Sendable {
        public var arguments: [String]
        public var name: String?
        public var experiment: String
        public var params: [String: String]
        public var tags: [String: String]
        /// Copy the command's output to our standard output.
        public var echoOutput: Bool
        /// Seconds between SIGTERM and SIGKILL when cancelling.
        public var gracePeriod: Double
        /// How often the metrics file is read, in seconds.
        public var pollInterval: Double

        public init(arguments: [String], name: String? = nil, experiment: String = "Default", params: [String: String] = [:],
                    tags: [String: String] = [:], echoOutput: Bool = true, gracePeriod: Double = 5, pollInterval: Double = 0.1) {
            self.arguments = arguments; self.name = name; self.experiment = experiment; self.params = params
            self.tags = tags; self.echoOutput = echoOutput; self.gracePeriod = gracePeriod; self.pollInterval = pollInterval
        }
    }

    /// How the run ended.
    public struct Outcome: Sendable {
        public var runID: String
        public var status: RunStatus
        /// The command's exit status as a shell reports it (128 + signal when killed by one).
        public var exitStatus: Int32
        public var problems: [MetricsLine.Problem]
    }

    let store: any TrackingStore
    let options: Options
    let executor: any StepExecutor

    public init(store: any TrackingStore, options: Options, executor: any StepExecutor = LocalStepExecutor()) {
        self.store = store
        self.options = options
        self.executor = executor
    }

    /// Runs the command to its end and records everything; throws only when the store fails.
    public func run() throws -> Outcome {
        let commandText = options.arguments.map(ShellQuoting.quote).joined(separator: " ")
        let currentFolder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let code = CommandCodeLineage.codeHash(arguments: options.arguments, directory: currentFolder, root: store.workspace.root)
        let git = GitInfo(root: store.workspace.root)
        let handle = try store.createRun(RunStart(name: options.name, experiment: options.experiment, status: .running,
                                                  command: commandText, params: options.params, tags: options.tags,
                                                  lineage: RunLineage(codeHash: code.hash, gitCommit: git.commit, trigger: "manual")))
        let runDirectory = store.workspace.runDirectory(handle.id)
        let outputDirectory = runDirectory.appendingPathComponent("outputs", isDirectory: true)
        let metricsURL = runDirectory.appendingPathComponent("metrics.jsonl")
        let logURL = runDirectory.appendingPathComponent("log")
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = RunLogWriter(FileHandle(forWritingAtPath: logURL.path))
        defer { log.close() }

        let echo = options.echoOutput
        let recorder = RunRecorder(
            settings: .init(store: store, run: handle, metricsFile: metricsURL, outputDirectory: outputDirectory,
                            lookupFolder: currentFolder, skippedLinesTag: Self.skippedLinesTag, knownParams: options.params,
                            pollInterval: options.pollInterval, keepsRunAlive: true, keepsSeries: false),
            outlets: .init(line: { line in
                let data = Data(line.utf8)
                if echo { _ = data.withUnsafeBytes { fwriteAll(1, $0.bindMemory(to: UInt8.self)) } }
                log.write(data)
            }, note: { note in
                let data = Data((note + "\n").utf8)
                FileHandle.standardError.write(data)
                log.write(data)
            }))
        let job = StepJob(name: handle.id, arguments: options.arguments,
                          environment: RunRecorder.environment(run: handle.id, workspace: store.workspace.root, metricsFile: metricsURL,
                                                               outputDirectory: outputDirectory, params: options.params),
                          outputs: [outputDirectory.path, metricsURL.path], limits: .init(gracePeriod: options.gracePeriod))

        // Signals are caught before the child exists, so a Ctrl-C that arrives while it starts
        // still cancels the run instead of killing us and leaving it RUNNING.
        let signals = SignalForwarding.install { [self] _, count in
            lock.lock(); cancelled = true; lock.unlock()
            recorder.stop(force: count > 1)
        }
        defer { signals.forEach { $0.cancel() } }
        let recording: RunRecorder.Recording
        do {
            recording = try recorder.record(job, executor: executor)
        } catch {
            try store.finishRun(handle, status: .failed, exitCode: 127, reason: "\(error)")
            FileHandle.standardError.write(Data("mldeck: \(error)\n".utf8))
            return Outcome(runID: handle.id, status: .failed, exitStatus: 127, problems: [])
        }

        lock.lock(); let wasCancelled = cancelled; lock.unlock()
        let exit = recording.exit
        let status: RunStatus = wasCancelled ? .killed : (exit.exitCode == 0 ? .finished : .failed)
        var reason: String?
        if wasCancelled, exit.exitCode != 0 {
            reason = "cancelled"
        } else if let signal = exit.signal {
            reason = "killed by signal \(signal)"
        } else if let code = exit.exitCode, code != 0 {
            reason = "exit code \(code)"
        }
        if let dirty = git.dirty(timeout: 0.5) { try? store.updateLineage(RunLineage(gitDirty: dirty), run: handle) }
        try store.finishRun(handle, status: status, exitCode: exit.exitCode.map(Int.init), signal: exit.signal.map(Int.init), reason: reason)
        return Outcome(runID: handle.id, status: status, exitStatus: exit.shellStatus, problems: recording.problems)
    }

    /// The tag counting the metrics-file lines that were skipped (set when there are any).
    public static let skippedLinesTag = "mldeck.skipped_metric_lines"

    private let lock = NSLock()
    private var cancelled = false
}

/// Writes all bytes to a file descriptor.
@discardableResult
func fwriteAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, base + offset, bytes.count - offset)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return false }
        offset += n
    }
    return true
}

/// The run's log file, written by the output drain and by the metrics poller (under a lock).
final class RunLogWriter: @unchecked Sendable {
    private let lock = NSLock()
    private var handle: FileHandle?

    init(_ handle: FileHandle?) {
        self.handle = handle
        _ = try? handle?.seekToEnd()
    }

    func write(_ data: Data) {
        lock.lock(); defer { lock.unlock() }
        try? handle?.write(contentsOf: data)
    }

    func close() {
        lock.lock(); defer { lock.unlock() }
        try? handle?.close()
        handle = nil
    }
}
