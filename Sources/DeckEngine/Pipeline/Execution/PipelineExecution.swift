import DeckML
import DeckStore
import Foundation

/// Runs one pipeline in this process as a tracked run: resolves the dataset, creates (or takes
/// over) the run, executes the steps as a DAG with bounded parallelism, serves unchanged steps
/// from the cache, evaluates `if:` conditions, and records step states, metrics and logs in the
/// store as it goes so another process can follow.
///
/// Events are published on ``events`` (an `AsyncStream`) and to the observer given at init.
/// ``cancel(reason:)`` (e.g. from a SIGINT handler) stops running commands' process groups and
/// built-ins at their next round; the run ends `KILLED`.
public final class PipelineExecution: @unchecked Sendable {
    public let store: DeckStore
    public let config: WorkspaceConfig
    public let request: PipelineRunRequest
    public let datasets: DatasetSource
    /// Where `run:` steps' commands execute.
    public let executor: any StepExecutor
    /// The run's events; finishes when the run ends.
    public let events: AsyncStream<PipelineEvent>
    let sink: RunEventSink
    let cancellation = CancellationToken()
    let tables = TableCache()

    private let lock = NSLock()
    private var states: [String: RunStepRecord] = [:]
    private var results: [String: StepResult] = [:]
    private var failures: [String] = []
    private var runHandle: RunHandle?

    /// Prepares a run; nothing happens until ``run()``.
    public init(store: DeckStore, config: WorkspaceConfig, request: PipelineRunRequest, datasets: DatasetSource? = nil,
                executor: any StepExecutor = LocalStepExecutor(), observer: (@Sendable (PipelineEvent) -> Void)? = nil) {
        self.store = store
        self.config = config
        self.request = request
        self.datasets = datasets ?? PipelineEnvironment.datasetSource(for: store)
        self.executor = executor
        var continuation: AsyncStream<PipelineEvent>.Continuation!
        events = AsyncStream(bufferingPolicy: .bufferingNewest(10_000)) { continuation = $0 }
        sink = RunEventSink(continuation: continuation, observer: observer,
                            logDirectory: store.workspace.temporaryDirectory)
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

        var dataset: ResolvedDataset?
        if let reference = request.dataset ?? pipeline.dataset {
            do { dataset = try datasets.resolve(reference) } catch {
                let at = pipeline.raw["dataset"]?.location
                let key = request.dataset == nil ? "pipelines.\(pipeline.name).dataset" : "--dataset"
                throw PipelineRunError.dataset(PipelineConfigError(file: config.file, location: request.dataset == nil ? at : nil,
                                                                   key: key, message: "\(error)").description)
            }
        }
        mark("validated")
        let deps = try hashDeps(pipeline)
        let codeHash = PipelineCodeHash.of(pipeline, dependencies: deps)
        mark("dataset resolved")
        let git = GitInfo(root: store.workspace.root)
        let run = try createOrTakeOverRun(pipeline: pipeline, params: params, dataset: dataset, codeHash: codeHash, gitCommit: git.commit)
        lock.lock(); runHandle = run; lock.unlock()

        let runDirectory = store.workspace.runDirectory(run.id)
        try FileManager.default.createDirectory(at: runDirectory.appendingPathComponent("steps"), withIntermediateDirectories: true)
        let stepLogs = runDirectory.appendingPathComponent("logs")
        sink.attach(store: store, run: run, runLog: runDirectory.appendingPathComponent("log"), stepLogs: stepLogs)
        sink.emit(.runStarted(runID: run.id, pipeline: pipeline.name, steps: pipeline.steps.map(\.name)))
        if let dataset { sink.notice(step: nil, message: "dataset \(dataset.label) (\(dataset.path.lastPathComponent))") }

        let initial = pipeline.steps.enumerated().map { RunStepRecord(name: $1.name, position: $0, kind: $1.action.kind, status: .pending) }
        for s in initial { states[s.name] = s }
        try store.recordSteps(initial, run: run)

        let heartbeatStop = DispatchSemaphore(value: 0)
        let heartbeat = Thread { [store] in
            while heartbeatStop.wait(timeout: .now() + 10) == .timedOut { try? store.heartbeat(run) }
        }
        heartbeat.start()
        mark("run created")

        schedule(pipeline: pipeline, params: params, dataset: dataset, deps: deps, run: run,
                 runDirectory: runDirectory, stepLogs: stepLogs)

        mark("steps done")
        heartbeatStop.signal()
        sink.flushMetrics()
        let finalSteps = pipeline.steps.compactMap { step -> RunStepRecord? in lock.lock(); defer { lock.unlock() }; return states[step.name] }
        let status: RunStatus
        var reason: String?
        if cancellation.isCancelled {
            status = .killed; reason = cancellation.reason
        } else if let failure = failures.first {
            status = .failed; reason = failure
        } else {
            status = .finished
        }
        try? store.closeOpenSteps(run: run, status: status == .killed ? .killed : .skipped, reason: reason)
        var tags: [String: String] = [:]
        for s in finalSteps {
            let duration = s.duration().map { String(format: "%.3fs", $0) } ?? "-"
            tags["mldeck.step.\(s.name)"] = "\(s.status.rawValue) \(duration)\(s.cacheHit ? " cached" : "")"
        }
        try? store.setTags(tags, run: run)
        if let dirty = git.dirty() { try? store.updateLineage(RunLineage(gitDirty: dirty), run: run) }
        try store.finishRun(run, status: status, reason: reason)
        mark("run finished")
        sink.emit(.runFinished(runID: run.id, status: status, reason: reason))
        sink.close()
        sink.finish()

        var metrics: [String: Double] = [:]
        var production: [String: Double]?
        var registered: [String] = [], deployed: [String] = []
        for name in PipelineGraph(pipeline).topologicalOrder() {
            guard let r = results[name] else { continue }
            if r.kind == "evaluate" {
                metrics.merge(r.output.metrics) { _, new in new }
                production = EvaluateStep.productionMetrics(r.output)
            }
            if let v = r.output.facts["registered"] { registered.append(v) }
            if let v = r.output.facts["deployed"] { deployed.append(v) }
        }
        return PipelineOutcome(runID: run.id, status: status, reason: reason, steps: finalSteps, metrics: metrics,
                               productionMetrics: production, registered: registered, deployed: deployed,
                               notices: sink.notices, duration: Date().timeIntervalSince1970 - started)
    }

