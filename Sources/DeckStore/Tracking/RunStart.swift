/// What a new run starts with.
public struct RunStart: Sendable {
    public var name: String?
    public var experiment: String
    public var status: RunStatus
    public var command: String?
    public var pipeline: String?
    public var params: [String: String]
    public var tags: [String: String]
    public var lineage: RunLineage
    /// The process that owns the run (marks it FAILED if it dies); nil for runs logged by scripts
    /// through `mldeck runs log`, which have no owner.
    public var owner: ProcessIdentity?
    /// Seconds since 1970; now when nil.
    public var startTime: Double?
    /// Metric points recorded in the same transaction as the run.
    public var metrics: [MetricPoint]

    public init(name: String? = nil, experiment: String = "Default", status: RunStatus = .running,
                command: String? = nil, pipeline: String? = nil, params: [String: String] = [:],
                tags: [String: String] = [:], lineage: RunLineage = RunLineage(),
                owner: ProcessIdentity? = .current, startTime: Double? = nil, metrics: [MetricPoint] = []) {
        self.name = name; self.experiment = experiment; self.status = status; self.command = command
        self.pipeline = pipeline; self.params = params; self.tags = tags; self.lineage = lineage
        self.owner = owner; self.startTime = startTime; self.metrics = metrics
    }
}

/// A handle on a run for writing, keyed by the run's id. Two handles on one run are equal.
public struct RunHandle: Sendable, Hashable {
    /// The run's id (32 hex digits).
    public let id: String
    /// The SQLite implementation's row id when it made the handle (saves a lookup); never public.
    let rowID: Int64?

    /// A handle on the run with this id (any store implementation resolves it by id).
    public init(id: String) { self.id = id; self.rowID = nil }

    init(rowID: Int64, id: String) { self.rowID = rowID; self.id = id }

    public static func == (a: RunHandle, b: RunHandle) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
