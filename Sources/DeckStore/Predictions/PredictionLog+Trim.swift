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
    ///
    /// `budget`: remove batches holding at most about this many rows, oldest first (at least one
    /// batch), and leave the rest to the next call — a running server trims this way, often, so
    /// that no trim holds the log's write lock long enough for its writer to fall behind (deleting
    /// millions of rows' blobs at once took seconds). nil: everything beyond the policy (`mldeck gc`).
    public func trim(_ policy: RetentionPolicy, now: Double = Date().timeIntervalSince1970,
                     budget: Int? = nil) throws -> PredictionTrimReport {
        do {
            return try queue.write { db in
                var removed = 0, removedFeedback = 0
                var left = budget ?? .max
                if let maxAge = policy.maxAge {
                    let cutoff = now - maxAge
                    let (rows, _) = try Self.deleteBatches(db, where: "time < ?", arguments: [cutoff], budget: left)
                    removed += rows; left -= rows
                    try db.execute(sql: "DELETE FROM feedback WHERE time < ?", arguments: [cutoff])
                    removedFeedback += db.changesCount
                }
                if let maxRows = policy.maxRows, left > 0 {
                    removed += try Self.capRows(db, maxRows: maxRows, budget: left)
                }
                if removed > 0 { _ = try Self.trimShadow(db) }
                return PredictionTrimReport(removedPredictions: removed, removedFeedback: removedFeedback)
            }
        } catch let error as DatabaseError {
            throw PredictionLogError.unavailable(path: path, reason: Self.reason(error))
        }
    }

    /// Keeps the newest `maxRows` rows (older batches first, within `budget` rows); the number of rows removed.
    static func capRows(_ db: Database, maxRows: Int, budget: Int = .max) throws -> Int {
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
        if cut.keep == 0 { return try deleteBatches(db, where: "id <= ?", arguments: [cut.id], budget: budget).rows }
        let (older, complete) = try deleteBatches(db, where: "id < ?", arguments: [cut.id], budget: budget)
        guard complete else { return older }   // the rest, and the cut batch's older rows, next time
        try db.execute(sql: "UPDATE prediction_batches SET trimmed_rows = ? WHERE id = ?", arguments: [cut.count - cut.keep, cut.id])
        return older + cut.live - cut.keep
    }

    /// Deletes the oldest batches matching `condition` with their id runs, until they held about
    /// `budget` live rows (at least one batch); the live rows they held, and whether every
    /// matching batch went.
    static func deleteBatches(_ db: Database, where condition: String, arguments: StatementArguments,
                              budget: Int = .max) throws -> (rows: Int, complete: Bool) {
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, row_count - trimmed_rows, ids FROM prediction_batches WHERE \(condition) ORDER BY id",
                                         arguments: arguments)
        var rows: [Row] = [], live = 0, complete = true
        while let row = try cursor.next() {
            if !rows.isEmpty && live + (row[1] as Int) > budget { complete = false; break }
            live += row[1] as Int
            rows.append(row.copy())
        }
        guard let last = rows.last else { return (0, true) }
        let lastID: Int64 = last[0]
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
        // The oldest matching batches up to `lastID` are exactly the ones read above.
        try db.execute(sql: "DELETE FROM prediction_batches WHERE (\(condition)) AND id <= ?", arguments: arguments + [lastID])
        return (removed, complete)
    }
}
