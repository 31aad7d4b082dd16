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

    /// Which of `ids` (any case) are already runs in the workspace, lower-cased; one query per 500 ids.
    public func existingRunIDs(_ ids: [String]) throws -> Set<String> {
        let lowered = ids.map { $0.lowercased() }
        return try readMapped { db in
            var found = Set<String>()
            for start in stride(from: 0, to: lowered.count, by: 500) {
                let part = Array(lowered[start..<min(start + 500, lowered.count)])
                let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
                found.formUnion(try String.fetchAll(db, sql: "SELECT uuid FROM runs WHERE uuid IN (\(marks))", arguments: StatementArguments(part)))
            }
            return found
        }
    }

    /// Records `run` in one transaction (see ``importRuns(_:)``); false, writing nothing, when a
    /// run with that id is already there.
    @discardableResult
    public func importRun(_ run: ImportedRun) throws -> Bool {
        try importRuns([run])[0]
    }

    /// Records `runs` in one write transaction, each whole: the run, its params, tags, metric
    /// histories and artifact rows (whose objects must already be durable), and its parent when
    /// that is already there or earlier in `runs` (``linkParentsByTag()`` links children imported
    /// before their parent). A run whose id is already in the workspace is left as it is (false
    /// at its index), so imports are idempotent; a killed transaction leaves none of `runs`.
    public func importRuns(_ runs: [ImportedRun]) throws -> [Bool] {
        guard !runs.isEmpty else { return [] }
        var ids: [String] = []
        ids.reserveCapacity(runs.count)
        for run in runs {
            let id = run.id.lowercased()
            guard id.utf8.count == 32, id.allSatisfy(\.isHexDigit) else { throw TrackingError.runNotFound(run.id) }
            for key in run.params.keys { try Self.validateKey(key) }
            for key in run.tags.keys { try Self.validateKey(key) }
            for point in run.metrics { try Self.validateKey(point.key) }
            for artifact in run.artifacts where !objects.contains(artifact.object) {
                throw ObjectStoreError.missing(artifact.object, path: objects.path(of: artifact.object))
            }
            ids.append(id)
        }
        let inserted = try writeImmediate { db -> [Bool] in
            var experiments: [String: Int64] = [:]
            var done: [Bool] = []
            done.reserveCapacity(runs.count)
            for (run, id) in zip(runs, ids) {
                let experiment: Int64
                if let known = experiments[run.experiment] { experiment = known } else {
                    experiment = try experimentID(named: run.experiment, in: db)
                    experiments[run.experiment] = experiment
                }
                done.append(try insertImported(run, id: id, experiment: experiment, in: db))
            }
            if done.contains(true) { Failpoint.hit("mlflow-import.before-commit") }
            return done
        }
        if inserted.contains(true) { Failpoint.hit("mlflow-import.after-commit") }
        return inserted
    }

    /// One imported run inside the open transaction; false when its id is already there.
    private func insertImported(_ run: ImportedRun, id: String, experiment: Int64, in db: Database) throws -> Bool {
        let find = try db.cachedStatement(sql: "SELECT id FROM runs WHERE uuid = ?")
        if try Int64.fetchOne(find, arguments: [id]) != nil { return false }
        var parentRow: Int64?
        if let parent = run.parentID?.lowercased() { parentRow = try Int64.fetchOne(find, arguments: [parent]) }
        try db.cachedStatement(sql: """
            INSERT INTO runs(uuid, name, experiment_id, status, start_time, end_time, command, deleted, git_commit, parent_run_id)
            VALUES (?,?,?,?,?,?,?,?,?,?)
            """).execute(arguments: [id, run.name, experiment, run.status.rawValue, run.startTime, run.endTime, run.command,
                                     run.deleted, run.gitCommit, parentRow])
        let row = db.lastInsertedRowID
        try insertRows(table: "params", columns: "run_id, key_id, value", width: 3,
                       values: try run.params.flatMap { [row, try keyCache.id(for: $0.key, in: db), $0.value] as [DatabaseValueConvertible?] }, in: db)
        try insertRows(table: "tags", columns: "run_id, key_id, value", width: 3,
                       values: try run.tags.flatMap { [row, try keyCache.id(for: $0.key, in: db), $0.value] as [DatabaseValueConvertible?] }, in: db)
        var byKey: [String: [SeriesPoint]] = [:]
        for p in run.metrics { byKey[p.key, default: []].append(SeriesPoint(step: p.step, value: p.value, timestamp: p.timestamp)) }
        var summaries: [DatabaseValueConvertible?] = [], chunks: [DatabaseValueConvertible?] = []
        for (key, series) in byKey {
            let keyID = try keyCache.id(for: key, in: db)
            let summary = SeriesSummary(series)
            summaries += [row, keyID, summary.last, summary.lastStep, summary.lastTime, summary.min, summary.max, series.count, 1] as [DatabaseValueConvertible?]
            chunks += [row, keyID, 1, series.count, MetricChunkCodec.encode(series)] as [DatabaseValueConvertible?]
        }
        try insertRows(table: "metric_summary", columns: "run_id, key_id, last, last_step, last_time, min, max, count, chunks", width: 9,
                       values: summaries, in: db)
        try insertRows(table: "metric_chunks", columns: "run_id, key_id, seq, count, points", width: 5, values: chunks, in: db)
        if !run.artifacts.isEmpty {
            let now = Date().timeIntervalSince1970
            let insert = try db.cachedStatement(sql: "INSERT INTO artifacts(run_id, path, object, size, created_at) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING")
            for artifact in run.artifacts {
                try insert.execute(arguments: [row, artifact.path, artifact.object.hex, artifact.size, run.endTime ?? now])
            }
        }
        return true
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
