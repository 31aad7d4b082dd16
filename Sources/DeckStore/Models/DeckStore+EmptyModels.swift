import Foundation
import GRDB

/// Registered models before their first version (MLflow's `create_registered_model`; MLDeck's
/// own registry creates a model with its first version).
extension DeckStore {
    /// Creates `name` with no versions; false when a model of that name already exists.
    @discardableResult
    public func createModel(named name: String, description: String? = nil) throws -> Bool {
        try Self.validateModelName(name)
        return try writeImmediate { db in
            if try Int64.fetchOne(db, sql: "SELECT id FROM models WHERE name = ?", arguments: [name]) != nil { return false }
            try db.execute(sql: "INSERT INTO models(name, description, created_at) VALUES (?, ?, ?)",
                           arguments: [name, description, Date().timeIntervalSince1970])
            return true
        }
    }
}
