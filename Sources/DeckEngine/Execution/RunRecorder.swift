import DeckStore
import Foundation

/// Runs one command as part of a tracked run and records what it reports — the one place that
/// does this for `mldeck track` (``TrackedCommand``) and for `run:` pipeline steps
/// (`CommandStepRunner`):
///
/// - the `MLDECK_*` environment the command sees (``environment(run:workspace:metricsFile:outputDirectory:params:)``);
/// - the command's output, handed to ``Outlets/line`` in whole lines (the caller tees them to its log and terminal);
/// - the metrics file, followed while the command runs: metrics, params, tags and artifacts are
///   recorded in the store, bad lines are reported with their place and counted in a tag;
/// - optionally the run's heartbeat and activity mark, when this command is the whole run.
///
/// The command itself runs through a ``StepExecutor`` as a ``StepJob``.
public final class RunRecorder: @unchecked Sendable {  // mutable state guarded by `lock`
    /// Where the records go and how often the metrics file is read.
    public struct Settings: Sendable {
        public var store: any TrackingStore
        public var run: RunHandle
        /// The file the command appends JSON lines to (`MLDECK_METRICS_FILE`); created empty.
        public var metricsFile: URL
        /// The command's output folder (`MLDECK_OUTPUT_DIR`); created. Artifacts are looked up here first.
        public var outputDirectory: URL
        /// Where a relative artifact path is looked up next (the current folder for `track`, the workspace for a step).
        public var lookupFolder: URL
        /// The tag counting skipped metrics-file lines.
        public var skippedLinesTag: String
        /// Params the run already has (a metrics line may not change them).
        public var knownParams: [String: String]
        /// Seconds between reads of the metrics file.
        public var pollInterval: Double
        /// Beat the run's heartbeat (every 10 s) and touch its activity mark (every second):
        /// true when this command is the whole run, so a killed recorder's run is reaped.
        public var keepsRunAlive: Bool
        /// Keep every metric point in ``Recording/series`` (a pipeline step caches them; `track`
        /// does not need them and may see millions).
        public var keepsSeries: Bool

        public init(store: any TrackingStore, run: RunHandle, metricsFile: URL, outputDirectory: URL, lookupFolder: URL,
                    skippedLinesTag: String, knownParams: [String: String] = [:], pollInterval: Double = 0.1,
                    keepsRunAlive: Bool = false, keepsSeries: Bool = true) {
            self.store = store; self.run = run; self.metricsFile = metricsFile; self.outputDirectory = outputDirectory
            self.lookupFolder = lookupFolder; self.skippedLinesTag = skippedLinesTag; self.knownParams = knownParams
            self.pollInterval = pollInterval; self.keepsRunAlive = keepsRunAlive; self.keepsSeries = keepsSeries
        }
    }

    /// Where what the recorder sees goes. Each is called from one of the recorder's threads.
    public struct Outlets: Sendable {
        /// The command's output: whole lines with their terminators, as the executor reports them
        /// (``StepReport/output(_:)``; ``lines(of:)`` splits them).
        public var line: @Sendable (String) -> Void
        /// A message of the recorder's own (`mldeck: metrics file line 3, …`), without a newline.
        public var note: @Sendable (String) -> Void
        /// Metric points read from the metrics file; nil writes them to the store at once.
        public var metrics: (@Sendable ([MetricPoint]) -> Void)?

        public init(line: @escaping @Sendable (String) -> Void, note: @escaping @Sendable (String) -> Void,
                    metrics: (@Sendable ([MetricPoint]) -> Void)? = nil) {
            self.line = line; self.note = note; self.metrics = metrics
        }
    }

    /// What the command did.
    public struct Recording: Sendable {
        public var exit: StepExit
        /// Every metric point read from the metrics file, in order (when ``Settings/keepsSeries``).
        public var series: [MetricPoint]
        /// The metrics-file lines that were skipped, with why.
        public var problems: [MetricsLine.Problem]
    }

    /// The variables every recorded command sees: `MLDECK_RUN_ID`, `MLDECK_WORKSPACE`,
    /// `MLDECK_METRICS_FILE`, `MLDECK_OUTPUT_DIR`, `MLDECK_PARAM_<NAME>` and `PYTHONUNBUFFERED=1`
    /// (a Python child writing to a pipe would otherwise hold its output back).
    public static func environment(run: String, workspace: URL, metricsFile: URL, outputDirectory: URL,
                                   params: [String: String]) -> [String: String] {
        var environment = ["MLDECK_RUN_ID": run, "MLDECK_WORKSPACE": workspace.path, "MLDECK_METRICS_FILE": metricsFile.path,
                           "MLDECK_OUTPUT_DIR": outputDirectory.path, "PYTHONUNBUFFERED": "1"]
        for (key, value) in params { environment["MLDECK_PARAM_" + ShellQuoting.environmentName(key)] = value }
        return environment
    }

    /// The lines of output text without their terminators.
    public static func lines(of output: String) -> [String] { OutputLines.split(output) }

    public let settings: Settings
    let outlets: Outlets
    private let lock = NSLock()
    private var handle: (any StepHandle)?
    private var stopRequest: Bool?  // nil: none; false: polite; true: forced
    private var series: [MetricPoint] = []
    private var problems: [MetricsLine.Problem] = []
    /// Metrics-file bytes reported and not parsed yet.
    private var received = Data()
    /// Artifacts named before their file was there (a job elsewhere brings its outputs back at its end).
    private var missingArtifacts: [String] = []

