import DeckML
import DeckStore
import Foundation

/// Runs one pipeline in this process as a tracked run. Read it in four parts:
///
/// 1. here, ``run()``: check the request, resolve the dataset, create (or take over) the run;
/// 2. `PipelineScheduler`: the DAG — which step starts when, bounded parallelism, cancellation;
/// 3. `PipelineExecution+Step.swift`: one step — its `if:`, the cache (lookup and restore, in
///    `+Cache`), and its attempts with timeout and retries (`+Attempts`);
/// 4. `PipelineExecution+Outcome.swift`: the run's final state, tags and ``PipelineOutcome``.
///
/// Step states, metrics and logs are recorded in the store as they happen, so another process
/// (the dashboard, `mldeck runs show`) can follow; within this process an observer receives
/// ``PipelineEvent``s. ``cancel(reason:)`` (e.g. from a SIGINT handler) stops running commands'
/// process groups and built-ins at their next round; the run ends `KILLED`.
public final class PipelineExecution: @unchecked Sendable {  // mutable state guarded by `lock`
    public let store: any WorkspaceStore
    public let config: WorkspaceConfig
    public let request: PipelineRunRequest
    public let datasets: DatasetSource
    /// Where `run:` steps' commands execute.
    public let executor: any StepExecutor
    let sink: RunEventSink
    let cancellation = CancellationToken()
    let tables = TableCache()

    private let lock = NSLock()
    private var runHandle: RunHandle?

    /// What every step of one run shares, fixed once the run exists.
    struct PreparedRun: Sendable {
        var pipeline: PipelineSpec
        /// The pipeline's params with the request's overrides.
        var params: [String: String]
        var dataset: ResolvedDataset?
        /// Content hashes of each step's `deps`, by step.
        var deps: [String: [(String, String)]]
        var graph: PipelineGraph
        var run: RunHandle
        var runDirectory: URL
    }

    /// Prepares a run; nothing happens until ``run()``. `observer` receives the run's events
    /// (on the threads that produce them).
    public init(store: any WorkspaceStore, config: WorkspaceConfig, request: PipelineRunRequest, datasets: DatasetSource? = nil,
                executor: any StepExecutor = LocalStepExecutor(), observer: (@Sendable (PipelineEvent) -> Void)? = nil) {
        self.store = store
        self.config = config
        self.request = request
        self.datasets = datasets ?? PipelineEnvironment.datasetSource(for: store)
        self.executor = executor
        sink = RunEventSink(observer: observer, logDirectory: store.workspace.temporaryDirectory)
    }

    /// Stops the run: running commands get SIGTERM (then SIGKILL), built-ins stop at their next
    /// round, pending steps do not start. The run ends `KILLED`.
    public func cancel(reason: String = "cancelled") {
        cancellation.cancel(reason: reason)
    }

    /// The run's id once it exists.
    public var runID: String? { lock.lock(); defer { lock.unlock() }; return runHandle?.id }

    /// Runs the pipeline to its end. Throws for problems found before the run exists (unknown
    /// pipeline or param, invalid definition, missing dataset); afterwards every failure is
    /// recorded in the run and reported in the outcome.
    public func run() throws -> PipelineOutcome {
        let started = Date().timeIntervalSince1970
        let trace = ProcessInfo.processInfo.environment["MLDECK_TRACE_TIMING"] != nil
        func mark(_ what: String) { if trace { FileHandle.standardError.write(Data(String(format: "%8.2f ms  %@\n", (Date().timeIntervalSince1970 - started) * 1000, what).utf8)) } }
        guard let pipeline = config.pipeline(request.pipeline) else {
            throw PipelineRunError.unknownPipeline(request.pipeline, known: config.pipelines.map(\.name), file: config.file)
        }
        var params = pipeline.paramDictionary
        for (key, value) in request.params {
            guard params[key] != nil else { throw PipelineRunError.unknownParam(key, known: pipeline.params.map(\.key)) }
            params[key] = value
        }
        let problems = PipelineValidator(file: config.file).problems(in: pipeline, overrides: request.params)
        guard problems.isEmpty else { throw PipelineRunError.invalid(PipelineConfigErrors(problems)) }
        let dataset = try resolveDataset(of: pipeline)
        mark("validated")
        let deps = try hashDeps(pipeline)
        let codeHash = PipelineCodeHash.of(pipeline, dependencies: deps)
        mark("dataset resolved")
        let git = GitInfo(root: store.workspace.root)
        let run = try createOrTakeOverRun(pipeline: pipeline, params: params, dataset: dataset, codeHash: codeHash, gitCommit: git.commit)
        lock.lock(); runHandle = run; lock.unlock()

        let runDirectory = store.workspace.runDirectory(run.id)
        try FileManager.default.createDirectory(at: runDirectory.appendingPathComponent("steps"), withIntermediateDirectories: true)
        sink.attach(store: store, run: run, runLog: runDirectory.appendingPathComponent("log"), stepLogs: runDirectory.appendingPathComponent("logs"))
        sink.emit(.runStarted(runID: run.id, pipeline: pipeline.name, steps: pipeline.steps.map(\.name)))
        if let dataset { sink.notice(step: nil, message: "dataset \(dataset.label) (\(dataset.path.lastPathComponent))") }

        let initial = pipeline.steps.enumerated().map { RunStepRecord(name: $1.name, position: $0, kind: $1.action.kind, status: .pending) }
        try store.recordSteps(initial, run: run)
        let heartbeatStop = DispatchSemaphore(value: 0)
        Thread { [store] in
            while heartbeatStop.wait(timeout: .now() + 10) == .timedOut { try? store.heartbeat(run) }
        }.start()
        mark("run created")

        let prepared = PreparedRun(pipeline: pipeline, params: params, dataset: dataset, deps: deps, graph: PipelineGraph(pipeline),
                                   run: run, runDirectory: runDirectory)
        let scheduler = PipelineScheduler(graph: prepared.graph, records: Dictionary(uniqueKeysWithValues: initial.map { ($0.name, $0) }),
                                          maxParallel: request.maxParallel, cancellation: cancellation)
        let finish = scheduler.run(execute: { [self] record, upstream in
            executeStep(record, upstream: upstream, in: prepared)
        }, skipped: { [self] record in
            try? store.updateStep(record, run: run)
            sink.emit(.stepFinished(step: record.name, status: record.status, cacheHit: false, duration: 0, reason: record.reason))
            if let reason = record.reason { sink.log(step: record.name, line: reason) }
        })
        mark("steps done")
        heartbeatStop.signal()
        let outcome = try conclude(prepared, finish: finish, git: git, started: started)
        mark("run finished")
        return outcome
    }

    /// The run's dataset: `--dataset`, else the pipeline's `dataset:`, else none.
    private func resolveDataset(of pipeline: PipelineSpec) throws -> ResolvedDataset? {
        guard let reference = request.dataset ?? pipeline.dataset else { return nil }
        do { return try datasets.resolve(reference) } catch {
            let at = pipeline.raw["dataset"]?.location
            let key = request.dataset == nil ? "pipelines.\(pipeline.name).dataset" : "--dataset"
            throw PipelineRunError.dataset(PipelineConfigError(file: config.file, location: request.dataset == nil ? at : nil,
                                                               key: key, message: "\(error)").description)
        }
    }
}
