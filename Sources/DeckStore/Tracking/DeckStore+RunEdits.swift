import Foundation
import GRDB

/// An experiment with its row id (MLflow-compatible servers name experiments by id).
public struct ExperimentRecord: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var createdAt: Double

    public init(id: Int64, name: String, createdAt: Double) { self.id = id; self.name = name; self.createdAt = createdAt }
}

extension DeckStore {
    /// Every experiment, oldest first.
    public func experimentRecords() throws -> [ExperimentRecord] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, created_at FROM experiments ORDER BY id")
                .map { ExperimentRecord(id: $0[0], name: $0[1], createdAt: $0[2]) }
        }
    }

    /// The experiment with that row id, or nil.
    public func experimentRecord(id: Int64) throws -> ExperimentRecord? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, created_at FROM experiments WHERE id = ?", arguments: [id])
                .map { ExperimentRecord(id: $0[0], name: $0[1], createdAt: $0[2]) }
        }
    }

    /// The experiment of that name, or nil.
    public func experimentRecord(named name: String) throws -> ExperimentRecord? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, created_at FROM experiments WHERE name = ?", arguments: [name])
                .map { ExperimentRecord(id: $0[0], name: $0[1], createdAt: $0[2]) }
        }
    }

    /// The experiment of that name, created when it does not exist yet.
    @discardableResult
    public func ensureExperiment(named name: String) throws -> ExperimentRecord {
        _ = try experimentID(named: name)
        guard let record = try experimentRecord(named: name) else { throw TrackingError.runNotFound(name) }  // not reached: just created
        return record
    }

    /// Renames an experiment; false when another experiment already has `name` or `id` does not exist.
    @discardableResult
    public func renameExperiment(id: Int64, to name: String) throws -> Bool {
        try writeImmediate { db in
            if try Int64.fetchOne(db, sql: "SELECT id FROM experiments WHERE name = ? AND id != ?", arguments: [name, id]) != nil { return false }
            try db.execute(sql: "UPDATE experiments SET name = ? WHERE id = ?", arguments: [name, id])
            return db.changesCount > 0
        }
    }

    /// Renames a run.
    public func renameRun(_ run: RunHandle, to name: String) throws {
        try writeImmediate { db in try renameRun(run, to: name, in: db) }
    }

    func renameRun(_ run: RunHandle, to name: String, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE runs SET name = ? WHERE id = ?").execute(arguments: [name, run.rowID])
    }

    /// Removes a tag; false when the run has no tag `key`.
    @discardableResult
    public func deleteTag(_ key: String, run: RunHandle) throws -> Bool {
        try writeImmediate { db in
            guard let keyID = try keyCache.existingID(for: key, in: db) else { return false }
            try db.execute(sql: "DELETE FROM tags WHERE run_id = ? AND key_id = ?", arguments: [run.rowID, keyID])
            return db.changesCount > 0
        }
    }

    /// Records the command and git commit learned after the start (nil fields are left alone).
    public func updateSource(command: String?, gitCommit: String?, run: RunHandle) throws {
        guard command != nil || gitCommit != nil else { return }
        try writeImmediate { db in try updateSource(command: command, gitCommit: gitCommit, run: run, in: db) }
    }

    func updateSource(command: String?, gitCommit: String?, run: RunHandle, in db: Database) throws {
        guard command != nil || gitCommit != nil else { return }
        try db.execute(sql: "UPDATE runs SET command = COALESCE(?, command), git_commit = COALESCE(?, git_commit) WHERE id = ?",
                       arguments: [command, gitCommit, run.rowID])
    }

    /// Sets the parent run (by full id); false when no run has that id.
    @discardableResult
    public func setParent(_ parentID: String, run: RunHandle) throws -> Bool {
        try writeImmediate { db in try setParent(parentID, run: run, in: db) }
    }

    func setParent(_ parentID: String, run: RunHandle, in db: Database) throws -> Bool {
        guard let parent = try Int64.fetchOne(db, sql: "SELECT id FROM runs WHERE uuid = ?", arguments: [parentID.lowercased()]),
              parent != run.rowID else { return false }
        try db.execute(sql: "UPDATE runs SET parent_run_id = ? WHERE id = ?", arguments: [parent, run.rowID])
        return true
    }

    /// Puts a FAILED run whose reason starts with `reasonPrefix` back to RUNNING (no end time, no
    /// reason): `mldeck server --inactive-after` revives a run it failed when the client calls again.
    /// False when the run is in any other state.
    @discardableResult
    public func reviveRun(_ run: RunHandle, reasonPrefix: String) throws -> Bool {
        try writeImmediate { db in try reviveRun(run, reasonPrefix: reasonPrefix, in: db) }
    }

    func reviveRun(_ run: RunHandle, reasonPrefix: String, in db: Database) throws -> Bool {
        try db.execute(sql: """
            UPDATE runs SET status = 'RUNNING', status_reason = NULL, end_time = NULL
            WHERE id = ? AND status = 'FAILED' AND substr(status_reason, 1, ?) = ?
            """, arguments: [try row(of: run, in: db), reasonPrefix.count, reasonPrefix])
        return db.changesCount > 0
    }

    /// The run with exactly this id (no prefix or name lookup), or nil.
    public func runRecord(exactID id: String) throws -> RunRecord? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.runColumns) FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.uuid = ?",
                             arguments: [id.lowercased()]).map { try Self.requiredRunRecord($0) }
        }
    }
}
