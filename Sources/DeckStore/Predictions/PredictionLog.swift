import Foundation
import GRDB

/// The prediction log: what the endpoint answered, for monitoring. A database file of its own,
/// `.mldeck/predictions.sqlite`, so that a busy endpoint's writes never compete with runs,
/// datasets and alias moves for the workspace database's write lock.
///
/// Schema (version 1; monitoring reads it):
/// - `prediction_batches(id INTEGER PRIMARY KEY, model TEXT, version INTEGER, time REAL,
///   row_count INTEGER, classes TEXT, inputs TEXT)`: the inputs of one or more requests scored
///   by one model version, columnar: `inputs` is JSON `{"columns": [{"name", "kind":
///   "number"|"text"}], "data": [[values of column 0], [values of column 1], …]}` with `null`
///   for a missing value; `classes` is the JSON array of class labels (classifiers) or NULL.
/// - `predictions(seq INTEGER PRIMARY KEY, id TEXT UNIQUE, batch_id → prediction_batches ON
///   DELETE CASCADE, batch_row INTEGER, model TEXT, version INTEGER, time REAL, caller_id TEXT,
///   label TEXT, value REAL, probabilities TEXT, latency REAL)`: one row per answered row. `id`
///   is the server-made prediction id, `caller_id` the caller's value of the model's id column,
///   `batch_row` the row's index in its batch's `inputs`, `probabilities` a JSON array in
///   `classes` order, `latency` the request's seconds. Indexed by time and by (model, caller_id).
/// - `feedback(id INTEGER PRIMARY KEY, model TEXT, prediction_id TEXT, caller_id TEXT, label
///   TEXT, time REAL)`: labels that arrived later through `POST /feedback`, joined to
///   `predictions` by `prediction_id = predictions.id`, or by `(model, caller_id)`.
///
/// Version 2 adds `shadow_predictions` (see `PredictionLog+Shadow.swift`).
///
/// Durability choice: WAL with `synchronous = NORMAL`. The log stays consistent after `kill -9`;
/// a power failure may lose its last commits. Entries still queued in a server's memory when it
/// is killed are lost (a graceful stop flushes them): the log is for monitoring, not an audit trail.
public final class PredictionLog: @unchecked Sendable {
    /// The file name inside `.mldeck/`.
    public static let fileName = "predictions.sqlite"

    public let path: String
    let queue: DatabaseQueue

    private init(path: String, queue: DatabaseQueue) { self.path = path; self.queue = queue }

    /// Where a workspace keeps its prediction log.
    public static func url(in workspace: Workspace) -> URL {
        workspace.stateDirectory.appendingPathComponent(fileName)
    }

    /// Opens (creating and migrating when needed) the prediction log of `workspace`.
    public static func open(_ workspace: Workspace, busyTimeout: Double = 10) throws -> PredictionLog {
        try open(path: url(in: workspace).path, busyTimeout: busyTimeout)
    }

