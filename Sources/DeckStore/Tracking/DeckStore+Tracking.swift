import Foundation
import GRDB

extension DeckStore {
    /// The id of the named experiment, creating it when needed.
    @discardableResult
    func experimentID(named name: String) throws -> Int64 {
        try writeImmediate { db in try experimentID(named: name, in: db) }
    }

    func experimentID(named name: String, in db: Database) throws -> Int64 {
        let find = try db.cachedStatement(sql: "SELECT id FROM experiments WHERE name = ?")
        if let id = try Int64.fetchOne(find, arguments: [name]) { return id }
        try db.cachedStatement(sql: "INSERT INTO experiments(name, created_at) VALUES (?, ?)").execute(arguments: [name, Date().timeIntervalSince1970])
        return db.lastInsertedRowID
    }

    /// Creates several runs in one transaction (imports, sweeps, benchmarks).
    public func createRuns(_ starts: [RunStart]) throws -> [RunHandle] {
        for start in starts {
            for key in start.params.keys { try Self.validateKey(key) }
            for key in start.tags.keys { try Self.validateKey(key) }
            for point in start.metrics { try Self.validateKey(point.key) }
        }
        return try writeImmediate { db in try starts.map { try insertRun($0, in: db) } }
    }

    func insertRun(_ start: RunStart, in db: Database) throws -> RunHandle {
        let uuid = Self.newRunID()
        let now = start.startTime ?? Date().timeIntervalSince1970
        let experiment = try experimentID(named: start.experiment, in: db)
        var parentRow: Int64?
        if let parent = start.lineage.parentRunID {
            parentRow = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM runs WHERE uuid = ?"), arguments: [parent])
        }
        var insert = try RawInsert(db, sql: """
            INSERT INTO runs(uuid, name, experiment_id, status, start_time, command, pipeline, owner_pid, owner_token,
                             owner_host, heartbeat, dataset_version, code_hash, git_commit, git_dirty, parent_run_id, trigger)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        insert.bind(uuid); insert.bind(start.name ?? RunNames.random()); insert.bind(experiment); insert.bind(start.status.rawValue)
        insert.bind(now); insert.bind(start.command); insert.bind(start.pipeline)
        insert.bind(start.owner.map { Int64($0.pid) }); insert.bind(start.owner?.token); insert.bind(start.owner?.host)
        insert.bind(start.owner == nil ? nil : now)
        insert.bind(start.lineage.datasetVersion); insert.bind(start.lineage.codeHash); insert.bind(start.lineage.gitCommit)
        insert.bind(start.lineage.gitDirty.map { $0 ? Int64(1) : 0 }); insert.bind(parentRow); insert.bind(start.lineage.trigger)
        try insert.run()
        let row = db.lastInsertedRowID
        let handle = RunHandle(rowID: row, id: uuid)
        // A new run has no params, tags or series yet: each goes in with one multi-row INSERT,
        // its values bound straight into SQLite (`RawInsert`: no boxed argument array).
        for (table, pairs) in [("params", start.params), ("tags", start.tags)] where !pairs.isEmpty {
            var rows = try RawInsert(db, sql: Self.multiRowInsert(table: table, columns: "run_id, key_id, value", width: 3, rows: pairs.count))
            for (key, value) in pairs { rows.bind(row); rows.bind(try keyCache.id(for: key, in: db)); rows.bind(value) }
            try rows.run()
        }
        guard !start.metrics.isEmpty else { return handle }
        var byKey: [String: [SeriesPoint]] = [:]
        for p in start.metrics { byKey[p.key, default: []].append(SeriesPoint(step: p.step, value: p.value, timestamp: p.timestamp)) }
        let keyIDs = try byKey.map { (key, series) in (try keyCache.id(for: key, in: db), series) }
        var summaries = try RawInsert(db, sql: Self.multiRowInsert(
            table: "metric_summary", columns: "run_id, key_id, last, last_step, last_time, min, max, count, chunks", width: 9, rows: keyIDs.count))
        var chunks = try RawInsert(db, sql: Self.multiRowInsert(
            table: "metric_chunks", columns: "run_id, key_id, seq, count, points", width: 5, rows: keyIDs.count))
        for (keyID, series) in keyIDs {
            let summary = SeriesSummary(series)
            summaries.bind(row); summaries.bind(keyID); summaries.bind(summary.last); summaries.bind(summary.lastStep)
            summaries.bind(summary.lastTime); summaries.bind(summary.min); summaries.bind(summary.max)
            summaries.bind(series.count); summaries.bind(1)
            chunks.bind(row); chunks.bind(keyID); chunks.bind(1); chunks.bind(series.count); chunks.bind(MetricChunkCodec.encode(series))
        }
        try summaries.run()
        try chunks.run()
        return handle
    }

    /// `INSERT INTO table (columns) VALUES (…), (…)`: `rows` tuples of `width` placeholders.
    static func multiRowInsert(table: String, columns: String, width: Int, rows: Int) -> String {
        let tuple = "(" + String(repeating: "?,", count: width - 1) + "?)"
        return "INSERT INTO \(table)(\(columns)) VALUES " + tuple + String(repeating: "," + tuple, count: rows - 1)
    }

    /// One `INSERT INTO table (columns) VALUES (…), (…)` for `values`, `width` to a row (the
    /// statement is cached per row count). The SQL has exactly one placeholder per value, so the
    /// arguments are bound without GRDB's validation pass (a tenth of a run's instructions);
    /// `setUncheckedArguments` resets the statement, which cannot fail here since GRDB drops a
    /// statement whose execution failed from its cache.
    func insertRows(table: String, columns: String, width: Int, values: [DatabaseValueConvertible?], in db: Database) throws {
        guard width > 0, !values.isEmpty else { return }
        precondition(values.count % width == 0, "\(values.count) values do not make rows of \(width)")
        let statement = try db.cachedStatement(sql: Self.multiRowInsert(table: table, columns: columns, width: width, rows: values.count / width))
        statement.setUncheckedArguments(StatementArguments(values))
        try statement.execute()
    }

    /// 32 random hex digits.
    static func newRunID() -> String {
        var g = SystemRandomNumberGenerator()
        let halves = [g.next() as UInt64, g.next() as UInt64]
        return String(unsafeUninitializedCapacity: 32) { out in
            for (h, half) in halves.enumerated() {
                for i in 0..<16 { out[h * 16 + i] = hexDigits[Int((half >> UInt64(60 - 4 * i)) & 0xF)] }
            }
            return 32
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Records params; a param that is already set must keep its value.
    public func logParams(_ params: [String: String], run: RunHandle) throws {
        guard !params.isEmpty else { return }
        for key in params.keys { try Self.validateKey(key) }
        try writeImmediate { db in try insertParams(params, run: run, in: db) }
    }

    func insertParams(_ params: [String: String], run: RunHandle, in db: Database) throws {
        let runRow = try row(of: run, in: db)
        let insert = try db.cachedStatement(sql: "INSERT INTO params(run_id, key_id, value) VALUES (?,?,?) ON CONFLICT DO NOTHING")
        let read = try db.cachedStatement(sql: "SELECT value FROM params WHERE run_id = ? AND key_id = ?")
        for (key, value) in params.sorted(by: { $0.key < $1.key }) {
            let keyID = try keyCache.id(for: key, in: db)
            try insert.execute(arguments: [runRow, keyID, value])
            if db.changesCount == 0, let old = try String.fetchOne(read, arguments: [runRow, keyID]), old != value {
                throw TrackingError.paramChanged(run: run.id, key: key, old: old, new: value)
            }
        }
    }

    /// Sets tags (tags may change, unlike params).
    public func setTags(_ tags: [String: String], run: RunHandle) throws {
        guard !tags.isEmpty else { return }
        for key in tags.keys { try Self.validateKey(key) }
        try writeImmediate { db in try upsertTags(tags, run: try row(of: run, in: db), in: db) }
    }

    func upsertTags(_ tags: [String: String], run: Int64, in db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO tags(run_id, key_id, value) VALUES (?,?,?) ON CONFLICT DO UPDATE SET value = excluded.value")
        for (key, value) in tags { try statement.execute(arguments: [run, try keyCache.id(for: key, in: db), value]) }
    }

    /// Appends metric points, packed per key into one chunk each, and updates the summaries
    /// (last by step, min, max, count) that the runs table filters and sorts on.
    public func logMetrics(_ points: [MetricPoint], run: RunHandle) throws {
        guard !points.isEmpty else { return }
        for key in Set(points.map(\.key)) { try Self.validateKey(key) }
        try writeImmediate { db in try appendMetrics(points, run: run, in: db) }
    }

    /// ``logMetrics(_:run:)`` inside an open transaction (keys are validated here too).
    func appendMetrics(_ points: [MetricPoint], run: RunHandle, in db: Database) throws {
        guard !points.isEmpty else { return }
        var byKey: [String: [SeriesPoint]] = [:]
        for p in points { byKey[p.key, default: []].append(SeriesPoint(step: p.step, value: p.value, timestamp: p.timestamp)) }
        for key in byKey.keys { try Self.validateKey(key) }
        let runRow = try row(of: run, in: db)
        for (key, series) in byKey { try appendSeries(series, key: key, run: runRow, in: db) }
    }

    /// SQL: whether the batch's latest point (`excluded`) is later than the stored one by ``LatestPoint``.
    static let newLatestWins = """
        (excluded.last_step > last_step OR (excluded.last_step = last_step AND (excluded.last_time > last_time
         OR (excluded.last_time = last_time AND (last IS NULL OR excluded.last >= last)))))
        """

    func appendSeries(_ series: [SeriesPoint], key: String, run: Int64, in db: Database) throws {
        let keyID = try keyCache.id(for: key, in: db)
        let stats = SeriesSummary(series)
        let summary = try db.cachedStatement(sql: """
            INSERT INTO metric_summary(run_id, key_id, last, last_step, last_time, min, max, count, chunks)
            VALUES (?,?,?,?,?,?,?,?,1)
            ON CONFLICT DO UPDATE SET
                -- MLflow's "latest": the largest (step, timestamp, value), NaN (stored as NULL) lowest (see LatestPoint)
                last = CASE WHEN \(Self.newLatestWins) THEN excluded.last ELSE last END,
                last_time = CASE WHEN \(Self.newLatestWins) THEN excluded.last_time ELSE last_time END,
                last_step = MAX(last_step, excluded.last_step),
                min = COALESCE(MIN(min, excluded.min), min, excluded.min), max = COALESCE(MAX(max, excluded.max), max, excluded.max),
                count = count + excluded.count, chunks = chunks + 1
            RETURNING chunks
            """)
        let chunks = try Int64.fetchOne(summary, arguments: [run, keyID, stats.last, stats.lastStep, stats.lastTime, stats.min, stats.max, series.count]) ?? 1
        let chunk = try db.cachedStatement(sql: "INSERT INTO metric_chunks(run_id, key_id, seq, count, points) VALUES (?,?,?,?,?)")
        try chunk.execute(arguments: [run, keyID, chunks, series.count, MetricChunkCodec.encode(series)])
    }

    /// Stores a file as an artifact of the run under `path` (relative, `/`-separated).
    @discardableResult
    public func logArtifact(run: RunHandle, path: String, file: URL) throws -> ArtifactRecord {
        let id = try FileSystemError.wrapping(path: file.path, operation: "store the artifact") { try objects.putFile(at: file) }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int64) ?? 0
        try writeImmediate { db in
            try db.execute(sql: "INSERT INTO artifacts(run_id, path, object, size, created_at) VALUES (?,?,?,?,?) ON CONFLICT DO UPDATE SET object = excluded.object, size = excluded.size",
                           arguments: [try row(of: run, in: db), path, id.hex, size, Date().timeIntervalSince1970])
        }
        return ArtifactRecord(path: path, object: id, size: size)
    }

    /// Ends a run. A run that already ended keeps its first final state (returns false).
    @discardableResult
    public func finishRun(_ run: RunHandle, status: RunStatus, exitCode: Int? = nil, signal: Int? = nil,
                          reason: String? = nil, endTime: Double? = nil) throws -> Bool {
        precondition(status.isFinal, "finishRun needs a final status")
        return try writeImmediate { db in
            try db.execute(sql: """
                UPDATE runs SET status = ?, status_reason = ?, end_time = ?, exit_code = ?, exit_signal = ?
                WHERE id = ? AND status IN ('RUNNING', 'QUEUED')
                """, arguments: [status.rawValue, reason, endTime ?? Date().timeIntervalSince1970, exitCode, signal, try row(of: run, in: db)])
            return db.changesCount > 0
        }
    }

    /// Moves a queued run to RUNNING under `owner`.
    public func startQueuedRun(_ run: RunHandle, owner: ProcessIdentity = .current) throws {
        let now = Date().timeIntervalSince1970
        try writeImmediate { db in
            try db.execute(sql: "UPDATE runs SET status = 'RUNNING', start_time = ?, owner_pid = ?, owner_token = ?, owner_host = ?, heartbeat = ? WHERE id = ? AND status = 'QUEUED'",
                           arguments: [now, owner.pid, owner.token, owner.host, now, try row(of: run, in: db)])
        }
    }

    /// Records the process that will take over a QUEUED run (a detached launch), so the reaper
    /// marks the run `FAILED` if that process dies before taking it over.
    public func setQueuedRunOwner(_ run: RunHandle, owner: ProcessIdentity) throws {
        try writeImmediate { db in
            try db.execute(sql: "UPDATE runs SET owner_pid = ?, owner_token = ?, owner_host = ? WHERE id = ? AND status = 'QUEUED'",
                           arguments: [owner.pid, owner.token, owner.host, try row(of: run, in: db)])
        }
    }

    /// Records that the owner is alive (other hosts judge a run by its heartbeat).
    public func heartbeat(_ run: RunHandle) throws {
        try writeImmediate { db in
            try db.execute(sql: "UPDATE runs SET heartbeat = ? WHERE id = ?", arguments: [Date().timeIntervalSince1970, try row(of: run, in: db)])
        }
    }

    /// Sets or clears the soft-delete flag.
    public func setDeleted(_ deleted: Bool, run: RunHandle) throws {
        try writeImmediate { db in
            try db.execute(sql: "UPDATE runs SET deleted = ? WHERE id = ?", arguments: [deleted, try row(of: run, in: db)])
        }
    }

    /// Records lineage fields learned after the start (dataset version, code hash, …); nil fields are left alone.
    public func updateLineage(_ lineage: RunLineage, run: RunHandle) throws {
        try writeImmediate { db in
            try db.execute(sql: """
                UPDATE runs SET dataset_version = COALESCE(?, dataset_version), code_hash = COALESCE(?, code_hash),
                    git_commit = COALESCE(?, git_commit), git_dirty = COALESCE(?, git_dirty), trigger = COALESCE(?, trigger)
                WHERE id = ?
                """, arguments: [lineage.datasetVersion, lineage.codeHash, lineage.gitCommit, lineage.gitDirty, lineage.trigger, try row(of: run, in: db)])
        }
    }

    /// The longest metric, param or tag key, in UTF-8 bytes (as in MLflow).
    public static let maximumKeyLength = 250

    /// True when `key` may name a metric, param or tag (1 to ``maximumKeyLength`` bytes).
    public static func isValidKey(_ key: String) -> Bool { !key.isEmpty && key.utf8.count <= maximumKeyLength }

    /// The row id of `run`: the one the handle carries, or looked up by the run's id.
    func row(of run: RunHandle, in db: Database) throws -> Int64 {
        if let row = run.rowID { return row }
        let find = try db.cachedStatement(sql: "SELECT id FROM runs WHERE uuid = ?")
        guard let row = try Int64.fetchOne(find, arguments: [run.id]) else { throw TrackingError.runNotFound(run.id) }
        return row
    }

    static func validateKey(_ key: String) throws {
        guard isValidKey(key) else { throw TrackingError.invalidKey(key) }
    }
}
