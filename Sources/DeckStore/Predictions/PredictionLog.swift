import Foundation
import GRDB

/// The prediction log: what the endpoint answered, for monitoring. A database file of its own,
/// `.mldeck/predictions.sqlite`, so that a busy endpoint's writes never compete with runs,
/// datasets and alias moves for the workspace database's write lock.
///
/// Schema (version 4; monitoring reads it). One row per *batch*: the rows one or more requests
/// scored with one model version, inputs and answers stored column by column, so that logging
/// 1,000 rows costs a few B-tree inserts, not 1,000 rows of 4 index entries each (versions 1 and
/// 2 had a `predictions` table with one row per answered row; see "Migration" below).
/// - `prediction_batches(id INTEGER PRIMARY KEY, model TEXT, version INTEGER, time REAL,
///   first_seq INTEGER, row_count INTEGER, trimmed_rows INTEGER, classes TEXT, ids BLOB,
///   scores BLOB, labels BLOB, probabilities BLOB, latencies BLOB, caller_ids BLOB, inputs)`,
///   indexed by `(model, version)` and by `time`. Rows are numbered across batches in the order
///   they were logged (their sequence number, `seq`): row `r` of a batch is `first_seq + r`.
///   `time` is when the (first) request was answered; every row of a batch has it. Rows below
///   `trimmed_rows` were trimmed by a row-count cap (see ``trim(_:now:)``) and are not read.
///   `classes` is the JSON array of class labels (classifiers) or NULL. The answers, one value
///   per row in row order, in the blob formats of ``PredictionLogBlob``: `scores` doubles (the
///   regression value or the positive class's probability; NaN for none), `latencies` doubles
///   (the request's seconds), `labels` strings (the predicted class; NULL when no row has one),
///   `probabilities` number lists in `classes` order (NULL when no row has them), `caller_ids`
///   strings (the caller's values of the model's id column; NULL when none was sent), `ids` the
///   server-made prediction ids as runs of consecutive counters (``PredictionIDRun``). `inputs`
///   is the batch's input columns: a blob in the *inputs* format of ``PredictionLogBlob``, or,
///   in a batch logged before version 3, JSON text `{"columns": [{"name", "kind":
///   "number"|"text"}], "data": [[values of column 0], …]}` with `null` for a missing value.
/// - `prediction_ids(prefix TEXT, first_counter INTEGER, row_count INTEGER, batch_id INTEGER,
///   first_row INTEGER, PRIMARY KEY (prefix, first_counter)) WITHOUT ROWID`: one row per id run
///   of a batch, so that a prediction id is found with one range lookup: the run with the
///   largest `first_counter` at most the id's counter, then row `first_row + counter -
///   first_counter` of `batch_id` when the counter is within `row_count`. An id that is not
///   server-made is its own run (the whole id as `prefix`, `first_counter` -1). A run whose key
///   is already taken (the same id logged twice) is not added: the id finds its first batch.
/// - `feedback(id INTEGER PRIMARY KEY, model TEXT, prediction_id TEXT, caller_id TEXT, label
///   TEXT, time REAL)`, indexed by `prediction_id` and by `(model, caller_id)`: labels that
///   arrived later through `POST /feedback`. A logged row's label is the newest feedback with its
///   prediction id, else the newest with its model and caller id. Readers go from a logged row
///   to its feedback through those two indexes; nothing looks a logged row up by caller id, so
///   caller ids need no index of their own.
/// - `shadow_batches` (version 4; version 2's `shadow_predictions` before it), the answers of a
///   shadow version, see `PredictionLog+Shadow.swift`.
///
/// Migration to version 3 (`PredictionLog+Migration.swift`) rewrites every batch of versions 1
/// and 2 in this shape, from its rows in their `predictions` table (kept batch ids, sequence
/// numbers and JSON inputs), then drops that table: old rows read and join feedback as before.
///
/// Durability choice: WAL with `synchronous = NORMAL`. The log stays consistent after `kill -9`;
/// a power failure may lose its last commits. Entries still queued in a server's memory when it
/// is killed are lost (a graceful stop flushes them): the log is for monitoring, not an audit trail.
///
/// Checkpoints: every 1,000 WAL pages (64 MiB with 64 KiB pages), as SQLite's auto-checkpoint
/// would, but run by a ``WALCheckpointer`` on a connection and queue of its own: a checkpoint
/// copies the WAL into the file between two `fdatasync`s, and on the serving writer's thread it
/// stalled the writer 0.1–0.25 s every second under 1,000-row batches — long enough for the queue
/// in front of it (0.5 s of rows at 200,000 rows/s) to overflow and drop rows.
///
/// Page size: a new log uses 64 KiB pages (an existing one keeps its own: WAL mode fixes it). A
/// batch's columnar blobs run to megabytes, stored as chains of overflow pages that SQLite writes,
/// and on deletion walks, one page at a time: with 4 KiB pages a serving writer that both wrote
/// and trimmed 150,000 rows/s spent a quarter of its time in `pread`/`pwrite` calls on them.
public final class PredictionLog: @unchecked Sendable {
    /// The file name inside `.mldeck/`.
    public static let fileName = "predictions.sqlite"
    /// The page size of a new log (see above).
    static let pageSize = 65_536

