import Foundation
import GRDB

extension DeckStore {
    static let runColumns = """
        r.id, r.uuid, r.name, e.name AS experiment, r.status, r.status_reason, r.start_time, r.end_time, r.exit_code,
        r.exit_signal, r.command, r.pipeline, r.deleted, r.dataset_version, r.code_hash, r.git_commit, r.git_dirty,
        (SELECT uuid FROM runs p WHERE p.id = r.parent_run_id) AS parent_uuid, r.trigger
        """

    /// Reads a `runColumns` row; throws ``RecordDamage`` naming the run when a column cannot be read.
    static func runRecord(_ row: Row) throws -> RunRecord {
        let uuid = (row[1] as DatabaseValue).storage.value as? String
        let reference = uuid.map { "run \($0.prefix(8))" } ?? "run #\((row[0] as DatabaseValue).storage.value.map { "\($0)" } ?? "?")"
        let r = RecordReader(row: row, reference: reference)
        let statusText: String = try r.value(4, "status")
        guard let status = RunStatus(rawValue: statusText) else {
            throw RecordDamage(reference: reference, reason: "its status '\(statusText.prefix(40))' is not a run status")
        }
        let start: Double = try r.value(6, "start time")
        let end: Double? = try r.optional(7, "end time")
        guard start.isFinite, end?.isFinite ?? true else { throw RecordDamage(reference: reference, reason: "its start or end time is not a finite number") }
        var record = RunRecord(id: try r.value(1, "id"), name: try r.value(2, "name"),
                         experiment: try r.value(3, "experiment"), status: status, statusReason: try r.optional(5, "status reason"),
                         startTime: start, endTime: end, exitCode: try r.optional(8, "exit code"), exitSignal: try r.optional(9, "exit signal"),
                         command: try r.optional(10, "command"), pipeline: try r.optional(11, "pipeline"), deleted: try r.value(12, "deleted flag"),
                         lineage: RunLineage(datasetVersion: try r.optional(13, "dataset version"), codeHash: try r.optional(14, "code hash"),
                                             gitCommit: try r.optional(15, "git commit"), gitDirty: try r.optional(16, "git dirty flag"),
                                             parentRunID: try r.optional(17, "parent run"), trigger: try r.optional(18, "trigger")))
        record.rowID = try r.value(0, "row id")
        return record
    }

    /// ``runRecord(_:)`` for a listing: a damaged run is skipped (nil) and reported to ``onDamagedRecord``.
    func listedRunRecord(_ row: Row) -> RunRecord? {
        do {
            return try Self.runRecord(row)
        } catch let damage as RecordDamage {
            onDamagedRecord?(damage.warning)
        } catch {
            onDamagedRecord?("skipped a run that cannot be read: \(error)")
        }
        return nil
    }

    /// ``runRecord(_:)`` for a command that needs this run: damage is a ``WorkspaceError/damagedRecord(reference:reason:)``.
    static func requiredRunRecord(_ row: Row) throws -> RunRecord {
        do { return try runRecord(row) } catch let damage as RecordDamage { throw damage.workspaceError }
    }

    /// Finds a run by full id, unique id prefix, or name (the newest run of that name).
    public func resolveRun(_ reference: String) throws -> RunRecord {
        try readMapped { db in try resolveRun(reference, in: db) }
    }

