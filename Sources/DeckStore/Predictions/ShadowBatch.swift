import Foundation
import GRDB

/// A shadow version's answers to one or more requests (rows of one model version), encoded as the
/// log stores them (`shadow_batches`, schema version 4): one row per batch, answers column by
/// column in the blob formats of ``PredictionLogBlob``.
///
/// The shadow's thread encodes it (at `SCHED_IDLE`, off the request path), so the log writer's
/// thread, at normal priority, only inserts it: one B-tree insert per batch instead of an indexed
/// row per answer (version 2's `shadow_predictions` cost the writer ~4 µs per row, CPU time the
/// event loops then lacked).
public struct EncodedShadowBatch: Sendable, Equatable {
    public var model: String
    /// The shadow version that scored the rows.
    public var version: Int
    public var rowCount: Int
    /// The newest row's time: the batch is trimmed once every prediction of its time is.
    public var time: Double
    /// *id runs* of the primary answers' prediction ids.
    public var ids: Data
    /// *doubles*: the version that answered each request.
    public var primaryVersions: Data
    /// *doubles*: when each row's request was answered.
    public var times: Data
    /// *doubles*: the value (regression) or the positive class's probability; NaN for none.
    public var scores: Data
    /// *strings*: the predicted class; nil when no row has one.
    public var labels: Data?
    /// *number lists*; nil when no row has them.
    public var probabilities: Data?
    /// *doubles*: seconds the shadow's scoring of each row's request took.
    public var latencies: Data

    /// The blobs as they are (read back from a hand-over record).
    public init(model: String, version: Int, rowCount: Int, time: Double, ids: Data, primaryVersions: Data, times: Data,
                scores: Data, labels: Data?, probabilities: Data?, latencies: Data) {
        self.model = model; self.version = version; self.rowCount = rowCount; self.time = time; self.ids = ids
        self.primaryVersions = primaryVersions; self.times = times; self.scores = scores; self.labels = labels
        self.probabilities = probabilities; self.latencies = latencies
    }

    /// Encodes `rows`, which one model version scored (the first row's model and version are the batch's).
    public init(_ rows: ArraySlice<ShadowPrediction>) {
        let r = Array(rows), n = r.count
        model = r.first?.model ?? ""; version = r.first?.version ?? 0; rowCount = n
        time = r.map(\.time).max() ?? 0
        ids = PredictionLogBlob.idRuns(PredictionIDRun.runs(r.map(\.predictionID)))
        primaryVersions = PredictionLogBlob.doubles(count: n) { Double(r[$0].primaryVersion) }
        times = PredictionLogBlob.doubles(count: n) { r[$0].time }
        scores = PredictionLogBlob.doubles(count: n) { r[$0].value.isFinite ? r[$0].value : .nan }
        labels = r.contains { $0.label != nil } ? PredictionLogBlob.strings(count: n) { r[$0].label } : nil
        probabilities = r.contains { $0.probabilities != nil } ? PredictionLogBlob.numberLists(count: n) { r[$0].probabilities } : nil
        latencies = PredictionLogBlob.doubles(count: n) { r[$0].latency }
    }

    /// Batches of `rows` (consecutive rows of one model version, at most `maxRows` each).
    public static func batches(_ rows: [ShadowPrediction], maxRows: Int = 10_000) -> [EncodedShadowBatch] {
        versionRuns(rows, maxRows: maxRows).map { EncodedShadowBatch(rows[$0]) }
    }

    /// The ranges of consecutive rows of one model and version in `rows`, in order, at most `maxRows` each.
    public static func versionRuns(_ rows: [ShadowPrediction], maxRows: Int = .max) -> [Range<Int>] {
        var out: [Range<Int>] = [], start = 0
        for i in rows.indices where i > start {
            if rows[i].model != rows[start].model || rows[i].version != rows[start].version || i - start >= maxRows {
                out.append(start..<i); start = i
            }
        }
        if start < rows.count { out.append(start..<rows.count) }
        return out
    }

