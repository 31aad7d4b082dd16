import DeckStore
import Foundation

/// How the trigger engine starts runs: first a QUEUED run (its id is recorded with the firing),
/// then the process that takes it over. Tests inject a fake; ``DetachedTriggerLauncher`` starts
/// `mldeck run PIPELINE --run-id ID` detached.
public protocol TriggerLauncher: Sendable {
    /// Creates the QUEUED run of `launch` and returns its id.
    func queue(_ launch: PipelineLauncher.Launch, config: WorkspaceConfig) throws -> String
    /// Starts the process that executes the QUEUED run `runID`.
    func start(_ launch: PipelineLauncher.Launch, runID: String) throws
}

/// Starts each triggered run as its own detached `mldeck run` process (see ``PipelineLauncher``).
public struct DetachedTriggerLauncher: TriggerLauncher {
    let store: any TrackingStore
    let executable: String

    public init(store: any TrackingStore, executable: String = PipelineLauncher.currentExecutable) {
        self.store = store; self.executable = executable
    }

    public func queue(_ launch: PipelineLauncher.Launch, config: WorkspaceConfig) throws -> String {
        try PipelineLauncher.queue(launch, store: store, config: config).id
    }

    public func start(_ launch: PipelineLauncher.Launch, runID: String) throws {
        let run = try store.resolveRun(runID)
        try PipelineLauncher.start(run.handle, arguments: PipelineLauncher.arguments(for: launch, runID: runID, workspace: store.workspace,
                                                                                      executable: executable), store: store)
    }
}

/// An alert that may fire a `drift` or `quality` trigger.
public struct TriggerAlert: Sendable, Equatable {
    /// Increasing with time (the alert's id in the store).
    public var id: Int64
    /// One line: `critical drift on churn-model: tenure, monthly_charges`.
    public var summary: String

    public init(id: Int64, summary: String) { self.id = id; self.summary = summary }
}

/// What the trigger engine needs of alerts: new `drift` / `quality` alerts of a model, and a way
/// to raise a `run_failed` alert when a triggered run fails. Implemented over the alert store.
public protocol TriggerAlertSource: Sendable {
    /// The newest alert of `kind` (`drift` or `quality`) on `model`, nil when there is none.
    func newestAlertID(kind: String, model: String) throws -> Int64?
    /// Alerts of `kind` on `model` with an id above `id`, oldest first.
    func alerts(kind: String, model: String, after id: Int64) throws -> [TriggerAlert]
    /// Raises a `run_failed` alert for a failed triggered run of `pipeline`.
    func raiseRunFailed(pipeline: String, runID: String, trigger: String, reason: String) throws
    /// Raises a `trigger_failed` alert: a firing of `pipeline` could not start its run.
    func raiseTriggerFailed(pipeline: String, trigger: String, reason: String) throws
}