    // MARK: Scheduling

    func schedule(pipeline: PipelineSpec, params: [String: String], dataset: ResolvedDataset?, deps: [String: [(String, String)]],
                  run: RunHandle, runDirectory: URL, stepLogs: URL) {
        let graph = PipelineGraph(pipeline)
        let order = graph.topologicalOrder()
        let wake = DispatchSemaphore(value: 0)
        let running = LockedBox(Set<String>())
        let cancelWake = cancellation.onCancel { wake.signal() }
        defer { cancellation.remove(cancelWake) }
        while true {
            var progressed = false
            lock.lock()
            if order.allSatisfy({ states[$0]!.status.isFinal }) { lock.unlock(); break }
            for name in order where states[name]!.status == .pending && !running.with({ $0.contains(name) }) {
                let needs = graph.needs[name] ?? []
                guard needs.allSatisfy({ states[$0]!.status.isFinal }) else { continue }
                var record = states[name]!
                if cancellation.isCancelled {
                    record.status = .killed; record.reason = "not started: the run was cancelled"
                } else if let bad = needs.first(where: { [.failed, .killed].contains(states[$0]!.status) }) {
                    record.status = .skipped; record.reason = "not run: '\(bad)' \(states[bad]!.status == .failed ? "failed" : "was stopped")"
                } else if let skipped = needs.first(where: { states[$0]!.status == .skipped }) {
                    record.status = .skipped; record.reason = "not run: it needs '\(skipped)', which was skipped"
                } else {
                    guard running.with({ $0.count }) < request.maxParallel else { break }
                    running.with { _ = $0.insert(name) }
                    let step = pipeline.step(name)!
                    let upstream = results
                    Thread { [self] in
                        let outcome = execute(step: step, pipeline: pipeline, params: params, dataset: dataset,
                                              deps: deps[name] ?? [], upstream: upstream, graph: graph, run: run,
                                              runDirectory: runDirectory)
                        lock.lock()
                        states[name] = outcome.0
                        if let result = outcome.1 { results[name] = result }
                        running.with { _ = $0.remove(name) }
                        lock.unlock()
                        wake.signal()
                    }.start()
                    continue
                }
                states[name] = record
                progressed = true
                let copy = record
                lock.unlock()
                try? store.updateStep(copy, run: run)
                sink.emit(.stepFinished(step: name, status: copy.status, cacheHit: false, duration: 0, reason: copy.reason))
                if let reason = copy.reason { sink.log(step: name, line: reason) }
                lock.lock()
            }
            lock.unlock()
            if !progressed { wake.wait() }
        }
    }