    public init(settings: Settings, outlets: Outlets) {
        self.settings = settings
        self.outlets = outlets
    }

    /// Stops the command (politely, or at once with `force`); before it started, it is stopped as it starts.
    public func stop(force: Bool) {
        lock.lock()
        stopRequest = force || (stopRequest ?? false)
        let running = handle
        lock.unlock()
        running?.stop(force: force)
    }

    /// Runs `job` with `executor` to its end and records what it reports; a cancellation of
    /// `cancellation` stops it. The job's ``StepJob/metricsFile`` is set to ``Settings/metricsFile``
    /// (and its read interval to ``Settings/pollInterval`` unless it has one): the executor reports
    /// what the command appends there (``StepReport/metrics(_:)``), wherever the command runs, and
    /// a thread of the recorder's parses and records it every ``Settings/pollInterval``. Throws
    /// when the job cannot be started (nothing was recorded then but the empty metrics file and output folder).
    public func record(_ job: StepJob, executor: any StepExecutor, cancellation: CancellationToken? = nil) throws -> Recording {
        let fm = FileManager.default
        try fm.createDirectory(at: settings.outputDirectory, withIntermediateDirectories: true)
        try fm.createDirectory(at: settings.metricsFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = fm.createFile(atPath: settings.metricsFile.path, contents: nil)
        var job = job
        job.metricsFile = settings.metricsFile.path
        job.metricsInterval = job.metricsInterval ?? settings.pollInterval

        let finished = DispatchSemaphore(value: 0)
        let polled = DispatchSemaphore(value: 0)
        Thread { [self] in
            var reader = MetricsLineReader(knownParams: settings.knownParams)
            var lastBeat = Date().timeIntervalSince1970, lastTouch = lastBeat
            while finished.wait(timeout: .now() + settings.pollInterval) == .timedOut {
                take(reader.read(takeReceived()), skipped: reader.skippedLines)
                guard settings.keepsRunAlive else { continue }
                let now = Date().timeIntervalSince1970
                if now - lastBeat > 10 { try? settings.store.heartbeat(settings.run); lastBeat = now }
                // A cheap sign of life each second: if we are killed (-9) the reaper ends the run here.
                if now - lastTouch >= 1 { RunActivity.touch(settings.run.id, in: settings.store.workspace); lastTouch = now }
            }
            take(reader.read(takeReceived(), final: true), skipped: reader.skippedLines)
            retryMissingArtifacts()
            polled.signal()
        }.start()
        func stopFollowing() { finished.signal(); polled.wait() }

        let line = outlets.line
        let started: any StepHandle
        do {
            started = try executor.start(job) { [self] report in
                switch report {
                case .output(let text): line(text)
                case .metrics(let bytes): lock.lock(); received.append(bytes); lock.unlock()
                case .state, .exited: break
                }
            }
        } catch {
            stopFollowing()
            throw error
        }
        lock.lock(); handle = started; let early = stopRequest; lock.unlock()
        if let early { started.stop(force: early) }
        let link = cancellation?.onCancel { [self] in stop(force: false) }
        let exit = started.wait()
        if let link { cancellation?.remove(link) }
        stopFollowing()
        lock.lock(); defer { lock.unlock() }
        return Recording(exit: exit, series: series, problems: problems)
    }

    /// The metrics-file bytes reported since the last call.
    private func takeReceived() -> Data {
        lock.lock(); defer { lock.unlock() }
        let bytes = received
        received = Data()
        return bytes
    }

    /// Records one read of the metrics file. Metrics, params, tags and each artifact are written
    /// separately, so one store error cannot lose the others; every problem becomes a note.
    private func take(_ batch: MetricsLineReader.Batch, skipped: Int) {
        guard !batch.isEmpty else { return }
        let store = settings.store, run = settings.run
        for problem in batch.problems { outlets.note("mldeck: \(problem)") }
        lock.lock()
        problems += batch.problems
        if settings.keepsSeries { series += batch.points }
        lock.unlock()
        var tags = batch.tags
        if !batch.problems.isEmpty { tags[settings.skippedLinesTag] = String(skipped) }
        var writes: [() throws -> Void] = [{ try store.logParams(batch.params, run: run) }, { try store.setTags(tags, run: run) }]
        if let metrics = outlets.metrics { metrics(batch.points) } else { writes.insert({ try store.logMetrics(batch.points, run: run) }, at: 0) }
        for write in writes {
            do { try write() } catch { outlets.note("mldeck: \(error)") }
        }
        for path in batch.artifacts where !logArtifact(path) { missingArtifacts.append(path) }
    }

    /// Looks the artifacts that were missing up once more, when the job ended; notes those still missing.
    private func retryMissingArtifacts() {
        for path in missingArtifacts where !logArtifact(path) {
            outlets.note("mldeck: artifact '\(path)' not found (looked in MLDECK_OUTPUT_DIR and \(settings.lookupFolder.path))")
        }
        missingArtifacts = []
    }

    /// Records the artifact `path` from the output folder or the lookup folder; false when neither has it.
    private func logArtifact(_ path: String) -> Bool {
        let candidates = [settings.outputDirectory, settings.lookupFolder].map { WorkspacePath.resolve(path, in: $0) }
        guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else { return false }
        do { _ = try settings.store.logArtifact(run: settings.run, path: path, file: file) } catch {
            outlets.note("mldeck: artifact '\(path)': \(error)")
        }
        return true
    }
}
