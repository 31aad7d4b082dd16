import Foundation

/// Experiment tracking: runs with params, metric series, tags, artifacts and status.
///
/// Every method throws typed errors with a category (``CategorizedError``): an unknown run is
/// ``TrackingError/runNotFound(_:)`` (`notFound`), a changed param ``TrackingError/paramChanged(run:key:old:new:)``
/// (`conflict`), a held write lock ``WorkspaceError/busy(path:seconds:)`` (`busy`).
public protocol TrackingStore: StoreBase {
    /// Creates runs with their first params, tags and metrics, all in one transaction, and returns
    /// a handle for each, in order. Keys are validated first (``TrackingError/invalidKey(_:)``).
    func createRuns(_ starts: [RunStart]) throws -> [RunHandle]
    /// Records params. A param that is already set must keep its value
    /// (``TrackingError/paramChanged(run:key:old:new:)`` otherwise); setting the same value again is allowed.
    func logParams(_ params: [String: String], run: RunHandle) throws
    /// Sets tags; unlike params, a tag may change.
    func setTags(_ tags: [String: String], run: RunHandle) throws
    /// Appends metric points (any keys, any steps) and keeps each key's summary (last value by
    /// step, min, max, count) current for listings.
    func logMetrics(_ points: [MetricPoint], run: RunHandle) throws
    /// Copies `file` into the object store and records it as the run's artifact at `path`
    /// (relative, `/`-separated), replacing an earlier artifact at that path.
    @discardableResult
    func logArtifact(run: RunHandle, path: String, file: URL) throws -> ArtifactRecord
    /// Ends a run with a final `status`. A run that already ended keeps its first final state and
    /// this returns false. `endTime` defaults to now.
    @discardableResult
    func finishRun(_ run: RunHandle, status: RunStatus, exitCode: Int?, signal: Int?, reason: String?, endTime: Double?) throws -> Bool
    /// Moves a QUEUED run to RUNNING under `owner`; does nothing to a run in any other state.
    func startQueuedRun(_ run: RunHandle, owner: ProcessIdentity) throws
    /// Records the process that will take over a QUEUED run, so a dead launcher's run can be failed.
    func setQueuedRunOwner(_ run: RunHandle, owner: ProcessIdentity) throws
    /// Records that the run's owner is alive now.
    func heartbeat(_ run: RunHandle) throws
    /// Sets or clears the run's soft-delete flag.
    func setDeleted(_ deleted: Bool, run: RunHandle) throws
    /// Records lineage learned after the start; nil fields leave the stored value alone.
    func updateLineage(_ lineage: RunLineage, run: RunHandle) throws

    /// The run named by a full id, a unique id prefix or a run name
    /// (``TrackingError/runNotFound(_:)`` or ``TrackingError/ambiguousRun(_:candidates:)`` otherwise).
    func resolveRun(_ reference: String) throws -> RunRecord
    /// The run with its params, tags, metric summaries and artifacts (artifacts by path).
    func runDetails(_ reference: String) throws -> RunDetails
    /// Every point of one metric of a run, ordered by step (logging order among equal steps).
    func metricSeries(run: RunHandle, key: String) throws -> [SeriesPoint]
    /// Experiments by name with their run counts (deleted runs not counted).
    func experiments() throws -> [ExperimentSummary]
    /// The process that owns the run, when it has one.
    func runOwner(_ run: RunHandle) throws -> ProcessIdentity?
    /// Runs matching a filter (the shared expression language), ordered and paged as asked, with
    /// params, latest metric values and tags. A malformed filter throws ``FilterError`` (`invalidArgument`).
    func listRuns(_ query: RunQuery) throws -> [RunRow]
    /// How many runs match `query` (its limit and offset are ignored).
    func countRuns(_ query: RunQuery) throws -> Int
}

extension TrackingStore {
    /// Creates one run (see ``createRuns(_:)``).
    public func createRun(_ start: RunStart) throws -> RunHandle { try createRuns([start])[0] }

    /// A write handle on an existing run named by id, id prefix or name.
    public func handle(for reference: String) throws -> RunHandle { try resolveRun(reference).handle }

    /// Ends a run now (see ``finishRun(_:status:exitCode:signal:reason:endTime:)``).
    @discardableResult
    public func finishRun(_ run: RunHandle, status: RunStatus, exitCode: Int? = nil, signal: Int? = nil, reason: String? = nil) throws -> Bool {
        try finishRun(run, status: status, exitCode: exitCode, signal: signal, reason: reason, endTime: nil)
    }

    /// Moves a queued run to RUNNING under this process.
    public func startQueuedRun(_ run: RunHandle) throws { try startQueuedRun(run, owner: .current) }

    /// The run's log file (written live while it runs), in the workspace's run folder.
    public func logURL(of runID: String) -> URL { workspace.runDirectory(runID).appendingPathComponent("log") }

    /// The latest run of a pipeline (by start time), or nil when it never ran.
    public func lastRun(ofPipeline name: String) throws -> RunRecord? {
        let filter = "pipeline = '\(name.replacingOccurrences(of: "'", with: "''"))'"
        let newest = [RunOrder(field: FilterField(namespace: "attributes", name: "start_time"), descending: true)]
        return try listRuns(RunQuery(filter: filter, orderBy: newest, limit: 1)).first?.run
    }
}
