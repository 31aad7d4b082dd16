import Foundation
import GRDB

/// An experiment's soft-delete flag and tags (MLflow's lifecycle stage and experiment tags),
/// kept in the workspace so they outlast `mldeck server`.
public struct ExperimentState: Sendable, Equatable {
    public var deleted: Bool
    public var tags: [String: String]

    public init(deleted: Bool = false, tags: [String: String] = [:]) { self.deleted = deleted; self.tags = tags }
}

extension DeckStore {
    /// The experiment's deletion flag and tags (not deleted, no tags for an unknown id).
    public func experimentState(id: Int64) throws -> ExperimentState {
        try readMapped { db in
            let deleted = try Bool.fetchOne(db, sql: "SELECT deleted FROM experiments WHERE id = ?", arguments: [id]) ?? false
            var tags: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM experiment_tags WHERE experiment_id = ?", arguments: [id]) {
                tags[row[0]] = row[1]
            }
            return ExperimentState(deleted: deleted, tags: tags)
        }
    }

    /// Sets or clears the experiment's soft-delete flag.
    public func setExperimentDeleted(_ deleted: Bool, id: Int64) throws {
        try writeImmediate { db in
            try db.execute(sql: "UPDATE experiments SET deleted = ? WHERE id = ?", arguments: [deleted, id])
        }
    }

    /// Sets tags on the experiment (a tag may change).
    public func setExperimentTags(_ tags: [String: String], id: Int64) throws {
        guard !tags.isEmpty else { return }
        try writeImmediate { db in
            for (key, value) in tags {
                try db.execute(sql: "INSERT INTO experiment_tags(experiment_id, key, value) VALUES (?,?,?) ON CONFLICT DO UPDATE SET value = excluded.value",
                               arguments: [id, key, value])
            }
        }
    }
}
