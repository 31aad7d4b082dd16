import Foundation
import GRDB

extension PredictionLog {
    /// Removes predictions and feedback beyond `policy`.
    ///
    /// By age: every batch answered before `now - maxAge` (a batch's rows share its time) and
    /// older feedback. By rows: the newest `maxRows` rows stay, in the order they were logged;
    /// older batches go whole, and the batch the cap falls in keeps its newer rows only: its
    /// older ones are marked trimmed (`trimmed_rows`) and no reader sees them, but their bytes
    /// stay until the whole batch goes (at most one batch's worth). Shadow answers older than
    /// the oldest batch kept go too.
    public func trim(_ policy: RetentionPolicy, now: Double = Date().timeIntervalSince1970) throws -> PredictionTrimReport {
        do {
            return try queue.write { db in
                var removed = 0, removedFeedback = 0
                if let maxAge = policy.maxAge {
                    let cutoff = now - maxAge
                    removed += try Self.deleteBatches(db, where: "time < ?", arguments: [cutoff])
                    try db.execute(sql: "DELETE FROM feedback WHERE time < ?", arguments: [cutoff])
                    removedFeedback += db.changesCount
                }
                if let maxRows = policy.maxRows {
                    removed += try Self.capRows(db, maxRows: maxRows)
                }
                if removed > 0 { _ = try Self.trimShadow(db) }
                return PredictionTrimReport(removedPredictions: removed, removedFeedback: removedFeedback)
            }
        } catch let error as DatabaseError {
            throw PredictionLogError.unavailable(path: path, reason: Self.reason(error))
        }
    }

    /// Keeps the newest `maxRows` rows; the number of rows removed.
    static func capRows(_ db: Database, maxRows: Int) throws -> Int {
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, row_count, trimmed_rows FROM prediction_batches ORDER BY id DESC")
        var kept = 0
        var cut: (id: Int64, count: Int, live: Int, keep: Int)?
        while let row = try cursor.next() {
            let count: Int = row[1], trimmed: Int = row[2]
            let live = count - trimmed
            if kept + live <= maxRows { kept += live; continue }
            cut = (row[0], count, live, maxRows - kept)
            break
        }
        // The cap falls in this batch: it keeps its newest rows, every older batch goes.
        guard let cut else { return 0 }
        if cut.keep == 0 { return try deleteBatches(db, where: "id <= ?", arguments: [cut.id]) }
        try db.execute(sql: "UPDATE prediction_batches SET trimmed_rows = ? WHERE id = ?", arguments: [cut.count - cut.keep, cut.id])
        return cut.live - cut.keep + (try deleteBatches(db, where: "id < ?", arguments: [cut.id]))
    }

    /// Deletes the batches matching `condition` with their id runs; the number of live rows they held.
    static func deleteBatches(_ db: Database, where condition: String, arguments: StatementArguments) throws -> Int {
        let rows = try Row.fetchAll(db, sql: "SELECT id, row_count - trimmed_rows, ids FROM prediction_batches WHERE \(condition)",
                                    arguments: arguments)
        guard !rows.isEmpty else { return 0 }
        let deleteRun = try db.cachedStatement(sql: "DELETE FROM prediction_ids WHERE prefix = ? AND first_counter = ? AND batch_id = ?")
        var removed = 0
        for row in rows {
            let id: Int64 = row[0]
            removed += row[1] as Int
            // A damaged ids blob leaves its runs behind: harmless (a lookup checks the batch exists).
            for run in (row[2] as Data?).flatMap(PredictionLogBlob.decodeIDRuns) ?? [] {
                try deleteRun.execute(arguments: [run.prefix, run.firstCounter, id])
            }
        }
        try db.execute(sql: "DELETE FROM prediction_batches WHERE \(condition)", arguments: arguments)
        return removed
    }
}
