import Foundation

/// The steps of pipeline runs (their states, followed live by the dashboard from another
/// process), the artifacts they produce and the step cache.
public protocol PipelineStepStore: StoreBase {
    /// Records the steps of a run (usually all PENDING), replacing any earlier step rows of that run.
    func recordSteps(_ steps: [RunStepRecord], run: RunHandle) throws
    /// Writes several steps' current states (by step name) in one transaction.
    func updateSteps(_ steps: [RunStepRecord], run: RunHandle) throws
    /// The steps of a run in pipeline order; empty for a run that is not a pipeline run.
    func runSteps(_ runID: String) throws -> [RunStepRecord]
    /// Marks every PENDING or RUNNING step of the run as `status`, keeping an earlier reason.
    func closeOpenSteps(run: RunHandle, status: StepStatus, reason: String?) throws
    /// Records a running step's progress (0…1).
    func updateStepProgress(run: RunHandle, step: String, progress: Double) throws
    /// The manifest object cached under `key`, when there is one and its object is present.
    func cachedStepManifest(key: String) throws -> ObjectID?
    /// Records a step's outputs manifest under its cache key (the object must be durable).
    func storeStepCache(key: String, manifest: ObjectID, pipeline: String?, step: String?, runID: String?) throws
    /// Forgets cached steps (all, or one pipeline's); returns how many entries went.
    @discardableResult
    func clearStepCache(pipeline: String?) throws -> Int
    /// Records durable files as artifacts of the run, the step's cache entry (when `cacheKey` and
    /// `manifest` are given) and the step's state (when given), all in one transaction.
    func recordStepOutputs(run: RunHandle, files: [StoredFile], cacheKey: String?, manifest: ObjectID?,
                           pipeline: String?, step: String?, state: RunStepRecord?) throws
}

extension PipelineStepStore {
    /// Writes one step's current state.
    public func updateStep(_ step: RunStepRecord, run: RunHandle) throws { try updateSteps([step], run: run) }

    /// ``recordStepOutputs(run:files:cacheKey:manifest:pipeline:step:state:)`` without a step state.
    public func recordStepOutputs(run: RunHandle, files: [StoredFile], cacheKey: String?, manifest: ObjectID?,
                                  pipeline: String?, step: String?) throws {
        try recordStepOutputs(run: run, files: files, cacheKey: cacheKey, manifest: manifest, pipeline: pipeline, step: step, state: nil)
    }
}

extension PipelineStepStore {
    /// Forgets every cached step.
    @discardableResult
    public func clearStepCache() throws -> Int { try clearStepCache(pipeline: nil) }
}
