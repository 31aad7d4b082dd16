import Foundation

/// Runs ``StepJob``s somewhere: a child process here (``LocalStepExecutor``), or — later — a Ray
/// job or a Slurm batch job. An executor is given paths, arguments and environment only; it
/// reports back through the `report` callback and its ``StepHandle``, never through this
/// process's file descriptors, so the job may run on another machine.
public protocol StepExecutor: Sendable {
    /// Starts `job` and returns at once. `report` receives the job's ``StepReport``s one at a time
    /// (never two at once), in order, on a thread of the executor's; the last one is `.exited`.
    /// Throws when the job cannot be started at all (the program does not exist, …).
    func start(_ job: StepJob, report: @escaping @Sendable (StepReport) -> Void) throws -> any StepHandle
}

/// A started job.
public protocol StepHandle: AnyObject, Sendable {
    /// Asks the job to stop: politely, then by force after the job's grace period; at once by
    /// force when `force` is true. Does nothing once the job ended.
    func stop(force: Bool)
    /// Blocks until the job ended and its last report was delivered; returns how it ended.
    func wait() -> StepExit
}

extension StepExecutor {
    /// Runs `job` to its end; a cancellation of `cancellation` stops it (politely, then by force).
    public func run(_ job: StepJob, cancellation: CancellationToken? = nil,
                    report: @escaping @Sendable (StepReport) -> Void) throws -> StepExit {
        let handle = try start(job, report: report)
        let link = cancellation?.onCancel { handle.stop(force: false) }
        defer { if let link { cancellation?.remove(link) } }
        return handle.wait()
    }
}
