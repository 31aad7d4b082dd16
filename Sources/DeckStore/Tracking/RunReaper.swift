import Foundation
import GRDB

/// Marks runs whose owner process died as `FAILED`, so no run stays `RUNNING` forever.
///
/// On this host a run's owner is checked by pid *and* process start time (a pid alone is reused).
/// Runs owned by another host are judged by their heartbeat: silent for ``staleAfter`` seconds → failed.
/// A reaped run ends at its last known activity (heartbeat, last metric, files in its folder: see
/// ``RunActivity``), never after `now`, so a run killed with `kill -9` keeps its real duration.
public struct RunReaper {
    let store: DeckStore
    /// Seconds without a heartbeat after which another host's run is declared dead.
    public var staleAfter: Double = 300

    public init(store: DeckStore) { self.store = store }

    struct Candidate {
        var row: Int64; var uuid: String; var pid: Int32?; var token: String?; var host: String?
        var heartbeat: Double?; var start: Double; var lastMetric: Double?; var queued = false
    }

    /// Checks every RUNNING or QUEUED run that has an owner; returns how many were marked FAILED.
    @discardableResult
    public func reap(now: Double = Date().timeIntervalSince1970) throws -> Int {
        let candidates = try store.database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.id, r.uuid, r.owner_pid, r.owner_token, r.owner_host, r.heartbeat, r.start_time,
                       (SELECT MAX(m.last_time) FROM metric_summary m WHERE m.run_id = r.id), r.status
                FROM runs r WHERE r.status IN ('RUNNING','QUEUED') AND r.owner_pid IS NOT NULL
                """)
                .compactMap { row -> Candidate? in
                    // A damaged row (see `mldeck fsck`) is left alone rather than trapping on it.
                    guard let id = Int64.fromDatabaseValue(row[0]), let uuid = String.fromDatabaseValue(row[1]),
                          let start = Double.fromDatabaseValue(row[6]) else { return nil }
                    return Candidate(row: id, uuid: uuid, pid: Int32.fromDatabaseValue(row[2]), token: String.fromDatabaseValue(row[3]),
                                     host: String.fromDatabaseValue(row[4]), heartbeat: Double.fromDatabaseValue(row[5]),
                                     start: start, lastMetric: Double.fromDatabaseValue(row[7]),
                                     queued: String.fromDatabaseValue(row[8]) == "QUEUED")
                }
        }
        guard !candidates.isEmpty else { return 0 }
        let host = ProcessIdentity.hostName
        var dead: [(row: Int64, reason: String, end: Double)] = []
        for c in candidates {
            if c.host == host, let pid = c.pid {
                let owner = ProcessIdentity(pid: pid, token: c.token ?? "", host: host)
                guard !owner.isAlive else { continue }
                let console = store.workspace.runDirectory(c.uuid).appendingPathComponent("console").path
                let seeConsole = FileManager.default.fileExists(atPath: console) ? "; see \(console)" : ""
                let reason = c.queued
                    ? "the process that was to start it (pid \(pid)) ended before the run started\(seeConsole)"
                    : "owner process \(pid) on \(host) is gone (crashed or killed)"
                dead.append((c.row, reason, endTime(c, now: now)))
            } else if let beat = c.heartbeat, now - beat > staleAfter {
                dead.append((c.row, "no heartbeat from \(c.host ?? "?") for \(StoreFormatting.wholeSeconds(now - beat)) s", endTime(c, now: now)))
            }
        }
        guard !dead.isEmpty else { return 0 }
        return try store.writeImmediate { db in
            var count = 0
            for (row, reason, end) in dead {
                try db.execute(sql: "UPDATE runs SET status = 'FAILED', status_reason = ?, end_time = ? WHERE id = ? AND status IN ('RUNNING','QUEUED')",
                               arguments: [reason, end, row])
                count += db.changesCount
            }
            return count
        }
    }

    /// The last known activity of a dead run: its heartbeat, its latest metric time and the
    /// files in its folder, bounded by its start and by `now`.
    func endTime(_ c: Candidate, now: Double) -> Double {
        let signs = [c.heartbeat, c.lastMetric, RunActivity.lastActivity(c.uuid, in: store.workspace)].compactMap { $0 }.filter(\.isFinite)
        let latest = signs.max() ?? c.start
        return Swift.min(Swift.max(latest, c.start), Swift.max(now, c.start))
    }
}

/// Small formatting helpers for store messages.
enum StoreFormatting {
    /// Whole seconds of a duration, safe for any double (no trap on inf, NaN or huge values).
    static func wholeSeconds(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e15 else { return "many" }
        return String(Int64(seconds.rounded()))
    }
}