    /// Runs one step (condition, cache, retries, timeout) and returns its final record.
    func execute(step: StepSpec, pipeline: PipelineSpec, params: [String: String], dataset: ResolvedDataset?,
                 deps: [(String, String)], upstream: [String: StepResult], graph: PipelineGraph, run: RunHandle,
                 runDirectory: URL) -> (RunStepRecord, StepResult?) {
        lock.lock(); var record = states[step.name]!; lock.unlock()
        let start = Date().timeIntervalSince1970
        record.status = .running; record.startTime = start
        sink.emit(.stepStarted(step: step.name))
        // RUNNING is recorded once the step really runs (not for a cache hit or a skip).
        var recordedRunning = false
        func markRunning() {
            guard !recordedRunning else { return }
            recordedRunning = true
            try? store.updateStep(record, run: run)
        }

        func finish(_ status: StepStatus, reason: String?, cacheHit: Bool = false, alreadyRecorded: Bool = false) -> RunStepRecord {
            record.status = status; record.reason = reason; record.cacheHit = cacheHit
            record.endTime = Date().timeIntervalSince1970
            if status == .finished || status == .cached { record.progress = 1 }
            if !alreadyRecorded { try? store.updateStep(record, run: run) }
            if let reason { sink.log(step: step.name, line: status == .skipped ? "skipped: \(reason)" : reason) }
            sink.emit(.stepFinished(step: step.name, status: status, cacheHit: cacheHit, duration: record.endTime! - start, reason: reason))
            return record
        }

        if let reason = request.registrationDeferred, step.action == .builtin("register") {
            return (finish(.skipped, reason: reason), nil)
        }
        // if:
        if let condition = step.condition, let expression = try? FilterExpression.parse(condition) {
            sink.flushMetrics()
            let context = conditionContext(params: params, upstream: upstream, run: run)
            if !context.evaluator.evaluate(expression, in: context) {
                return (finish(.skipped, reason: "condition is false: \(condition) (\(context.describe(expression)))"), nil)
            }
            sink.log(step: step.name, line: "condition holds: \(condition) (\(context.describe(expression)))")
        }

        let outputDirectory = runDirectory.appendingPathComponent("steps/" + step.name, isDirectory: true)
        try? FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        let arguments: [(key: String, value: ConfigValue)]
        do { arguments = try step.with.map { ($0.key, try Interpolation.apply($0.value, params: params)) } } catch {
            return fail(finish, "with: \(error)")
        }
        if let problem = BuiltinOptionRanges.firstProblem(step: step, arguments: arguments) { return fail(finish, problem) }
        let stepToken = CancellationToken()
        let link = cancellation.onCancel { [cancellation] in stepToken.cancel(reason: cancellation.reason ?? "cancelled") }
        defer { cancellation.remove(link) }
        let context = StepContext(store: store, run: run, pipeline: pipeline, step: step, arguments: arguments, params: params,
                                  dataset: dataset, outputDirectory: outputDirectory,
                                  logURL: runDirectory.appendingPathComponent("logs/\(step.name).log"), upstream: upstream,
                                  graph: graph, cancellation: stepToken, tables: tables, sink: sink,
                                  executor: executor, gracePeriod: request.gracePeriod, timeout: step.timeout)
        let runner: StepRunner
        do { runner = try PipelineExecution.runner(for: step) } catch { return fail(finish, "step '\(step.name)': \(error)") }
        let transitive = graph.upstream(of: step.name).compactMap { upstream[$0] }

        // cache
        var cacheKey: String?
        if runner.cacheable && step.cache && !request.noCache {
            do {
                var command: String?
                if case .command(let text, _) = step.action { command = try Interpolation.apply(text, params: params) }
                let extra = try runner.extraCacheInputs(context)
                let key = StepCacheKeys.key(step: step, arguments: arguments, command: command, params: params, dataset: dataset,
                                            upstream: transitive, depsHashes: deps, extra: extra)
                cacheKey = key
                record.cacheKey = key
                if !request.force, let manifestID = try store.cachedStepManifest(key: key),
                   let manifest = try? StepManifest.decode(store.objects.read(manifestID)) {
                    var output = manifest.output(now: Date().timeIntervalSince1970)
                    let complete = manifest.files.allSatisfy { ObjectID(hex: $0.object).map(store.objects.contains) ?? false }
                    if complete && runner.cachedResultIsValid(output, context: context) {
                        try StepCacheKeys.restore(manifest, into: outputDirectory, objects: store.objects)
                        var final = record
                        final.status = .cached; final.cacheHit = true; final.progress = 1; final.endTime = Date().timeIntervalSince1970
                        try store.recordStepOutputs(run: run, files: manifest.files.compactMap { f in
                            ObjectID(hex: f.object).map { StoredFile(path: "steps/\(step.name)/\(f.path)", object: $0, size: f.size) }
                        }, cacheKey: nil, manifest: nil, pipeline: pipeline.name, step: step.name, state: final)
                        let now = Date().timeIntervalSince1970
                        sink.metrics(step: step.name, output.series + output.metrics.map { MetricPoint(key: $0.key, value: $0.value, step: 0, timestamp: now) },
                                     publish: false)
                        for n in output.notices { sink.notice(step: step.name, message: n) }
                        if let finalizer = runner as? StepFinalizer { output = try finalizer.finalize(output, context: context) }
                        let result = StepResult(name: step.name, kind: step.action.kind, status: .cached, outputDirectory: outputDirectory,
                                                output: output, outputHash: manifest.outputHash,
                                                fileObjects: Dictionary(manifest.files.map { ($0.path, $0.object) }, uniquingKeysWith: { a, _ in a }))
                        return (finish(.cached, reason: nil, cacheHit: true, alreadyRecorded: true), result)
                    }
                }
            } catch {
                return fail(finish, "\(error)")
            }
        }

        // run, with retries and a timeout
        markRunning()
        var output: StepOutput?
        var lastError: Error?
        for attempt in 0...step.retries {
            record.attempts = attempt + 1
            if attempt > 0 {
                sink.log(step: step.name, line: "retrying (attempt \(attempt + 1) of \(step.retries + 1)) after: \(lastError.map { "\($0)" } ?? "")")
                try? store.updateStep(record, run: run)
            }
            var timedOut = false
            let timeoutLock = NSLock()
            let timer: DispatchWorkItem? = step.timeout.map { seconds in
                let item = DispatchWorkItem {
                    timeoutLock.lock(); timedOut = true; timeoutLock.unlock()
                    stepToken.cancel(reason: "timeout")
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: item)
                return item
            }
            do {
                output = try runner.run(context)
                timer?.cancel()
                break
            } catch {
                timer?.cancel()
                timeoutLock.lock(); let wasTimeout = timedOut; timeoutLock.unlock()
                if wasTimeout {
                    lastError = StepError.timedOut(step: step.name, seconds: step.timeout ?? 0)
                } else if cancellation.isCancelled {
                    return (finish(.killed, reason: "stopped: \(cancellation.reason ?? "cancelled")"), nil)
                } else {
                    lastError = error
                }
                if attempt == step.retries { return fail(finish, "\(lastError!)") }
                // A fresh token for the next attempt (the timeout cancelled this one).
                if wasTimeout { return fail(finish, "\(lastError!)") }
            }
        }
        guard var output else { return fail(finish, "\(lastError.map { "\($0)" } ?? "no output")") }
        let now = Date().timeIntervalSince1970
        sink.metrics(step: step.name, output.metrics.map { MetricPoint(key: $0.key, value: $0.value, step: 0, timestamp: now) })
        do {
            let (manifest, manifestID) = try StepCacheKeys.store(output, directory: outputDirectory, objects: store.objects,
                                                                 keepManifest: runner.cacheable && cacheKey != nil)
            try store.recordStepOutputs(run: run, files: manifest.files.compactMap { f in
                ObjectID(hex: f.object).map { StoredFile(path: "steps/\(step.name)/\(f.path)", object: $0, size: f.size) }
            }, cacheKey: runner.cacheable ? cacheKey : nil, manifest: manifestID, pipeline: pipeline.name, step: step.name)
            output.files = manifest.files.map(\.path)
            if let finalizer = runner as? StepFinalizer { output = try finalizer.finalize(output, context: context) }
            let result = StepResult(name: step.name, kind: step.action.kind, status: .finished, outputDirectory: outputDirectory,
                                    output: output, outputHash: manifest.outputHash,
                                    fileObjects: Dictionary(manifest.files.map { ($0.path, $0.object) }, uniquingKeysWith: { a, _ in a }))
            return (finish(.finished, reason: nil), result)
        } catch {
            return fail(finish, "\(error)")
        }
    }

    private func fail(_ finish: (StepStatus, String?, Bool, Bool) -> RunStepRecord, _ message: String) -> (RunStepRecord, StepResult?) {
        lock.lock(); failures.append(message); lock.unlock()
        return (finish(.failed, message, false, false), nil)
    }

    /// The context of an `if:` condition now.
}