    /// Its rows decoded; nil when a blob is damaged or does not match `rowCount`.
    public func decodedRows() -> [ShadowPrediction]? {
        let n = rowCount
        guard let runs = PredictionLogBlob.decodeIDRuns(ids), runs.reduce(0, { $0 + $1.count }) == n,
              let primary = PredictionLogBlob.decodeDoubles(primaryVersions), primary.count == n,
              let times = PredictionLogBlob.decodeDoubles(times), times.count == n,
              let scores = PredictionLogBlob.decodeDoubles(scores), scores.count == n,
              let latencies = PredictionLogBlob.decodeDoubles(latencies), latencies.count == n else { return nil }
        var labels: [String?]?, probabilities: [[Double]?]?
        if let blob = self.labels { guard let v = PredictionLogBlob.decodeStrings(blob), v.count == n else { return nil }; labels = v }
        if let blob = self.probabilities {
            guard let v = PredictionLogBlob.decodeNumberLists(blob), v.count == n else { return nil }; probabilities = v
        }
        let ids = PredictionIDRun.ids(runs)
        return (0..<n).map { k in
            ShadowPrediction(predictionID: ids[k], model: model, version: version, primaryVersion: Int(primary[k]), time: times[k],
                             label: labels?[k] ?? nil, value: scores[k], probabilities: probabilities?[k] ?? nil, latency: latencies[k])
        }
    }
}

extension PredictionLog {
    /// Version 4's shadow table (see `PredictionLog+Shadow.swift`).
    static func createShadowBatchTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE shadow_batches (
                id INTEGER PRIMARY KEY, model TEXT NOT NULL, version INTEGER NOT NULL, time REAL NOT NULL, row_count INTEGER NOT NULL,
                ids BLOB NOT NULL, primary_versions BLOB NOT NULL, times BLOB NOT NULL, scores BLOB NOT NULL, labels BLOB,
                probabilities BLOB, latencies BLOB NOT NULL);
            CREATE INDEX shadow_batches_model ON shadow_batches(model, id);
            CREATE INDEX shadow_batches_time ON shadow_batches(time);
            """)
    }

    /// Inserts encoded shadow batches (inside the caller's transaction).
    static func insertShadowBatches(_ batches: [EncodedShadowBatch], _ db: Database) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO shadow_batches (model, version, time, row_count, ids, primary_versions, times, scores, labels, probabilities, latencies)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for b in batches where b.rowCount > 0 {
            try insert.execute(arguments: [b.model, b.version, b.time, b.rowCount, b.ids, b.primaryVersions, b.times, b.scores,
                                           b.labels, b.probabilities, b.latencies])
        }
    }

    /// Schema version 4: version 2's `shadow_predictions` (one indexed row per answer) rewritten as
    /// `shadow_batches`, consecutive rows of one model version at most 10,000 to a batch, in
    /// their order, inside the migration's transaction; then the old table is dropped.
    static func migrateToShadowBatches(_ db: Database) throws {
        try createShadowBatchTable(db)
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT prediction_id, model, version, primary_version, time, label, value, probabilities, latency FROM shadow_predictions ORDER BY seq
            """)
        var pending: [ShadowPrediction] = []
        func flush() throws { try insertShadowBatches(EncodedShadowBatch.batches(pending), db); pending.removeAll() }
        while let row = try cursor.next() {
            pending.append(ShadowPrediction(predictionID: row[0], model: row[1], version: row[2], primaryVersion: row[3], time: row[4],
                                            label: row[5], value: (row[6] as Double?) ?? .nan,
                                            probabilities: (row[7] as String?).flatMap(PredictionLogJSON.decodeNumbers), latency: row[8]))
            if pending.count >= 100_000 { try flush() }
        }
        try flush()
        try db.execute(sql: "DROP TABLE shadow_predictions")
    }
}
