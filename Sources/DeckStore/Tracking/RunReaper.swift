import Foundation
import GRDB

/// Marks runs whose owner process died as `FAILED`, so no run stays `RUNNING` forever.
///
/// On this host a run's owner is checked by pid *and* process start time (a pid alone is reused).
/// Runs owned by another host are judged by their heartbeat: silent for ``staleAfter`` seconds → failed.
public struct RunReaper {
    let store: DeckStore
    /// Seconds without a heartbeat after which another host's run is declared dead.
    public var staleAfter: Double = 300

    public init(store: DeckStore) { self.store = store }

    struct Candidate { var row: Int64; var pid: Int32?; var token: String?; var host: String?; var heartbeat: Double? }

    /// Checks every RUNNING or QUEUED run that has an owner; returns how many were marked FAILED.
    @discardableResult
    public func reap(now: Double = Date().timeIntervalSince1970) throws -> Int {
        let candidates = try store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, owner_pid, owner_token, owner_host, heartbeat FROM runs WHERE status IN ('RUNNING','QUEUED') AND owner_pid IS NOT NULL")
                .map { Candidate(row: $0[0], pid: $0[1], token: $0[2], host: $0[3], heartbeat: $0[4]) }
        }
        guard !candidates.isEmpty else { return 0 }
        let host = ProcessIdentity.hostName
        var dead: [(Int64, String)] = []
        for c in candidates {
            if c.host == host, let pid = c.pid {
                let owner = ProcessIdentity(pid: pid, token: c.token ?? "", host: host)
                if !owner.isAlive { dead.append((c.row, "owner process \(pid) on \(host) is gone (crashed or killed)")) }
            } else if let beat = c.heartbeat, now - beat > staleAfter {
                // A stored heartbeat is outside input: far in the past it must not trap `Int(_:)`.
                let silence = Int(exactly: (now - beat).rounded(.down)).map { "\($0) s" } ?? "a very long time"
                dead.append((c.row, "no heartbeat from \(c.host ?? "?") for \(silence)"))
            }
        }
        guard !dead.isEmpty else { return 0 }
        return try store.writeImmediate { db in
            var count = 0
            for (row, reason) in dead {
                try db.execute(sql: "UPDATE runs SET status = 'FAILED', status_reason = ?, end_time = COALESCE(heartbeat, start_time) WHERE id = ? AND status IN ('RUNNING','QUEUED')",
                               arguments: [reason, row])
                count += db.changesCount
            }
            return count
        }
    }
}
