import Foundation
import GRDB

/// The SQLite implementation of ``TriggerStore``: the runner lease and trigger firing state.
extension DeckStore {
    static let leaseName = "runner"

    public func acquireRunnerLease(holder: String, role: String, owner: ProcessIdentity, now: Double, ttl: Double) throws -> RunnerLeaseResult {
        try writeImmediate { db in
            let current = try Self.lease(db)
            if let current, current.holder != holder, !current.isTakeable(now: now) { return .heldByOther(current) }
            let acquired = current?.holder == holder ? (current?.acquiredAt ?? now) : now
            let lease = RunnerLease(holder: holder, role: role, owner: owner, acquiredAt: acquired, heartbeatAt: now, expiresAt: now + ttl)
            try db.execute(sql: """
                INSERT OR REPLACE INTO runner_lease(name, holder, role, pid, token, host, acquired_at, heartbeat_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Self.leaseName, holder, role, Int64(owner.pid), owner.token, owner.host, acquired, now, now + ttl])
            return .acquired(lease, tookOverFrom: current?.holder == holder ? nil : current)
        }
    }

    public func renewRunnerLease(holder: String, now: Double, ttl: Double) throws -> Bool {
        try writeImmediate { db in
            try db.execute(sql: "UPDATE runner_lease SET heartbeat_at = ?, expires_at = ? WHERE name = ? AND holder = ?",
                           arguments: [now, now + ttl, Self.leaseName, holder])
            return db.changesCount > 0
        }
    }

    public func releaseRunnerLease(holder: String) throws {
        try writeImmediate { db in
            try db.execute(sql: "DELETE FROM runner_lease WHERE name = ? AND holder = ?", arguments: [Self.leaseName, holder])
        }
    }

    public func runnerLease() throws -> RunnerLease? {
        try readMapped { db in try Self.lease(db) }
    }

    static func lease(_ db: Database) throws -> RunnerLease? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT holder, role, pid, token, host, acquired_at, heartbeat_at, expires_at FROM runner_lease WHERE name = ?
            """, arguments: [leaseName]) else { return nil }
        let pid = Int64.fromDatabaseValue(row[2]).flatMap { Int32(exactly: $0) } ?? 0
        return RunnerLease(holder: row[0], role: row[1], owner: ProcessIdentity(pid: pid, token: row[3], host: row[4]),
                           acquiredAt: row[5], heartbeatAt: row[6], expiresAt: row[7])
    }

    public func triggerStates() throws -> [TriggerStateRecord] {
        try readMapped { db in
            try Row.fetchAll(db, sql: "SELECT pipeline, trigger_key, last_seen, checked_at, last_fired_at, last_reason FROM trigger_state ORDER BY pipeline, trigger_key")
                .map { TriggerStateRecord(pipeline: $0[0], triggerKey: $0[1], lastSeen: $0[2], checkedAt: $0[3], lastFiredAt: $0[4], lastReason: $0[5]) }
        }
    }

    @discardableResult
    public func recordTriggerCheck(_ state: TriggerStateRecord, firing: TriggerFiring?) throws -> Int64? {
        let id = try writeImmediate { db -> Int64? in
            var lastFired = state.lastFiredAt, lastReason = state.lastReason
            if let firing { lastFired = firing.at; lastReason = firing.reason }
            try db.execute(sql: """
                INSERT INTO trigger_state(pipeline, trigger_key, last_seen, checked_at, last_fired_at, last_reason) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(pipeline, trigger_key) DO UPDATE SET last_seen = excluded.last_seen, checked_at = excluded.checked_at,
                    last_fired_at = COALESCE(excluded.last_fired_at, last_fired_at), last_reason = COALESCE(excluded.last_reason, last_reason)
                """, arguments: [state.pipeline, state.triggerKey, state.lastSeen, state.checkedAt, lastFired, lastReason])
            guard let firing else { return nil }
            if let pending = try Int64.fetchOne(db, sql: """
                SELECT id FROM trigger_firings WHERE pipeline = ? AND trigger_key = ? AND status = 'pending' ORDER BY id LIMIT 1
                """, arguments: [state.pipeline, state.triggerKey]) {
                try db.execute(sql: "UPDATE trigger_firings SET count = count + 1, reason = ?, last_at = ? WHERE id = ?",
                               arguments: [firing.reason, firing.at, pending])
                return pending
            }
            try db.execute(sql: """
                INSERT INTO trigger_firings(pipeline, trigger_key, kind, reason, fired_at, last_at, due_at, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')
                """, arguments: [state.pipeline, state.triggerKey, firing.kind, firing.reason, firing.at, firing.at, firing.at + max(0, firing.debounce)])
            Failpoint.hit("trigger-fire.before-commit")
            return db.lastInsertedRowID
        }
        if firing != nil { Failpoint.hit("trigger-fire.after-commit") }
        return id
    }

    static let firingColumns = "id, pipeline, trigger_key, kind, reason, fired_at, last_at, due_at, count, status, run_id, started_at, finished_at, run_status, alerted"

    static func firing(_ row: Row) -> TriggerFiringRecord {
        TriggerFiringRecord(id: row[0], pipeline: row[1], triggerKey: row[2], kind: row[3], reason: row[4], firedAt: row[5], lastAt: row[6],
                            dueAt: row[7], count: Int(clamping: Int64.fromDatabaseValue(row[8]) ?? 1),
                            status: TriggerFiringStatus(rawValue: String.fromDatabaseValue(row[9]) ?? "") ?? .finished,
                            runID: row[10], startedAt: row[11], finishedAt: row[12], runStatus: row[13],
                            alerted: (Int64.fromDatabaseValue(row[14]) ?? 0) != 0)
    }

    public func openTriggerFirings() throws -> [TriggerFiringRecord] {
        try readMapped { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.firingColumns) FROM trigger_firings WHERE status != 'finished' ORDER BY id").map(Self.firing)
        }
    }

    public func recentTriggerFirings(limit: Int) throws -> [TriggerFiringRecord] {
        try readMapped { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.firingColumns) FROM trigger_firings ORDER BY id DESC LIMIT ?", arguments: [max(0, limit)]).map(Self.firing)
        }
    }

    public func updateTriggerFirings(_ ids: [Int64], status: TriggerFiringStatus, runID: String?, at: Double) throws {
        guard !ids.isEmpty else { return }
        try writeImmediate { db in
            if status == .started { Failpoint.hit("trigger-start.before-commit") }
            for id in ids {
                try db.execute(sql: """
                    UPDATE trigger_firings SET status = ?, run_id = ?, started_at = CASE WHEN ? = 'started' THEN ? ELSE started_at END
                    WHERE id = ? AND status != 'finished'
                    """, arguments: [status.rawValue, runID, status.rawValue, at, id])
            }
        }
        if status == .started { Failpoint.hit("trigger-start.after-commit") }
    }

    public func finishTriggerFirings(runID: String, runStatus: String, at: Double) throws {
        try writeImmediate { db in
            try db.execute(sql: "UPDATE trigger_firings SET status = 'finished', run_status = ?, finished_at = ? WHERE run_id = ? AND status != 'finished'",
                           arguments: [runStatus, at, runID])
        }
    }

    public func markTriggerFiringsAlerted(runID: String) throws -> Bool {
        try writeImmediate { db in
            try db.execute(sql: "UPDATE trigger_firings SET alerted = 1 WHERE run_id = ? AND alerted = 0", arguments: [runID])
            return db.changesCount > 0
        }
    }

}
