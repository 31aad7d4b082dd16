import Foundation
import GRDB

extension DeckStore {
    static let runColumns = """
        r.id, r.uuid, r.name, e.name AS experiment, r.status, r.status_reason, r.start_time, r.end_time, r.exit_code,
        r.exit_signal, r.command, r.pipeline, r.deleted, r.dataset_version, r.code_hash, r.git_commit, r.git_dirty,
        (SELECT uuid FROM runs p WHERE p.id = r.parent_run_id) AS parent_uuid, r.trigger
        """

    static func runRecord(_ row: Row) -> RunRecord {
        RunRecord(rowID: row[0], id: row[1], name: row[2], experiment: row[3],
                  status: RunStatus(rawValue: row[4]) ?? .failed, statusReason: row[5], startTime: row[6],
                  endTime: row[7], exitCode: row[8], exitSignal: row[9], command: row[10], pipeline: row[11],
                  deleted: row[12], lineage: RunLineage(datasetVersion: row[13], codeHash: row[14], gitCommit: row[15],
                                                        gitDirty: row[16], parentRunID: row[17], trigger: row[18]))
    }

    /// Finds a run by full id, unique id prefix, or name (the newest run of that name).
    public func resolveRun(_ reference: String) throws -> RunRecord {
        try database.read { db in try resolveRun(reference, in: db) }
    }

    func resolveRun(_ reference: String, in db: Database) throws -> RunRecord {
        let base = "SELECT \(Self.runColumns) FROM runs r JOIN experiments e ON e.id = r.experiment_id"
        if let row = try Row.fetchOne(db, sql: base + " WHERE r.uuid = ?", arguments: [reference.lowercased()]) {
            return Self.runRecord(row)
        }
        // A name comes before an id prefix (as git puts ref names before abbreviated hashes): a run
        // named "a" is found by "a" even when some id starts with "a". A name may be used by several
        // runs; naming one of those must not silently pick one.
        let named = try Row.fetchAll(db, sql: base + " WHERE r.name = ? ORDER BY r.start_time DESC LIMIT 20", arguments: [reference])
        if named.count == 1 { return Self.runRecord(named[0]) }
        if named.count > 1 {
            throw TrackingError.ambiguousRun(reference, candidates: named.map { row in
                let run = Self.runRecord(row)
                return "\(run.id.prefix(8)) (started \(JSONTime.encode(run.startTime)), \(run.status.rawValue))"
            })
        }
        let isHex = !reference.isEmpty && reference.lowercased().allSatisfy { $0.isHexDigit }
        if isHex {
            let lower = reference.lowercased()
            let rows = try Row.fetchAll(db, sql: base + " WHERE r.uuid >= ? AND r.uuid < ? LIMIT 6", arguments: [lower, lower + "g"])
            if rows.count == 1 { return Self.runRecord(rows[0]) }
            if rows.count > 1 { throw TrackingError.ambiguousRun(reference, candidates: rows.map { String(($0[1] as String).prefix(12)) }) }
        }
        throw TrackingError.runNotFound(reference)
    }

    /// A write handle on an existing run.
    public func handle(for reference: String) throws -> RunHandle {
        let run = try resolveRun(reference)
        return RunHandle(rowID: run.rowID, id: run.id)
    }

    /// Params, tags, metric summaries and artifacts of one run.
    public func runDetails(_ reference: String) throws -> RunDetails {
        try database.read { db in
            let run = try resolveRun(reference, in: db)
            let params = try keyValues(table: "params", runs: [run.rowID], in: db)[run.rowID] ?? [:]
            let tags = try keyValues(table: "tags", runs: [run.rowID], in: db)[run.rowID] ?? [:]
            let metrics = try metricSummaries(runs: [run.rowID], in: db)[run.rowID] ?? []
            let artifacts = try Row.fetchAll(db, sql: "SELECT path, object, size FROM artifacts WHERE run_id = ? ORDER BY path", arguments: [run.rowID])
                .compactMap { row -> ArtifactRecord? in
                    guard let id = ObjectID(hex: row[1]) else { return nil }
                    return ArtifactRecord(path: row[0], object: id, size: row[2])
                }
            return RunDetails(run: run, params: params, tags: tags, metrics: metrics, artifacts: artifacts)
        }
    }

