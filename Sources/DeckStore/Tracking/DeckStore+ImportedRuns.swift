import Foundation
import GRDB

/// A run recorded elsewhere (an MLflow store), brought in whole under its own id.
public struct ImportedRun: Sendable {
    /// The run's id in the other tracker (32 hex digits), kept as the MLDeck run's id.
    public var id: String
    public var name: String
    public var experiment: String
    public var status: RunStatus
    /// Seconds since 1970.
    public var startTime: Double
    public var endTime: Double?
    public var deleted: Bool
    public var command: String?
    public var gitCommit: String?
    /// The parent run's id; linked when that run is (or later gets) imported.
    public var parentID: String?
    public var params: [String: String]
    public var tags: [String: String]
    /// The full history of every metric.
    public var metrics: [MetricPoint]
    /// Artifacts whose objects are already durable in the object store.
    public var artifacts: [ArtifactRecord]

    public init(id: String, name: String, experiment: String, status: RunStatus, startTime: Double, endTime: Double? = nil,
                deleted: Bool = false, command: String? = nil, gitCommit: String? = nil, parentID: String? = nil,
                params: [String: String] = [:], tags: [String: String] = [:], metrics: [MetricPoint] = [], artifacts: [ArtifactRecord] = []) {
        self.id = id; self.name = name; self.experiment = experiment; self.status = status; self.startTime = startTime
        self.endTime = endTime; self.deleted = deleted; self.command = command; self.gitCommit = gitCommit; self.parentID = parentID
        self.params = params; self.tags = tags; self.metrics = metrics; self.artifacts = artifacts
    }
}

extension DeckStore {
    /// The tag that names an imported run's parent (MLflow's own), by which children imported
    /// before their parent are linked when it arrives.
    static let parentTag = "mlflow.parentRunId"

    /// True when a run with this id is already in the workspace.
    public func hasRun(id: String) throws -> Bool {
        try readMapped { db in try Int64.fetchOne(db, sql: "SELECT 1 FROM runs WHERE uuid = ?", arguments: [id.lowercased()]) != nil }
    }

    /// Records `run` in one transaction: the run, its params, tags, metric histories and artifact
    /// rows (whose objects must already be durable), and its parent when that is already there
    /// (``linkParentsByTag()`` links children imported before their parent). Returns
    /// false, writing nothing, when a run with that id is already there (imports are idempotent).
    @discardableResult
    public func importRun(_ run: ImportedRun) throws -> Bool {
        let id = run.id.lowercased()
        guard id.utf8.count == 32, id.allSatisfy(\.isHexDigit) else { throw TrackingError.runNotFound(run.id) }
        for key in run.params.keys { try Self.validateKey(key) }
        for key in run.tags.keys { try Self.validateKey(key) }
        for point in run.metrics { try Self.validateKey(point.key) }
        for artifact in run.artifacts where !objects.contains(artifact.object) {
            throw ObjectStoreError.missing(artifact.object, path: objects.path(of: artifact.object))
        }
        let inserted = try writeImmediate { db -> Bool in
            if try Int64.fetchOne(db, sql: "SELECT 1 FROM runs WHERE uuid = ?", arguments: [id]) != nil { return false }
            let experiment = try experimentID(named: run.experiment, in: db)
            var parentRow: Int64?
            if let parent = run.parentID?.lowercased() {
                parentRow = try Int64.fetchOne(db, sql: "SELECT id FROM runs WHERE uuid = ?", arguments: [parent])
            }
            try db.execute(sql: """
                INSERT INTO runs(uuid, name, experiment_id, status, start_time, end_time, command, deleted, git_commit, parent_run_id)
                VALUES (?,?,?,?,?,?,?,?,?,?)
                """, arguments: [id, run.name, experiment, run.status.rawValue, run.startTime, run.endTime, run.command,
                                 run.deleted, run.gitCommit, parentRow])
            let row = db.lastInsertedRowID
            try insertRows(table: "params", columns: "run_id, key_id, value",
                           rows: try run.params.map { [row, try keyCache.id(for: $0.key, in: db), $0.value] }, in: db)
            try insertRows(table: "tags", columns: "run_id, key_id, value",
                           rows: try run.tags.map { [row, try keyCache.id(for: $0.key, in: db), $0.value] }, in: db)
            var byKey: [String: [SeriesPoint]] = [:]
            for p in run.metrics { byKey[p.key, default: []].append(SeriesPoint(step: p.step, value: p.value, timestamp: p.timestamp)) }
            for (key, series) in byKey {
                let keyID = try keyCache.id(for: key, in: db)
                let summary = SeriesSummary(series)
                try db.cachedStatement(sql: """
                    INSERT INTO metric_summary(run_id, key_id, last, last_step, last_time, min, max, count, chunks) VALUES (?,?,?,?,?,?,?,?,1)
                    """).execute(arguments: [row, keyID, summary.last, summary.lastStep, summary.lastTime, summary.min, summary.max, series.count])
                try db.cachedStatement(sql: "INSERT INTO metric_chunks(run_id, key_id, seq, count, points) VALUES (?,?,1,?,?)")
                    .execute(arguments: [row, keyID, series.count, MetricChunkCodec.encode(series)])
            }
            let now = Date().timeIntervalSince1970
            for artifact in run.artifacts {
                try db.execute(sql: "INSERT INTO artifacts(run_id, path, object, size, created_at) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
                               arguments: [row, artifact.path, artifact.object.hex, artifact.size, run.endTime ?? now])
            }
            Failpoint.hit("mlflow-import.before-commit")
            return true
        }
        if inserted { Failpoint.hit("mlflow-import.after-commit") }
        return inserted
    }

    /// Links every run without a parent whose `mlflow.parentRunId` tag names a run now in the
    /// workspace (children imported before their parent); returns how many were linked.
    @discardableResult
    public func linkParentsByTag() throws -> Int {
        try writeImmediate { db in
            try db.execute(sql: """
                UPDATE runs SET parent_run_id = (
                    SELECT p.id FROM tags t JOIN runs p ON p.uuid = lower(t.value)
                    WHERE t.run_id = runs.id AND t.key_id = (SELECT id FROM keys WHERE name = ?))
                WHERE parent_run_id IS NULL AND EXISTS (
                    SELECT 1 FROM tags t JOIN runs p ON p.uuid = lower(t.value)
                    WHERE t.run_id = runs.id AND t.key_id = (SELECT id FROM keys WHERE name = ?))
                """, arguments: [Self.parentTag, Self.parentTag])
            return db.changesCount
        }
    }
}
