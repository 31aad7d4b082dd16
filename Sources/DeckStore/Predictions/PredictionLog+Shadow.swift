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

/// The shadow's table in the prediction log (schema version 2, added beside version 1's tables,
/// which it leaves as they are):
/// `shadow_predictions(seq INTEGER PRIMARY KEY, prediction_id TEXT, model TEXT, version INTEGER,
/// primary_version INTEGER, time REAL, label TEXT, value REAL, probabilities TEXT, latency REAL)`,
/// joined to the primary's row by `prediction_id` (the row's prediction id, found through
/// `prediction_ids`); trimmed with the predictions.
extension PredictionLog {
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

    /// Writes shadow answers in one transaction.
    public func writeShadow(_ rows: [ShadowPrediction]) throws {
        guard !rows.isEmpty else { return }
        do {
            try queue.write { db in
                var insert = try RawInsert(db, sql: """
                    INSERT INTO shadow_predictions (prediction_id, model, version, primary_version, time, label, value, probabilities, latency)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for row in rows {
                    insert.bind(row.predictionID); insert.bind(row.model); insert.bind(row.version); insert.bind(row.primaryVersion)
                    insert.bind(row.time); insert.bind(row.label); insert.bind(row.value.isFinite ? row.value : nil)
                    insert.bind(row.probabilities.map(PredictionLogJSON.numbers)); insert.bind(row.latency)
                    try insert.run()
                }
            }
        } catch let error as DatabaseError {
            throw PredictionLogError.unavailable(path: path, reason: Self.reason(error))
        }
    }

    /// Removes shadow answers older than the oldest prediction kept (called by ``trim(_:now:)``).
    static func trimShadow(_ db: Database) throws -> Int {
        try db.execute(sql: """
            DELETE FROM shadow_predictions WHERE time < COALESCE((SELECT MIN(time) FROM prediction_batches), 1e300)
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
                SELECT primary_version, version, label, value, prediction_id FROM shadow_predictions WHERE model = ? ORDER BY seq DESC
                """, arguments: [model])
            var last: StoredBatch?   // shadow rows come in runs of one batch's rows
            while let row = try cursor.next() {
                let predictionID: String = row[4]
                guard let (batchID, r) = try Self.locate(predictionID, db) else { continue }
                if last?.id != batchID { last = try storedBatch(batchID, db) }
                guard let batch = last else { continue }
                let shadowValue: Double? = row[3]
                out.append(ShadowPair(primaryVersion: row[0], shadowVersion: row[1], primaryLabel: batch.label(r), shadowLabel: row[2],
                                      primaryValue: batch.scores[r], shadowValue: shadowValue ?? .nan,
                                      actual: try Self.feedbackLabel(id: predictionID, model: batch.model, callerID: batch.callerID(r), db),
                                      classes: batch.classes))
                if out.count == limit { break }
            }
            return out
        }
    }
}