    func resolveRun(_ reference: String, in db: Database) throws -> RunRecord {
        let base = "SELECT \(Self.runColumns) FROM runs r JOIN experiments e ON e.id = r.experiment_id"
        if let row = try Row.fetchOne(db, sql: base + " WHERE r.uuid = ?", arguments: [reference.lowercased()]) {
            return try Self.requiredRunRecord(row)
        }
        // A name comes before an id prefix (as git puts ref names before abbreviated hashes): a run
        // named "a" is found by "a" even when some id starts with "a". A name may be used by several
        // runs; naming one of those must not silently pick one.
        let named = try Row.fetchAll(db, sql: base + " WHERE r.name = ? ORDER BY r.start_time DESC LIMIT 20", arguments: [reference])
        if named.count == 1 { return try Self.requiredRunRecord(named[0]) }
        if named.count > 1 {
            throw TrackingError.ambiguousRun(reference, candidates: named.map { row in
                guard let run = try? Self.runRecord(row) else { return "(a damaged run record)" }
                return "\(run.id.prefix(8)) (started \(JSONTime.encode(run.startTime)), \(run.status.rawValue))"
            })
        }
        let isHex = !reference.isEmpty && reference.lowercased().allSatisfy { $0.isHexDigit }
        if isHex {
            let lower = reference.lowercased()
            let rows = try Row.fetchAll(db, sql: base + " WHERE r.uuid >= ? AND r.uuid < ? LIMIT 6", arguments: [lower, lower + "g"])
            if rows.count == 1 { return try Self.requiredRunRecord(rows[0]) }
            if rows.count > 1 { throw TrackingError.ambiguousRun(reference, candidates: rows.map { String((($0[1] as DatabaseValue).storage.value as? String ?? "?").prefix(12)) }) }
        }
        throw TrackingError.runNotFound(reference)
    }