    /// Opens the prediction log at `path`.
    public static func open(path: String, busyTimeout: Double = 10) throws -> PredictionLog {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            try migrator.migrate(queue)
            return PredictionLog(path: path, queue: queue)
        } catch let error as DatabaseError {
            throw PredictionLogError.unavailable(path: path, reason: reason(error))
        }
    }

    static func reason(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return "another process holds its write lock"
        case .SQLITE_READONLY: return "it is read-only"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return "it is damaged (remove it to start a new log)"
        case .SQLITE_FULL: return FileSystemError.diskFull
        case .SQLITE_IOERR: return FileSystemError.ioFailure
        default: return "SQLite cannot open or write it"
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-prediction-log") { db in
            try db.execute(sql: """
                CREATE TABLE prediction_batches (
                    id INTEGER PRIMARY KEY, model TEXT NOT NULL, version INTEGER NOT NULL, time REAL NOT NULL,
                    row_count INTEGER NOT NULL, classes TEXT, inputs TEXT NOT NULL);
                CREATE TABLE predictions (
                    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
                    batch_id INTEGER NOT NULL REFERENCES prediction_batches(id) ON DELETE CASCADE,
                    batch_row INTEGER NOT NULL, model TEXT NOT NULL, version INTEGER NOT NULL, time REAL NOT NULL,
                    caller_id TEXT, label TEXT, value REAL, probabilities TEXT, latency REAL NOT NULL);
                CREATE INDEX predictions_time ON predictions(time);
                CREATE INDEX predictions_batch ON predictions(batch_id);
                CREATE INDEX predictions_caller ON predictions(model, caller_id);
                CREATE TABLE feedback (
                    id INTEGER PRIMARY KEY, model TEXT NOT NULL, prediction_id TEXT, caller_id TEXT,
                    label TEXT NOT NULL, time REAL NOT NULL);
                CREATE INDEX feedback_prediction ON feedback(prediction_id);
                CREATE INDEX feedback_caller ON feedback(model, caller_id);
                """)
        }
        m.registerMigration("v2-shadow-predictions") { db in try createShadowTable(db) }
        return m
    }

    /// Writes batches and feedback in one transaction.
    public func write(_ batches: [PredictionBatch], feedback: [FeedbackEntry] = []) throws {
        do {
            try queue.write { db in
                let batchStatement = try db.cachedStatement(sql: """
                    INSERT INTO prediction_batches (model, version, time, row_count, classes, inputs) VALUES (?, ?, ?, ?, ?, ?)
                    """)
                var rowInsert = try RawInsert(db, sql: """
                    INSERT OR IGNORE INTO predictions (id, batch_id, batch_row, model, version, time, caller_id, label, value, probabilities, latency)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for batch in batches {
                    try batchStatement.execute(arguments: [batch.model, batch.version, batch.time, batch.rows.count,
                                                           batch.classes.map(PredictionLogJSON.strings), PredictionLogJSON.inputs(batch.columns)])
                    let batchID = db.lastInsertedRowID
                    for (r, row) in batch.rows.enumerated() {
                        let latency = r < batch.latencies.count ? batch.latencies[r] : 0
                        rowInsert.bind(row.id); rowInsert.bind(batchID); rowInsert.bind(r); rowInsert.bind(batch.model)
                        rowInsert.bind(batch.version); rowInsert.bind(batch.time); rowInsert.bind(row.callerID); rowInsert.bind(row.label)
                        rowInsert.bind(row.value.isFinite ? row.value : nil); rowInsert.bind(row.probabilities.map(PredictionLogJSON.numbers))
                        rowInsert.bind(latency)
                        try rowInsert.run()
                    }
                }
                let feedbackStatement = try db.cachedStatement(sql: """
                    INSERT INTO feedback (model, prediction_id, caller_id, label, time) VALUES (?, ?, ?, ?, ?)
                    """)
                for entry in feedback {
                    try feedbackStatement.execute(arguments: [entry.model, entry.predictionID, entry.callerID, entry.label, entry.time])
                }
                Failpoint.hit("prediction-log.before-commit")
            }
            Failpoint.hit("prediction-log.after-commit")
        } catch let error as DatabaseError {
            throw PredictionLogError.unavailable(path: path, reason: Self.reason(error))
        }
    }

    /// Removes predictions (with their batches) and feedback beyond `policy`.
    public func trim(_ policy: RetentionPolicy, now: Double = Date().timeIntervalSince1970) throws -> PredictionTrimReport {
        do {
            return try queue.write { db in
                var removed = 0, removedFeedback = 0
                if let maxAge = policy.maxAge {
                    let cutoff = now - maxAge
                    try db.execute(sql: "DELETE FROM predictions WHERE time < ?", arguments: [cutoff])
                    removed += db.changesCount
                    try db.execute(sql: "DELETE FROM feedback WHERE time < ?", arguments: [cutoff])
                    removedFeedback += db.changesCount
                }
                if let maxRows = policy.maxRows,
                   let keepFrom = try Int64.fetchOne(db, sql: "SELECT seq FROM predictions ORDER BY seq DESC LIMIT 1 OFFSET ?", arguments: [maxRows - 1]) {
                    try db.execute(sql: "DELETE FROM predictions WHERE seq < ?", arguments: [keepFrom])
                    removed += db.changesCount
                }
                if removed > 0 {
                    try db.execute(sql: """
                        DELETE FROM prediction_batches WHERE NOT EXISTS (SELECT 1 FROM predictions p WHERE p.batch_id = prediction_batches.id)
                        """)
                    _ = try Self.trimShadow(db)
                }
                return PredictionTrimReport(removedPredictions: removed, removedFeedback: removedFeedback)
            }
        } catch let error as DatabaseError {
            throw PredictionLogError.unavailable(path: path, reason: Self.reason(error))
        }
    }

    /// Counts of logged predictions, batches and feedback labels.
    public func counts() throws -> (predictions: Int, batches: Int, feedback: Int) {
        do {
            return try queue.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM predictions") ?? 0,
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prediction_batches") ?? 0,
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM feedback") ?? 0)
            }
        } catch let error as DatabaseError {
            throw PredictionLogError.unavailable(path: path, reason: Self.reason(error))
        }
    }

    /// The newest `limit` predictions of `model`, each with the label given for it through
    /// feedback (by prediction id, else by the caller's id), newest first.
    public func labeledPredictions(model: String, limit: Int = 1000) throws -> [LabeledPrediction] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT p.id, p.caller_id, p.model, p.version, p.time, p.label, p.value,
                      COALESCE((SELECT f.label FROM feedback f WHERE f.prediction_id = p.id ORDER BY f.id DESC LIMIT 1),
                               (SELECT f.label FROM feedback f WHERE p.caller_id IS NOT NULL AND f.model = p.model AND f.caller_id = p.caller_id ORDER BY f.id DESC LIMIT 1))
                    FROM predictions p WHERE p.model = ? ORDER BY p.seq DESC LIMIT ?
                    """, arguments: [model, limit]).map {
                    LabeledPrediction(id: $0[0], callerID: $0[1], model: $0[2], version: $0[3], time: $0[4],
                                      predicted: $0[5], value: $0[6] ?? .nan, actual: $0[7])
                }
            }
        } catch let error as DatabaseError {
            throw PredictionLogError.unavailable(path: path, reason: Self.reason(error))
        }
    }

    /// The inputs of the newest `limit` batches of `model`, as stored (JSON text), newest first.
    public func inputBatches(model: String, limit: Int = 100) throws -> [(version: Int, rows: Int, inputs: String)] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT version, row_count, inputs FROM prediction_batches WHERE model = ? ORDER BY id DESC LIMIT ?",
                                 arguments: [model, limit]).map { row -> (version: Int, rows: Int, inputs: String) in (version: row[0], rows: row[1], inputs: row[2]) }
            }
        } catch let error as DatabaseError {
            throw PredictionLogError.unavailable(path: path, reason: Self.reason(error))
        }
    }
}