    func keyValues(table: String, runs: [Int64], in db: Database) throws -> [Int64: [String: String]] {
        guard !runs.isEmpty else { return [:] }
        var out: [Int64: [String: String]] = [:]
        let list = runs.map(String.init).joined(separator: ",")
        let rows = try Row.fetchCursor(db, sql: "SELECT t.run_id, k.name, t.value FROM \(table) t JOIN keys k ON k.id = t.key_id WHERE t.run_id IN (\(list))")
        while let row = try rows.next() {
            out[row[0], default: [:]][row[1]] = row[2]
        }
        return out
    }

    func metricSummaries(runs: [Int64], in db: Database) throws -> [Int64: [MetricSummary]] {
        guard !runs.isEmpty else { return [:] }
        var out: [Int64: [MetricSummary]] = [:]
        let list = runs.map(String.init).joined(separator: ",")
        let rows = try Row.fetchCursor(db, sql: "SELECT m.run_id, k.name, m.last, m.last_step, m.min, m.max, m.count FROM metric_summary m JOIN keys k ON k.id = m.key_id WHERE m.run_id IN (\(list)) ORDER BY k.name")
        while let row = try rows.next() {
            // NULL stands for NaN (SQLite cannot store NaN).
            out[row[0], default: []].append(MetricSummary(key: row[1], last: row[2] ?? .nan, lastStep: row[3], min: row[4] ?? .nan,
                                                          max: row[5] ?? .nan, count: row[6]))
        }
        return out
    }

    /// The full series of one metric of a run, ordered by step (then by logging order).
    public func metricSeries(run: RunHandle, key: String) throws -> [SeriesPoint] {
        try database.read { db in
            guard let keyID = try keyCache.existingID(for: key, in: db) else { return [] }
            var points: [SeriesPoint] = []
            let blobs = try Data.fetchCursor(db, sql: "SELECT points FROM metric_chunks WHERE run_id = ? AND key_id = ? ORDER BY seq", arguments: [run.rowID, keyID])
            while let blob = try blobs.next() {
                MetricChunkCodec.decode(blob, into: &points)
            }
            // A stable sort keeps logging order among equal steps.
            return points.enumerated().sorted { ($0.element.step, $0.offset) < ($1.element.step, $1.offset) }.map(\.element)
        }
    }

    /// Experiments with their run counts.
    public func experiments() throws -> [ExperimentSummary] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.name, e.created_at, COUNT(r.id), SUM(r.status = 'RUNNING'), MAX(r.start_time)
                FROM experiments e LEFT JOIN runs r ON r.experiment_id = e.id AND r.deleted = 0
                GROUP BY e.id ORDER BY e.name
                """).map { ExperimentSummary(name: $0[0], createdAt: $0[1], runs: $0[2], running: $0[3] ?? 0, lastRunStart: $0[4]) }
        }
    }
}

/// One line of `mldeck experiments list`.
public struct ExperimentSummary: Codable, Sendable, Equatable {
    public var name: String
    public var createdAt: Double
    public var runs: Int
    public var running: Int
    public var lastRunStart: Double?

    enum CodingKeys: String, CodingKey { case name, createdAt = "created_at", runs, running, lastRunStart = "last_run_start" }
}

extension DeckStore {
    /// The process that owns a run, when it has one.
    public func runOwner(_ run: RunHandle) throws -> ProcessIdentity? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT owner_pid, owner_token, owner_host FROM runs WHERE id = ?", arguments: [run.rowID]),
                  let pid: Int32 = row[0] else { return nil }
            return ProcessIdentity(pid: pid, token: row[1] ?? "", host: row[2] ?? "")
        }
    }

    /// The run's log file (written live while it runs).
    public func logURL(of runID: String) -> URL {
        workspace.runDirectory(runID).appendingPathComponent("log")
    }
}
