import DeckStore

/// What happens during a pipeline run, told within the process to the observer given to
/// ``PipelineExecution`` (the CLI's progress printer). Other processes read the same facts from the store: `run_steps`,
/// the metric series and the run's log.
public enum PipelineEvent: Sendable, Equatable {
    /// The run exists (its id) with its steps in order.
    case runStarted(runID: String, pipeline: String, steps: [String])
    /// A notice about the run (features left out, inferred task, dataset resolved, …).
    case notice(step: String?, message: String)
    case stepStarted(step: String)
    /// A step ended: its final state, whether it came from the cache, and why (skipped, failed).
    case stepFinished(step: String, status: StepStatus, cacheHit: Bool, duration: Double, reason: String?)
    /// Progress of a step (training rounds): `done` of `total`.
    case progress(step: String, done: Int, total: Int)
    case metric(step: String, key: String, value: Double, stepIndex: Int64)
    /// One line of a step's output.
    case log(step: String, line: String)
    case runFinished(runID: String, status: RunStatus, reason: String?)
}
