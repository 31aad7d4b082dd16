import Foundation
import GRDB

extension PredictionLog {
    /// Schema version 3: one row per batch with its answers column by column (see the schema of
    /// ``PredictionLog``), replacing version 1's `predictions` (one row per answered row).
    ///
    /// Every batch of the old log is rewritten in the new shape from its rows, in one pass and
    /// inside the migration's transaction: batch ids, times and row sequence numbers are kept (a
    /// batch's `first_seq` is its first kept row's `seq` less its `batch_row`), inputs stay the
    /// JSON text they were, and the rows' ids are indexed in `prediction_ids`, so feedback given
    /// before the upgrade still joins. Rows an older trim removed from the front of a batch count
    /// as trimmed (`trimmed_rows`); a batch with no row left is dropped. A row missing inside a
    /// batch (version 1 ignored a row whose id was already logged) comes back as a row with no id
    /// and no answer. Then `predictions` and the old batches table are dropped.
    static func migrateToColumnarBatches(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE prediction_batches RENAME TO prediction_batches_v2")
        try createColumnarTables(db)
        let insert = try db.makeStatement(sql: """
            INSERT INTO prediction_batches (id, model, version, time, first_seq, row_count, trimmed_rows, classes, ids, scores, labels,
              probabilities, latencies, caller_ids, inputs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let rowsOf = try db.makeStatement(sql: """
            SELECT seq, id, batch_row, caller_id, label, value, probabilities, latency FROM predictions WHERE batch_id = ?
            """)
        let batches = try Row.fetchCursor(db, sql: "SELECT id, model, version, time, row_count, classes, inputs FROM prediction_batches_v2 ORDER BY id")
        while let batch = try batches.next() {
            let id: Int64 = batch[0], count: Int = batch[4]
            guard count > 0 else { continue }
            var rows = [LoggedPrediction](repeating: LoggedPrediction(id: "", callerID: nil, label: nil, value: .nan, probabilities: nil), count: count)
            var latencies = [Double](repeating: 0, count: count)
            var first: (row: Int, seq: Int64)?
            let stored = try Row.fetchCursor(rowsOf, arguments: [id])
            while let row = try stored.next() {
                let r: Int = row[2], seq: Int64 = row[0]
                guard r >= 0, r < count else { continue }
                rows[r] = LoggedPrediction(id: row[1], callerID: row[3], label: row[4], value: (row[5] as Double?) ?? .nan,
                                           probabilities: (row[6] as String?).flatMap(PredictionLogJSON.decodeNumbers))
                latencies[r] = row[7]
                if first.map({ r < $0.row }) ?? true { first = (r, seq) }
            }
            guard let first else { continue }
            let model: String = batch[1], version: Int = batch[2], time: Double = batch[3], classes: String? = batch[5]
            let encoded = EncodedBatch(PredictionBatch(model: model, version: version, time: time, latencies: latencies, classes: nil,
                                                       columns: [], rows: rows))
            try insert.execute(arguments: [
                id, model, version, time, first.seq - Int64(first.row), count, first.row, classes, PredictionLogBlob.idRuns(encoded.runs),
                encoded.scores, encoded.labels, encoded.probabilities, encoded.latencies, encoded.callerIDs, batch[6] as DatabaseValue,
            ])
            try insertRuns(encoded.runs, batch: id, db)
        }
        try db.execute(sql: "DROP TABLE predictions; DROP TABLE prediction_batches_v2")
    }

    /// Version 3's tables (documented on ``PredictionLog``). `inputs` has no declared type: a
    /// blob stays a blob and an older batch's JSON stays text.
    static func createColumnarTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE prediction_batches (
                id INTEGER PRIMARY KEY, model TEXT NOT NULL, version INTEGER NOT NULL, time REAL NOT NULL,
                first_seq INTEGER NOT NULL, row_count INTEGER NOT NULL, trimmed_rows INTEGER NOT NULL DEFAULT 0, classes TEXT,
                ids BLOB NOT NULL, scores BLOB NOT NULL, labels BLOB, probabilities BLOB, latencies BLOB NOT NULL, caller_ids BLOB,
                inputs NOT NULL);
            CREATE INDEX prediction_batches_model ON prediction_batches(model, version);
            CREATE INDEX prediction_batches_time ON prediction_batches(time);
            CREATE TABLE prediction_ids (
                prefix TEXT NOT NULL, first_counter INTEGER NOT NULL, row_count INTEGER NOT NULL,
                batch_id INTEGER NOT NULL, first_row INTEGER NOT NULL,
                PRIMARY KEY (prefix, first_counter)) WITHOUT ROWID;
            """)
    }
}
