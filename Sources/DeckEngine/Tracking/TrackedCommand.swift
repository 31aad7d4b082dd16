import Foundation
import DeckStore
#if canImport(Glibc)
import Glibc
#endif

/// Runs any command as a tracked run (`mldeck track -- COMMAND …`).
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
    private let lock = NSLock()
    private var cancelled = false
    private var problems: [MetricsLine.Problem] = []

    public init(store: any TrackingStore, options: Options) {
        self.store = store
        self.options = options
    }

    /// Runs the command to its end and records everything; throws only when the store fails.
    public func run() throws -> Outcome {
        let commandText = options.arguments.map(ShellQuoting.quote).joined(separator: " ")
        let code = CommandCodeLineage.codeHash(arguments: options.arguments,
                                               directory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                               root: store.workspace.root)
        let git = GitInfo(root: store.workspace.root)
        let handle = try store.createRun(RunStart(name: options.name, experiment: options.experiment, status: .running,
                                                  command: commandText, params: options.params, tags: options.tags,
                                                  lineage: RunLineage(codeHash: code.hash, gitCommit: git.commit, trigger: "manual")))
        let runDirectory = store.workspace.runDirectory(handle.id)
        let outputDirectory = runDirectory.appendingPathComponent("outputs", isDirectory: true)
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        let metricsURL = runDirectory.appendingPathComponent("metrics.jsonl")
        let logURL = runDirectory.appendingPathComponent("log")
        _ = FileManager.default.createFile(atPath: metricsURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)

        var environment = ProcessInfo.processInfo.environment
        environment["MLDECK_RUN_ID"] = handle.id
        environment["MLDECK_WORKSPACE"] = store.workspace.root.path
        environment["MLDECK_METRICS_FILE"] = metricsURL.path
        environment["MLDECK_OUTPUT_DIR"] = outputDirectory.path
        environment["PYTHONUNBUFFERED"] = "1"
        for (key, value) in options.params { environment["MLDECK_PARAM_" + ShellQuoting.environmentName(key)] = value }

        // Signals are caught before the child exists, so a Ctrl-C that arrives while it starts
        // still cancels the run instead of killing us and leaving it RUNNING.
        let signals = installSignalForwarding()
        defer { signals.forEach { $0.cancel() } }
        let child: ChildProcess
        do {
            child = try ChildProcess(arguments: options.arguments, environment: environment)
        } catch {
            try store.finishRun(handle, status: .failed, exitCode: 127, reason: "\(error)")
            FileHandle.standardError.write(Data("mldeck: \(error)\n".utf8))
            return Outcome(runID: handle.id, status: .failed, exitStatus: 127, problems: [])
        }
        lock.lock(); self.child = child; let cancelledEarly = cancelled; lock.unlock()
        if cancelledEarly { terminate(child) }

        let log = RunLogWriter(FileHandle(forWritingAtPath: logURL.path))
        let echo = options.echoOutput
        let drained = DispatchSemaphore(value: 0)
        Thread {
            child.drainOutput { bytes in
                if echo { _ = bytes.withMemoryRebound(to: UInt8.self) { fwriteAll(1, $0) } }
                log.write(Data(bytes))
            }
            drained.signal()
        }.start()

        let follower = MetricsFileFollower(url: metricsURL, knownParams: options.params)
        let finished = DispatchSemaphore(value: 0)
        let interval = options.pollInterval
        let poller = Thread { [self] in
            var lastBeat = Date().timeIntervalSince1970, lastTouch = lastBeat
            while finished.wait(timeout: .now() + interval) == .timedOut {
                record(follower.poll(), skipped: follower.skippedLines, run: handle, runDirectory: runDirectory, log: log)
                let now = Date().timeIntervalSince1970
                if now - lastBeat > 10 { try? store.heartbeat(handle); lastBeat = now }
                // A cheap sign of life each second: if we are killed (-9) the reaper ends the run here.
                if now - lastTouch >= 1 { RunActivity.touch(handle.id, in: store.workspace); lastTouch = now }
            }
        }
        poller.start()

        let termination = child.wait()
        child.stopDraining(after: 1)
        drained.wait()
        finished.signal()
        while !poller.isFinished { usleep(1000) }
        record(follower.poll(final: true), skipped: follower.skippedLines, run: handle, runDirectory: runDirectory, log: log)
        log.close()

        lock.lock(); let wasCancelled = cancelled; let seenProblems = problems; lock.unlock()
        let status: RunStatus
        var reason: String?
        var exitCode: Int?, signal: Int?
        switch termination {
        case .exited(let code):
            exitCode = Int(code)
            status = wasCancelled ? .killed : (code == 0 ? .finished : .failed)
            if code != 0 { reason = wasCancelled ? "cancelled" : "exit code \(code)" }
        case .signaled(let sig):
            signal = Int(sig)
            status = wasCancelled ? .killed : .failed
            reason = wasCancelled ? "cancelled" : "killed by signal \(sig)"
        }
        if let dirty = git.dirty(timeout: 0.5) { try? store.updateLineage(RunLineage(gitDirty: dirty), run: handle) }
        try store.finishRun(handle, status: status, exitCode: exitCode, signal: signal, reason: reason)
        return Outcome(runID: handle.id, status: status, exitStatus: termination.shellStatus, problems: seenProblems)
    }

    /// The tag counting the metrics-file lines that were skipped (set when there are any).
    public static let skippedLinesTag = "mldeck.skipped_metric_lines"

    /// Records one poll's batch. Metrics, params and tags are written separately, so one store
    /// error cannot lose the others; skipped lines are reported on stderr and in the run's log,
    /// and counted in ``skippedLinesTag``.
    private func record(_ batch: MetricsFileFollower.Batch, skipped: Int, run: RunHandle, runDirectory: URL, log: RunLogWriter) {
        guard !batch.isEmpty else { return }
        for problem in batch.problems {
            let text = Data("mldeck: \(problem)\n".utf8)
            FileHandle.standardError.write(text)
            log.write(text)
        }
        lock.lock(); problems += batch.problems; lock.unlock()
        var tags = batch.tags
        if !batch.problems.isEmpty { tags[Self.skippedLinesTag] = String(skipped) }
        let writes: [() throws -> Void] = [
            { try self.store.logMetrics(batch.points, run: run) },
            { try self.store.logParams(batch.params, run: run) },
            { try self.store.setTags(tags, run: run) },
        ]
        for write in writes {
            do { try write() } catch {
                let text = Data("mldeck: \(error)\n".utf8)
                FileHandle.standardError.write(text)
                log.write(text)
            }
        }
        for path in batch.artifacts {
            let candidates = [URL(fileURLWithPath: path, relativeTo: runDirectory.appendingPathComponent("outputs", isDirectory: true)),
                              URL(fileURLWithPath: path)]
            guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                FileHandle.standardError.write(Data("mldeck: artifact '\(path)' not found (looked in MLDECK_OUTPUT_DIR and the current folder)\n".utf8))
                continue
            }
            do { try store.logArtifact(run: run, path: path, file: file) } catch {
                FileHandle.standardError.write(Data("mldeck: artifact '\(path)': \(error)\n".utf8))
            }
        }
    }

    private var child: ChildProcess?

    /// SIGTERM to the child's group now, SIGKILL after the grace period.
    private func terminate(_ child: ChildProcess) {
        child.signalGroup(SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + options.gracePeriod) { child.signalGroup(SIGKILL) }
    }

    private func installSignalForwarding() -> [DispatchSourceSignal] {
        SignalForwarding.install { [self] _, _ in
            lock.lock(); let first = !cancelled; cancelled = true; let running = child; lock.unlock()
            guard let running else { return }   // not started yet: run() cancels it once it is
            if first { terminate(running) } else { running.signalGroup(SIGKILL) }
        }
    }
}

/// Writes all bytes to a file descriptor.
@discardableResult
func fwriteAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
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
