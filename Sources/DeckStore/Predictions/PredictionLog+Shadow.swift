import Foundation
import GRDB

/// What a shadow version answered for a row the primary version answered (`mldeck serve
/// NAME@ALIAS --shadow ALIAS2`). Its `predictionID` is the primary answer's prediction id.
public struct ShadowPrediction: Sendable, Equatable {
    public var predictionID: String
    public var model: String
    /// The shadow version that scored the row.
    public var version: Int
    /// The version that answered the request.
    public var primaryVersion: Int
    public var time: Double
    public var label: String?
    /// The predicted value (regression), or the positive class's probability (binary).
    public var value: Double
    public var probabilities: [Double]?
    /// Seconds the shadow's scoring of the request took.
    public var latency: Double

    public init(predictionID: String, model: String, version: Int, primaryVersion: Int, time: Double, label: String?,
                value: Double, probabilities: [Double]?, latency: Double) {
        self.predictionID = predictionID; self.model = model; self.version = version; self.primaryVersion = primaryVersion
        self.time = time; self.label = label; self.value = value; self.probabilities = probabilities; self.latency = latency
    }
}

/// One live row scored by both versions, with the label fed back for it (if any).
public struct ShadowPair: Sendable, Equatable {
    public var primaryVersion: Int
    public var shadowVersion: Int
    public var primaryLabel: String?
    public var shadowLabel: String?
    public var primaryValue: Double
    public var shadowValue: Double
    /// The label given through `/feedback` (by prediction id, else by the caller's id).
    public var actual: String?
    /// The batch's classes (classifiers).
    public var classes: [String]?

    public init(primaryVersion: Int, shadowVersion: Int, primaryLabel: String?, shadowLabel: String?, primaryValue: Double,
                shadowValue: Double, actual: String?, classes: [String]?) {
        self.primaryVersion = primaryVersion; self.shadowVersion = shadowVersion; self.primaryLabel = primaryLabel
        self.shadowLabel = shadowLabel; self.primaryValue = primaryValue; self.shadowValue = shadowValue
        self.actual = actual; self.classes = classes
    }
}

/// The shadow's answers in the prediction log (schema version 4, ``EncodedShadowBatch``):
/// `shadow_batches(id INTEGER PRIMARY KEY, model TEXT, version INTEGER, time REAL, row_count
/// INTEGER, ids BLOB, primary_versions BLOB, times BLOB, scores BLOB, labels BLOB, probabilities
/// BLOB, latencies BLOB)`, indexed by `(model, id)` and by `time` (the newest row's), one value per
/// row in each blob; a row is joined to the primary's by its prediction id (found through
/// `prediction_ids`) and trimmed with the predictions. Version 2 stored one row per answer in
/// `shadow_predictions(seq, prediction_id, model, version, primary_version, time, label, value,
/// probabilities, latency)`, which the migration to version 4 rewrites as batches.
extension PredictionLog {
    /// Version 2's table, as its migration made it (version 4 replaces it).
    static func createShadowTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE shadow_predictions (
                seq INTEGER PRIMARY KEY, prediction_id TEXT NOT NULL, model TEXT NOT NULL, version INTEGER NOT NULL,
                primary_version INTEGER NOT NULL, time REAL NOT NULL, label TEXT, value REAL, probabilities TEXT,
                latency REAL NOT NULL);
            CREATE INDEX shadow_predictions_model ON shadow_predictions(model, seq);
            CREATE INDEX shadow_predictions_time ON shadow_predictions(time);
            """)
    }

    /// Writes shadow answers in one transaction (consecutive rows of one model version as one batch).
    public func writeShadow(_ rows: [ShadowPrediction]) throws {
        try writeShadow(batches: EncodedShadowBatch.batches(rows))
    }

    /// Writes encoded shadow batches in one transaction.
    public func writeShadow(batches: [EncodedShadowBatch]) throws {
        guard batches.contains(where: { $0.rowCount > 0 }) else { return }
        do {
            try queue.write { db in try Self.insertShadowBatches(batches, db) }
        } catch let error as DatabaseError {
            throw PredictionLogError.unavailable(path: path, reason: Self.reason(error))
        }
    }

    /// Removes shadow batches whose rows are all older than the oldest prediction kept (called by ``trim(_:now:)``).
    static func trimShadow(_ db: Database) throws -> Int {
        try db.execute(sql: """
            DELETE FROM shadow_batches WHERE time < COALESCE((SELECT MIN(time) FROM prediction_batches), 1e300)
            """)
        return db.changesCount
    }

    /// The newest `limit` rows of `model` that a shadow scored, each with the primary answer and
    /// the label fed back for it, newest first. A shadow answer whose primary row is not in the
    /// log (trimmed, or never logged) is left out.
    public func shadowPairs(model: String, limit: Int = 100_000) throws -> [ShadowPair] {
        try read { db in
            var out: [ShadowPair] = []
            guard limit > 0 else { return out }
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT id, model, version, row_count, time, ids, primary_versions, times, scores, labels, probabilities, latencies
                FROM shadow_batches WHERE model = ? ORDER BY id DESC
                """, arguments: [model])
            var last: StoredBatch?   // shadow rows come in runs of one batch's rows
            while let row = try cursor.next() {
                let stored = EncodedShadowBatch(model: row[1], version: row[2], rowCount: row[3], time: row[4], ids: row[5],
                                                primaryVersions: row[6], times: row[7], scores: row[8], labels: row[9],
                                                probabilities: row[10], latencies: row[11])
                guard let rows = stored.decodedRows() else {
                    throw PredictionLogError.unavailable(path: path, reason: "a shadow batch (\(row[0] as Int64)) is damaged (remove the log to start a new one)")
                }
                for shadow in rows.reversed() {
                    guard let (batchID, r) = try Self.locate(shadow.predictionID, db) else { continue }
                    if last?.id != batchID { last = try storedBatch(batchID, db) }
                    guard let batch = last else { continue }
                    out.append(ShadowPair(primaryVersion: shadow.primaryVersion, shadowVersion: shadow.version, primaryLabel: batch.label(r),
                                          shadowLabel: shadow.label, primaryValue: batch.scores[r], shadowValue: shadow.value,
                                          actual: try Self.feedbackLabel(id: shadow.predictionID, model: batch.model, callerID: batch.callerID(r), db),
                                          classes: batch.classes))
                    if out.count == limit { return out }
                }
            }
            return out
        }
    }
}
