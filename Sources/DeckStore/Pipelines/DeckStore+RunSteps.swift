import Foundation
import GRDB

/// Step states of pipeline runs (`run_steps`) and the step cache (`step_cache`).
extension DeckStore {
    /// Records the steps of a run as PENDING (one transaction), replacing any earlier rows.
    public func recordSteps(_ steps: [RunStepRecord], run: RunHandle) throws {
        try writeImmediate { db in
            try db.execute(sql: "DELETE FROM run_steps WHERE run_id = ?", arguments: [try row(of: run, in: db)])
            for step in steps { try upsertStep(step, run: run, in: db) }
        }
    }

    /// Writes several steps' states in one transaction.
    public func updateSteps(_ steps: [RunStepRecord], run: RunHandle) throws {
        guard !steps.isEmpty else { return }
        try writeImmediate { db in for step in steps { try upsertStep(step, run: run, in: db) } }
    }

    func upsertStep(_ step: RunStepRecord, run: RunHandle, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO run_steps(run_id, name, position, kind, status, start_time, end_time, cache_hit, cache_key, reason, attempts, progress)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT DO UPDATE SET position = excluded.position, kind = excluded.kind, status = excluded.status,
                start_time = excluded.start_time, end_time = excluded.end_time, cache_hit = excluded.cache_hit,
                cache_key = excluded.cache_key, reason = excluded.reason, attempts = excluded.attempts, progress = excluded.progress
            """)
        try statement.execute(arguments: [try row(of: run, in: db), step.name, step.position, step.kind, step.status.rawValue, step.startTime,
                                          step.endTime, step.cacheHit, step.cacheKey, step.reason, step.attempts, step.progress])
    }

    /// The steps of a run in pipeline order (empty for runs that are not pipeline runs).
    public func runSteps(_ runID: String) throws -> [RunStepRecord] {
        try readMapped { db in
            try Row.fetchAll(db, sql: """
                SELECT s.name, s.position, s.kind, s.status, s.start_time, s.end_time, s.cache_hit, s.cache_key, s.reason, s.attempts, s.progress
                FROM run_steps s JOIN runs r ON r.id = s.run_id WHERE r.uuid = ? ORDER BY s.position
                """, arguments: [runID]).map {
                RunStepRecord(name: $0[0], position: $0[1], kind: $0[2], status: StepStatus(rawValue: $0[3]) ?? .pending,
                              startTime: $0[4], endTime: $0[5], cacheHit: $0[6], cacheKey: $0[7], reason: $0[8], attempts: $0[9], progress: $0[10])
            }
        }
    }

    /// Marks every step of a run that has not ended as `status` (used when a run ends early).
    public func closeOpenSteps(run: RunHandle, status: StepStatus, reason: String?) throws {
        try writeImmediate { db in
            try db.execute(sql: """
                UPDATE run_steps SET status = ?, reason = COALESCE(reason, ?), end_time = CASE WHEN start_time IS NULL THEN NULL ELSE ? END
                WHERE run_id = ? AND status IN ('PENDING', 'RUNNING')
                """, arguments: [status.rawValue, reason, Date().timeIntervalSince1970, try row(of: run, in: db)])
        }
    }

    // MARK: Step cache

    /// The manifest object cached under `key`, when there is one and its object is present.
    public func cachedStepManifest(key: String) throws -> ObjectID? {
        let hex = try readMapped { db in try String.fetchOne(db, sql: "SELECT manifest_object FROM step_cache WHERE key = ?", arguments: [key]) }
        guard let hex, let id = ObjectID(hex: hex), objects.contains(id) else { return nil }
        return id
    }

    /// Records a step's outputs under its cache key (the manifest object must be durable).
    public func storeStepCache(key: String, manifest: ObjectID, pipeline: String?, step: String?, runID: String?) throws {
        try writeImmediate { db in
            try db.execute(sql: """
                INSERT INTO step_cache(key, manifest_object, pipeline, step, run_id, created_at) VALUES (?,?,?,?,?,?)
                ON CONFLICT DO UPDATE SET manifest_object = excluded.manifest_object, run_id = excluded.run_id, created_at = excluded.created_at
                """, arguments: [key, manifest.hex, pipeline, step, runID, Date().timeIntervalSince1970])
        }
    }

    /// Forgets cached steps (all, or one pipeline's). Returns how many entries were removed.
    @discardableResult
    public func clearStepCache(pipeline: String? = nil) throws -> Int {
        try writeImmediate { db in
            if let pipeline { try db.execute(sql: "DELETE FROM step_cache WHERE pipeline = ?", arguments: [pipeline]) }
            else { try db.execute(sql: "DELETE FROM step_cache") }
            return db.changesCount
        }
    }
}

extension DeckStore {
    /// Records a running step's progress (0…1), e.g. training rounds done.
    public func updateStepProgress(run: RunHandle, step: String, progress: Double) throws {
        try writeImmediate { db in
            try db.execute(sql: "UPDATE run_steps SET progress = ? WHERE run_id = ? AND name = ?", arguments: [progress, try row(of: run, in: db), step])
        }
    }
}
