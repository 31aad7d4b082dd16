import DeckStore
import Foundation

/// The step cache as a step sees it: the key of a step (its definition, command, params,
/// dataset, upstream outputs, `deps` and the runner's extra inputs — see ``StepCacheKeys``) and
/// the restore of a hit: the outputs copied back from the object store, the metric series
/// logged again, the step recorded `CACHED` with its files in one transaction.
extension PipelineExecution {
    func cacheKey(of step: StepSpec, runner: StepRunner, context: StepContext, arguments: [(key: String, value: ConfigValue)],
                  upstream: [String: StepResult], in prepared: PreparedRun) throws -> String {
        var command: String?
        if case .command(let text, _) = step.action { command = try Interpolation.apply(text, params: prepared.params) }
        let transitive = prepared.graph.upstream(of: step.name).compactMap { upstream[$0] }
        return StepCacheKeys.key(step: step, arguments: arguments, command: command, params: prepared.params, dataset: prepared.dataset,
                                 upstream: transitive, depsHashes: prepared.deps[step.name] ?? [], extra: try runner.extraCacheInputs(context))
    }

    /// The step restored from the cache under `key`, or nil when there is no usable entry (none,
    /// an object missing, or a result the runner no longer accepts).
    func restoreFromCache(key: String, runner: StepRunner, context: StepContext, progress: StepProgress,
                          in prepared: PreparedRun) throws -> PipelineScheduler.Completion? {
        let step = context.step
        guard let manifestID = try store.cachedStepManifest(key: key),
              let manifest = try? StepManifest.decode(store.objects.read(manifestID)) else { return nil }
        var output = manifest.output(now: Date().timeIntervalSince1970)
        let complete = manifest.files.allSatisfy { ObjectID(hex: $0.object).map(store.objects.contains) ?? false }
        guard complete && runner.cachedResultIsValid(output, context: context) else { return nil }

        try StepCacheKeys.restore(manifest, into: context.outputDirectory, objects: store.objects)
        let final = progress.final(.cached, cacheHit: true)
        try store.recordStepOutputs(run: prepared.run, files: storedFiles(manifest, step: step.name), cacheKey: nil, manifest: nil,
                                    pipeline: prepared.pipeline.name, step: step.name, state: final)
        let now = Date().timeIntervalSince1970
        sink.metrics(step: step.name, output.series + output.metrics.map { MetricPoint(key: $0.key, value: $0.value, step: 0, timestamp: now) },
                     publish: false)
        for notice in output.notices { sink.notice(step: step.name, message: notice) }
        if let finalizer = runner as? StepFinalizer { output = try finalizer.finalize(output, context: context) }
        let result = StepResult(name: step.name, kind: step.action.kind, status: .cached, outputDirectory: context.outputDirectory,
                                output: output, outputHash: manifest.outputHash, fileObjects: manifest.objectsByPath)
        return .init(record: progress.finish(.cached, cacheHit: true, alreadyRecorded: final), result: result)
    }
}