    public let path: String
    let queue: DatabaseQueue
    /// Runs the WAL's checkpoints off the writing thread (see "Checkpoints" above).
    let checkpointer: WALCheckpointer

    private init(path: String, queue: DatabaseQueue, checkpointer: WALCheckpointer) {
        self.path = path; self.queue = queue; self.checkpointer = checkpointer
    }

    deinit { checkpointer.close() }

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
        try open(path: path, busyTimeout: busyTimeout, checkpointPages: DeckStore.walAutocheckpointPages)
    }

    /// Opens the prediction log at `path`, its WAL checkpointed every `checkpointPages` pages (tests use fewer).
    static func open(path: String, busyTimeout: Double, checkpointPages: Int) throws -> PredictionLog {
        let checkpointer = WALCheckpointer(path: path, autocheckpointPages: checkpointPages)
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA page_size = \(pageSize)")   // only a new, empty file takes it
            try db.execute(sql: "PRAGMA cache_size = -16384")        // 16 MiB: 256 of those pages
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            checkpointer.install(on: db)   // replaces SQLite's own auto-checkpoint
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            try migrator.migrate(queue)
            return PredictionLog(path: path, queue: queue, checkpointer: checkpointer)
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
        m.registerMigration("v3-columnar-batches") { db in try migrateToColumnarBatches(db) }
        m.registerMigration("v4-shadow-batches") { db in try migrateToShadowBatches(db) }
        return m
    }

    /// Writes batches and feedback in one transaction: per batch one row in `prediction_batches`
    /// and one per id run in `prediction_ids` (one for a request's rows). A batch without rows
    /// is not written.
    public func write(_ batches: [PredictionBatch], feedback: [FeedbackEntry] = []) throws {
        do {
            try queue.write { db in
                var nextSeq = try Int64.fetchOne(db, sql: "SELECT first_seq + row_count FROM prediction_batches ORDER BY id DESC LIMIT 1") ?? 1
                var batchInsert = try RawInsert(db, sql: """
                    INSERT INTO prediction_batches (model, version, time, first_seq, row_count, classes, ids, scores, labels,
                      probabilities, latencies, caller_ids, inputs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for batch in batches where !batch.rows.isEmpty {
                    let encoded = EncodedBatch(batch)
                    batchInsert.bind(batch.model); batchInsert.bind(batch.version); batchInsert.bind(batch.time)
                    batchInsert.bind(nextSeq); batchInsert.bind(batch.rows.count); batchInsert.bind(batch.classes.map(PredictionLogJSON.strings))
                    batchInsert.bind(PredictionLogBlob.idRuns(encoded.runs)); batchInsert.bind(encoded.scores); batchInsert.bind(encoded.labels)
                    batchInsert.bind(encoded.probabilities); batchInsert.bind(encoded.latencies); batchInsert.bind(encoded.callerIDs)
                    batchInsert.bind(PredictionLogBlob.inputs(batch.columns))
                    try batchInsert.run()
                    try Self.insertRuns(encoded.runs, batch: db.lastInsertedRowID, db)
                    nextSeq += Int64(batch.rows.count)
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

    /// Indexes a batch's id runs (a run whose key is taken is left out: see the schema).
    static func insertRuns(_ runs: [PredictionIDRun], batch: Int64, _ db: Database) throws {
        var insert = try RawInsert(db, sql: """
            INSERT OR IGNORE INTO prediction_ids (prefix, first_counter, row_count, batch_id, first_row) VALUES (?, ?, ?, ?, ?)
            """)
        var firstRow = 0
        for run in runs {
            // A row without an id (see the migration) is not indexed.
            if run.prefix.isEmpty && run.firstCounter < 0 { firstRow += run.count; continue }
            insert.bind(run.prefix); insert.bind(run.firstCounter); insert.bind(run.count); insert.bind(batch); insert.bind(firstRow)
            try insert.run()
            firstRow += run.count
        }
    }

    /// Counts of logged predictions, batches and feedback labels.
    public func counts() throws -> (predictions: Int, batches: Int, feedback: Int) {
        do {
            return try queue.read { db in
                (try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(row_count - trimmed_rows), 0) FROM prediction_batches") ?? 0,
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
                var out: [LabeledPrediction] = []
                guard limit > 0 else { return out }
                try forEachBatch(db, where: "model = ?", arguments: [model]) { batch in
                    let ids = batch.ids
                    for r in stride(from: batch.rowCount - 1, through: batch.trimmedRows, by: -1) {
                        let callerID = batch.callerID(r)
                        out.append(LabeledPrediction(id: ids[r], callerID: callerID, model: batch.model, version: batch.version, time: batch.time,
                                                     predicted: batch.label(r), value: batch.scores[r],
                                                     actual: try Self.feedbackLabel(id: ids[r], model: batch.model, callerID: callerID, db)))
                        if out.count == limit { return false }
                    }
                    return true
                }
                return out
            }
        } catch let error as DatabaseError {
            throw PredictionLogError.unavailable(path: path, reason: Self.reason(error))
        }
    }

    /// The inputs of the newest `limit` batches of `model` as JSON text (the shape documented
    /// above for `inputs`, whichever way a batch stores them), newest first.
    public func inputBatches(model: String, limit: Int = 100) throws -> [(version: Int, rows: Int, inputs: String)] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT id, version, row_count, inputs FROM prediction_batches WHERE model = ? ORDER BY id DESC LIMIT ?",
                                 arguments: [model, limit]).map { row -> (version: Int, rows: Int, inputs: String) in
                    guard let columns = Self.decodeInputs(row[3]) else {
                        throw PredictionLogError.unavailable(path: path, reason: "a logged batch (\(row[0] as Int64)) is damaged (remove the log to start a new one)")
                    }
                    return (version: row[1], rows: row[2], inputs: PredictionLogJSON.inputs(columns))
                }
            }
        } catch let error as DatabaseError {
            throw PredictionLogError.unavailable(path: path, reason: Self.reason(error))
        }
    }

    /// A batch's `inputs`: a v3 blob, or the JSON text of a batch logged before version 3.
    static func decodeInputs(_ value: DatabaseValue) -> [LoggedColumn]? {
        switch value.storage {
        case .blob(let data): return PredictionLogBlob.decodeInputs(data)
        case .string(let text): return PredictionLogJSON.decodeInputs(text)
        default: return nil
        }
    }
}

/// A batch's answers as blobs, ready to bind (see the schema of ``PredictionLog``).
struct EncodedBatch {
    var runs: [PredictionIDRun]
    var scores: Data
    var latencies: Data
    var labels: Data?
    var probabilities: Data?
    var callerIDs: Data?

    /// Each blob is written straight from the rows (``PredictionLogBlob``'s writers take a value
    /// per index): a 1,000-row batch made four columns' arrays only to encode them.
    init(_ batch: PredictionBatch) {
        let rows = batch.rows
        runs = PredictionIDRun.runs(rows.map(\.id))
        scores = PredictionLogBlob.doubles(count: rows.count) { rows[$0].value.isFinite ? rows[$0].value : .nan }
        latencies = PredictionLogBlob.doubles(count: rows.count) { $0 < batch.latencies.count ? batch.latencies[$0] : 0 }
        labels = rows.contains { $0.label != nil } ? PredictionLogBlob.strings(count: rows.count) { rows[$0].label } : nil
        probabilities = rows.contains { $0.probabilities != nil }
            ? PredictionLogBlob.numberLists(count: rows.count) { rows[$0].probabilities } : nil
        callerIDs = rows.contains { $0.callerID != nil } ? PredictionLogBlob.strings(count: rows.count) { rows[$0].callerID } : nil
    }
}
