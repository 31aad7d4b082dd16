import Foundation

/// Where a run came from: data, code and what started it.
public struct RunLineage: Codable, Sendable, Equatable {
    /// `NAME@VERSION` of the dataset it read, when it read one.
    public var datasetVersion: String?
    /// Hash of the code that ran (pipeline definition plus `deps`).
    public var codeHash: String?
    public var gitCommit: String?
    public var gitDirty: Bool?
    /// The parent run's id (sweeps group their runs under one parent).
    public var parentRunID: String?
    /// `manual`, `dataset-update`, `schedule`, `drift`, …
    public var trigger: String?

    public init(datasetVersion: String? = nil, codeHash: String? = nil, gitCommit: String? = nil,
                gitDirty: Bool? = nil, parentRunID: String? = nil, trigger: String? = nil) {
        self.datasetVersion = datasetVersion; self.codeHash = codeHash; self.gitCommit = gitCommit
        self.gitDirty = gitDirty; self.parentRunID = parentRunID; self.trigger = trigger
    }

    enum CodingKeys: String, CodingKey {
        case datasetVersion = "dataset_version", codeHash = "code_hash", gitCommit = "git_commit"
        case gitDirty = "git_dirty", parentRunID = "parent_run_id", trigger
    }
}

/// A run's own fields (the `runs` row), as the CLI's `--json` and the dashboard show it.
public struct RunRecord: Codable, Sendable, Equatable {
    /// The SQLite implementation's row id (0 from other implementations); not public, not in the JSON.
    var rowID: Int64 = 0
    /// 32 hex digits, as MLflow's run ids.
    public var id: String
    public var name: String
    public var experiment: String
    public var status: RunStatus
    /// Why the run failed or was killed, when known.
    public var statusReason: String?
    /// Seconds since 1970.
    public var startTime: Double
    public var endTime: Double?
    public var exitCode: Int?
    public var exitSignal: Int?
    public var command: String?
    public var pipeline: String?
    public var deleted: Bool
    public var lineage: RunLineage

    /// Wall time so far (to now while running).
    public func duration(now: Double = Date().timeIntervalSince1970) -> Double {
        (endTime ?? (status.isFinal ? startTime : now)) - startTime
    }

    enum CodingKeys: String, CodingKey {
        case id, name, experiment, status, statusReason = "status_reason", startTime = "start_time"
        case endTime = "end_time", exitCode = "exit_code", exitSignal = "exit_signal", command, pipeline
        case deleted, lineage, duration = "duration_s"
    }

    /// A handle for writing to this run.
    public var handle: RunHandle { rowID > 0 ? RunHandle(rowID: rowID, id: id) : RunHandle(id: id) }

    public init(id: String, name: String, experiment: String, status: RunStatus, statusReason: String?,
                startTime: Double, endTime: Double?, exitCode: Int?, exitSignal: Int?, command: String?,
                pipeline: String?, deleted: Bool, lineage: RunLineage) {
        self.id = id; self.name = name; self.experiment = experiment; self.status = status
        self.statusReason = statusReason; self.startTime = startTime; self.endTime = endTime
        self.exitCode = exitCode; self.exitSignal = exitSignal; self.command = command
        self.pipeline = pipeline; self.deleted = deleted; self.lineage = lineage
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rowID = 0
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        experiment = try c.decode(String.self, forKey: .experiment)
        status = try c.decode(RunStatus.self, forKey: .status)
        statusReason = try c.decodeIfPresent(String.self, forKey: .statusReason)
        startTime = try JSONTime.decode(c.decode(String.self, forKey: .startTime))
        endTime = try c.decodeIfPresent(String.self, forKey: .endTime).map(JSONTime.decode)
        exitCode = try c.decodeIfPresent(Int.self, forKey: .exitCode)
        exitSignal = try c.decodeIfPresent(Int.self, forKey: .exitSignal)
        command = try c.decodeIfPresent(String.self, forKey: .command)
        pipeline = try c.decodeIfPresent(String.self, forKey: .pipeline)
        deleted = try c.decode(Bool.self, forKey: .deleted)
        lineage = try c.decode(RunLineage.self, forKey: .lineage)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(experiment, forKey: .experiment)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(statusReason, forKey: .statusReason)
        try c.encode(JSONTime.encode(startTime), forKey: .startTime)
        try c.encodeIfPresent(endTime.map(JSONTime.encode), forKey: .endTime)
        try c.encode((duration() * 1000).rounded() / 1000, forKey: .duration)
        try c.encodeIfPresent(exitCode, forKey: .exitCode)
        try c.encodeIfPresent(exitSignal, forKey: .exitSignal)
        try c.encodeIfPresent(command, forKey: .command)
        try c.encodeIfPresent(pipeline, forKey: .pipeline)
        try c.encode(deleted, forKey: .deleted)
        try c.encode(lineage, forKey: .lineage)
    }
}

/// Times in JSON are ISO 8601 in UTC with milliseconds.
public enum JSONTime {
    public static func encode(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    public static func decode(_ text: String) throws -> Double {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let date = try? style.parse(text) { return date.timeIntervalSince1970 }
        return try Date.ISO8601FormatStyle().parse(text).timeIntervalSince1970
    }
}

/// A file stored with a run.
public struct ArtifactRecord: Codable, Sendable, Equatable {
    public var path: String
    public var object: ObjectID
    public var size: Int64

    public init(path: String, object: ObjectID, size: Int64) { self.path = path; self.object = object; self.size = size }
}

/// Everything `mldeck runs show` prints.
public struct RunDetails: Codable, Sendable {
    public var run: RunRecord
    public var params: [String: String]
    public var tags: [String: String]
    public var metrics: [MetricSummary]
    public var artifacts: [ArtifactRecord]

    public init(run: RunRecord, params: [String: String], tags: [String: String], metrics: [MetricSummary], artifacts: [ArtifactRecord]) {
        self.run = run; self.params = params; self.tags = tags; self.metrics = metrics; self.artifacts = artifacts
    }
}
