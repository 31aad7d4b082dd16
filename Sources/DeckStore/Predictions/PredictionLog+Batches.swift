import Foundation
import GRDB

/// A logged batch's answers as stored (schema version 3), decoded: what the readers of the log
/// (windows, labeled predictions, shadow pairs) take rows from.
struct StoredBatch: Sendable, Equatable {
    var id: Int64
    var model: String
    var version: Int
    var time: Double
    /// The sequence number of row 0; row `r` is `firstSeq + r`.
    var firstSeq: Int64
    var rowCount: Int
    /// Rows before this one were trimmed (a row-count cap cut the batch); they are not read.
    var trimmedRows: Int
    var classes: [String]?
    var runs: [PredictionIDRun]
    var scores: [Double]
    var labels: [String?]?
    var probabilities: [[Double]?]?
    var latencies: [Double]
    var callerIDs: [String?]?

    /// The columns ``init(row:)`` reads, in its order (never `inputs`: it is read only by windows).
    static let columns = "id, model, version, time, first_seq, row_count, trimmed_rows, classes, ids, scores, labels, probabilities, latencies, caller_ids"

    /// Decodes a row of ``columns``; nil when a blob is damaged or does not match `row_count`.
    init?(row: Row) {
        id = row[0]; model = row[1]; version = row[2]; time = row[3]; firstSeq = row[4]; rowCount = row[5]; trimmedRows = row[6]
        classes = (row[7] as String?).flatMap(PredictionLogJSON.decodeStrings)
        guard let runs = (row[8] as Data?).flatMap(PredictionLogBlob.decodeIDRuns),
              let scores = (row[9] as Data?).flatMap(PredictionLogBlob.decodeDoubles),
              let latencies = (row[12] as Data?).flatMap(PredictionLogBlob.decodeDoubles) else { return nil }
        self.runs = runs; self.scores = scores; self.latencies = latencies
        labels = nil; probabilities = nil; callerIDs = nil
        if let blob = row[10] as Data? { guard let v = PredictionLogBlob.decodeStrings(blob) else { return nil }; labels = v }
        if let blob = row[11] as Data? { guard let v = PredictionLogBlob.decodeNumberLists(blob) else { return nil }; probabilities = v }
        if let blob = row[13] as Data? { guard let v = PredictionLogBlob.decodeStrings(blob) else { return nil }; callerIDs = v }
        let n = rowCount
        guard runs.reduce(0, { $0 + $1.count }) == n, scores.count == n, latencies.count == n, labels.map({ $0.count == n }) ?? true,
              probabilities.map({ $0.count == n }) ?? true, callerIDs.map({ $0.count == n }) ?? true,
              trimmedRows >= 0, trimmedRows <= n else { return nil }
    }

    /// Every row's prediction id.
    var ids: [String] { PredictionIDRun.ids(runs) }

    func label(_ r: Int) -> String? { labels?[r] ?? nil }
    func callerID(_ r: Int) -> String? { callerIDs?[r] ?? nil }
    func probabilities(_ r: Int) -> [Double]? { probabilities?[r] ?? nil }
}

extension PredictionLog {
    /// The batch `id`, decoded; nil when there is none. A damaged batch is an error.
    func storedBatch(_ id: Int64, _ db: Database) throws -> StoredBatch? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(StoredBatch.columns) FROM prediction_batches WHERE id = ?"),
                                         arguments: [id]) else { return nil }
        return try decoded(row)
    }

    /// Decodes a row of ``StoredBatch/columns``; a damaged batch is an error.
    func decoded(_ row: Row) throws -> StoredBatch {
        guard let batch = StoredBatch(row: row) else {
            throw PredictionLogError.unavailable(path: path, reason: "a logged batch (\(row[0] as Int64? ?? -1)) is damaged (remove the log to start a new one)")
        }
        return batch
    }

    /// The batch and row of the prediction `id`, or nil when it is not logged (or was trimmed).
    static func locate(_ id: String, _ db: Database) throws -> (batch: Int64, row: Int)? {
        let key = PredictionIDRun.Key(id)
        let statement = try db.cachedStatement(sql: """
            SELECT first_counter, row_count, batch_id, first_row FROM prediction_ids
            WHERE prefix = ? AND first_counter <= ? ORDER BY first_counter DESC LIMIT 1
            """)
        guard let row = try Row.fetchOne(statement, arguments: [key.prefix, key.counter]) else { return nil }
        let first: Int64 = row[0], count: Int64 = row[1]
        let (end, overflow) = first.addingReportingOverflow(count)
        guard !overflow, key.counter < end else { return nil }
        let batch: Int64 = row[2], firstRow: Int64 = row[3]
        // A damaged run (a row outside its batch) is "not logged", never an index out of range.
        let (at, overflowed) = firstRow.addingReportingOverflow(key.counter - first)
        guard !overflowed, let bounds = try Row.fetchOne(db.cachedStatement(sql: "SELECT trimmed_rows, row_count FROM prediction_batches WHERE id = ?"),
                                                          arguments: [batch]) else { return nil }
        let trimmed: Int64 = bounds[0], rowCount: Int64 = bounds[1]
        guard at >= max(0, trimmed), at < rowCount else { return nil }
        return (batch, Int(at))
    }

    /// The label fed back for a prediction: the newest given by its prediction id, else the
    /// newest given for the caller's id of its model.
    static func feedbackLabel(id: String, model: String, callerID: String?, _ db: Database) throws -> String? {
        let byID = try db.cachedStatement(sql: "SELECT label FROM feedback WHERE prediction_id = ? ORDER BY id DESC LIMIT 1")
        if let label = try String.fetchOne(byID, arguments: [id]) { return label }
        guard let callerID else { return nil }
        let byCaller = try db.cachedStatement(sql: "SELECT label FROM feedback WHERE model = ? AND caller_id = ? ORDER BY id DESC LIMIT 1")
        return try String.fetchOne(byCaller, arguments: [model, callerID])
    }

    /// Batches matching `condition` (SQL on `prediction_batches`), newest first, decoded one by
    /// one until `body` returns false.
    func forEachBatch(_ db: Database, where condition: String, arguments: StatementArguments,
                      _ body: (StoredBatch) throws -> Bool) throws {
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM prediction_batches WHERE \(condition) ORDER BY id DESC", arguments: arguments)
        let statement = try db.cachedStatement(sql: "SELECT \(StoredBatch.columns) FROM prediction_batches WHERE id = ?")
        for id in ids {
            guard let row = try Row.fetchOne(statement, arguments: [id]) else { continue }
            if try !body(try decoded(row)) { return }
        }
    }
}