    /// Params, tags, metric summaries and artifacts of one run.
    public func runDetails(_ reference: String) throws -> RunDetails {
        try readMapped { db in
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

    /// Params or tags of `runs`, by run row id. Reads `key_id` and names it from ``KeyCache``
    /// rather than joining `keys` row by row, and reads columns raw (``RawRows``): the runs/search
    /// page of 1,000 runs reads 10,000 params alone.
    func keyValues(table: String, runs: [Int64], in db: Database) throws -> [Int64: [String: String]] {
        guard !runs.isEmpty else { return [:] }
        var raw: [(run: Int64, key: Int64, value: String)] = []
        raw.reserveCapacity(runs.count * 8)
        var keyIDs = Set<Int64>()
        let list = runs.map(String.init).joined(separator: ",")
        try RawRows.forEach(db, sql: "SELECT run_id, key_id, value FROM \(table) WHERE run_id IN (\(list))") { row in
            guard let run = row.integer(0), let key = row.integer(1) else { return }
            raw.append((run, key, row.text(2) ?? ""))
            keyIDs.insert(key)
        }
        let names = try keyCache.names(of: keyIDs, in: db)
        var out: [Int64: [String: String]] = [:]
        for entry in raw {
            guard let name = names[entry.key] else { continue }
            out[entry.run, default: [:]][name] = entry.value
        }
        return out
    }

    /// The metric summaries of `runs`, by run row id, each run's sorted by key. Keys are named as
    /// in ``keyValues(table:runs:in:)``. A row whose columns do not hold the expected types is
    /// damaged: then the whole read is redone by ``checkedMetricSummaries(runs:in:)``, which skips
    /// such rows with a warning naming them.
    func metricSummaries(runs: [Int64], in db: Database) throws -> [Int64: [MetricSummary]] {
        guard !runs.isEmpty else { return [:] }
        var read: [(key: Int64, run: Int64, summary: MetricSummary)] = []
        read.reserveCapacity(runs.count * 4)
        var keyIDs = Set<Int64>()
        var damaged = false
        let list = runs.map(String.init).joined(separator: ",")
        try RawRows.forEach(db, sql: "SELECT run_id, key_id, last, last_step, min, max, count, last_time FROM metric_summary WHERE run_id IN (\(list))") { row in
            // NULL stands for NaN (SQLite cannot store NaN).
            guard let run = row.integer(0), let key = row.integer(1), let lastStep = row.integer(3), let count = row.integer(6),
                  let last = row.real(2), let min = row.real(4), let max = row.real(5), let lastTime = row.real(7) else {
                damaged = true
                return
            }
            read.append((key, run, MetricSummary(key: "", last: last ?? .nan, lastStep: lastStep, min: min ?? .nan, max: max ?? .nan,
                                                 count: Int(count), lastTime: lastTime)))
            keyIDs.insert(key)
        }
        if damaged { return try checkedMetricSummaries(runs: runs, in: db) }
        let names = try keyCache.names(of: keyIDs, in: db)
        var out: [Int64: [MetricSummary]] = [:]
        for var entry in read {
            guard let name = names[entry.key] else { continue }
            entry.summary.key = name
            out[entry.run, default: []].append(entry.summary)
        }
        for run in out.keys { out[run]?.sort { $0.key < $1.key } }
        return out
    }

    /// ``metricSummaries(runs:in:)`` read column by column through ``RecordReader``: a damaged row
    /// is skipped with a warning that names it and the column.
    func checkedMetricSummaries(runs: [Int64], in db: Database) throws -> [Int64: [MetricSummary]] {
        var out: [Int64: [MetricSummary]] = [:]
        let list = runs.map(String.init).joined(separator: ",")
        let rows = try Row.fetchCursor(db, sql: "SELECT m.run_id, k.name, m.last, m.last_step, m.min, m.max, m.count, m.last_time FROM metric_summary m JOIN keys k ON k.id = m.key_id WHERE m.run_id IN (\(list)) ORDER BY k.name")
        while let row = try rows.next() {
            let r = RecordReader(row: row, reference: "metric summary of run #\((row[0] as DatabaseValue).storage.value.map { "\($0)" } ?? "?")")
            do {
                out[try r.value(0, "run", as: Int64.self), default: []].append(MetricSummary(
                    key: try r.value(1, "key"), last: try r.optional(2, "last value") ?? .nan, lastStep: try r.value(3, "last step"),
                    min: try r.optional(4, "minimum") ?? .nan, max: try r.optional(5, "maximum") ?? .nan, count: try r.value(6, "count"),
                    lastTime: try r.optional(7, "last time")))
            } catch let damage as RecordDamage {
                onDamagedRecord?(damage.warning)
            }
        }
        return out
    }

    /// The full series of one metric of a run, ordered by step (then by logging order).
    public func metricSeries(run: RunHandle, key: String) throws -> [SeriesPoint] {
        try readMapped { db in
            guard let keyID = try keyCache.existingID(for: key, in: db) else { return [] }
            var points: [SeriesPoint] = []
            let blobs = try Data.fetchCursor(db, sql: "SELECT points FROM metric_chunks WHERE run_id = ? AND key_id = ? ORDER BY seq", arguments: [try row(of: run, in: db), keyID])
            var seq = 0
            while let blob = try blobs.next() {
                seq += 1
                // A chunk that is not whole 24-byte points is damaged: skip it rather than misread it.
                guard blob.count % MetricChunkCodec.bytesPerPoint == 0 else {
                    onDamagedRecord?(RecordDamage(reference: "run \(run.id.prefix(8)) metric '\(key)' chunk \(seq)",
                                                  reason: "\(blob.count) bytes is not a whole number of \(MetricChunkCodec.bytesPerPoint)-byte points").warning)
                    continue
                }
                MetricChunkCodec.decode(blob, into: &points)
            }
            // A stable sort keeps logging order among equal steps.
            return points.enumerated().sorted { ($0.element.step, $0.offset) < ($1.element.step, $1.offset) }.map(\.element)
        }
    }

    /// Experiments with their run counts.
    public func experiments() throws -> [ExperimentSummary] {
        try readMapped { db in
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

    public init(name: String, createdAt: Double, runs: Int, running: Int, lastRunStart: Double?) {
        self.name = name; self.createdAt = createdAt; self.runs = runs; self.running = running; self.lastRunStart = lastRunStart
    }

    enum CodingKeys: String, CodingKey { case name, createdAt = "created_at", runs, running, lastRunStart = "last_run_start" }
}

extension DeckStore {
    /// The process that owns a run, when it has one.
    public func runOwner(_ run: RunHandle) throws -> ProcessIdentity? {
        try readMapped { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT owner_pid, owner_token, owner_host FROM runs WHERE id = ?", arguments: [try row(of: run, in: db)]),
                  let pid: Int32 = row[0] else { return nil }
            return ProcessIdentity(pid: pid, token: row[1] ?? "", host: row[2] ?? "")
        }
    }
}
