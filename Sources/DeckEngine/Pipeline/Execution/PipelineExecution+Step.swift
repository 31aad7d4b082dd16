import DeckML
import DeckStore
import Foundation

/// One step of a run, from start to final state: a deferred `register` or a false `if:` skips
/// it; otherwise its `with:` is resolved and checked, the cache is asked (``restoreFromCache``),
/// and on a miss the step runs (``runAttempts``) and its outputs are stored and, when cacheable,
/// cached.
extension PipelineExecution {
    func executeStep(_ pending: RunStepRecord, upstream: [String: StepResult], in prepared: PreparedRun) -> PipelineScheduler.Completion {
        let progress = StepProgress(pending, store: store, run: prepared.run, sink: sink)
        func failed(_ message: String) -> PipelineScheduler.Completion { .init(record: progress.finish(.failed, reason: message)) }
        guard let step = prepared.pipeline.step(pending.name) else { return failed("step '\(pending.name)' is not in the pipeline") }

        if let reason = request.registrationDeferred, step.action == .builtin("register") {
            return .init(record: progress.finish(.skipped, reason: reason))
        }
        if let condition = step.condition, let expression = try? FilterExpression.parse(condition) {
            sink.flushMetrics()
            let context = conditionContext(params: prepared.params, upstream: upstream, run: prepared.run)
            if !context.evaluator.evaluate(expression, in: context) {
                return .init(record: progress.finish(.skipped, reason: "condition is false: \(condition) (\(context.describe(expression)))"))
            }
            sink.log(step: step.name, line: "condition holds: \(condition) (\(context.describe(expression)))")
        }

        let outputDirectory = prepared.runDirectory.appendingPathComponent("steps/" + step.name, isDirectory: true)
        try? FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        let arguments: [(key: String, value: ConfigValue)]
        do { arguments = try step.with.map { ($0.key, try Interpolation.apply($0.value, params: prepared.params)) } } catch {
            return failed("with: \(error)")
        }
        if let problem = BuiltinOptionRanges.firstProblem(step: step, arguments: arguments) { return failed(problem) }
        let runner: StepRunner
        do { runner = try PipelineExecution.runner(for: step) } catch { return failed("step '\(step.name)': \(error)") }

        /// A context whose cancellation follows the run's (and `token`'s own, for a timeout).
        let makeContext = { [self] (token: CancellationToken) in
            StepContext(store: store, run: prepared.run, pipeline: prepared.pipeline, step: step, arguments: arguments,
                        params: prepared.params, dataset: prepared.dataset, outputDirectory: outputDirectory,
                        logURL: prepared.runDirectory.appendingPathComponent("logs/\(step.name).log"), upstream: upstream,
                        graph: prepared.graph, cancellation: token, tables: tables, sink: sink, executor: executor,
                        gracePeriod: request.gracePeriod, timeout: step.timeout)
        }
        let lookupToken = CancellationToken()
        let link = cancellation.onCancel { [cancellation] in lookupToken.cancel(reason: cancellation.reason ?? "cancelled") }
        defer { cancellation.remove(link) }
        let context = makeContext(lookupToken)

        var cacheKey: String?
        if runner.cacheable && step.cache && !request.noCache {
            do {
                let key = try self.cacheKey(of: step, runner: runner, context: context, arguments: arguments, upstream: upstream, in: prepared)
                cacheKey = key
                progress.setCacheKey(key)
                if !request.force, let hit = try restoreFromCache(key: key, runner: runner, context: context, progress: progress, in: prepared) {
                    return hit
                }
            } catch {
                return failed("\(error)")
            }
        }

        progress.markRunning()
        let output: StepOutput
        switch runAttempts(of: step, runner: runner, progress: progress, makeContext: makeContext) {
        case .success(let produced): output = produced
        case .failure(.stopped(let reason)): return .init(record: progress.finish(.killed, reason: "stopped: \(reason)"))
        case .failure(.failed(let message)): return failed(message)
        }
        // A runner that declines (a deploy whose candidate is not better) ends the step SKIPPED.
        if let declined = output.declined { return .init(record: progress.finish(.skipped, reason: declined)) }
        do {
            return try storeOutputs(output, of: step, runner: runner, context: context, cacheKey: cacheKey, progress: progress, in: prepared)
        } catch {
            return failed("\(error)")
        }
    }

    /// Records a step's outputs in the store (and its manifest under `cacheKey` when it is
    /// cacheable) and ends it `FINISHED`.
    private func storeOutputs(_ produced: StepOutput, of step: StepSpec, runner: StepRunner, context: StepContext, cacheKey: String?,
                              progress: StepProgress, in prepared: PreparedRun) throws -> PipelineScheduler.Completion {
        var output = produced
        let now = Date().timeIntervalSince1970
        sink.metrics(step: step.name, output.metrics.map { MetricPoint(key: $0.key, value: $0.value, step: 0, timestamp: now) })
        let (manifest, manifestID) = try StepCacheKeys.store(output, directory: context.outputDirectory, objects: store.objects,
                                                             keepManifest: runner.cacheable && cacheKey != nil)
        try store.recordStepOutputs(run: prepared.run, files: storedFiles(manifest, step: step.name),
                                    cacheKey: runner.cacheable ? cacheKey : nil, manifest: manifestID,
                                    pipeline: prepared.pipeline.name, step: step.name)
        output.files = manifest.files.map(\.path)
        if let finalizer = runner as? StepFinalizer { output = try finalizer.finalize(output, context: context) }
        let result = StepResult(name: step.name, kind: step.action.kind, status: .finished, outputDirectory: context.outputDirectory,
                                output: output, outputHash: manifest.outputHash, fileObjects: manifest.objectsByPath)
        return .init(record: progress.finish(.finished), result: result)
    }

    /// The files of a manifest as stored with the run (`steps/STEP/PATH`).
    func storedFiles(_ manifest: StepManifest, step: String) -> [StoredFile] {
        manifest.files.compactMap { file in
            ObjectID(hex: file.object).map { StoredFile(path: "steps/\(step)/\(file.path)", object: $0, size: file.size) }
        }
    }
}

extension StepManifest {
    /// Object ids (hex) of the files, by path.
    var objectsByPath: [String: String] { Dictionary(files.map { ($0.path, $0.object) }, uniquingKeysWith: { first, _ in first }) }
}

extension PipelineScheduler.Completion {
    init(record: RunStepRecord) { self.init(record: record, result: nil) }
}
