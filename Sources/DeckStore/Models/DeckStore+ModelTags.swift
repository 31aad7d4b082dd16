import Foundation
import GRDB

/// Tags on model versions (`mldeck models tag NAME@VERSION KEY=VALUE … [--rm KEY]`): free
/// key/value text kept with a version, shown by `models show` and filtered on as `tags.KEY` by
/// `models promote --where` and the `select` step's `where:`.
extension DeckStore {
    /// The longest tag key and value accepted.
    public static let maxTagKeyLength = 250
    public static let maxTagValueLength = 5_000

    /// Sets `set` and removes `remove` on version `version` of `model` in one transaction, and
    /// returns the version as recorded. Removing a key the version does not have is an error (a
    /// typo would otherwise pass unnoticed); setting a key to its current value is not.
    @discardableResult
    public func tagModelVersion(model: String, version: Int, set: [String: String], remove: [String] = []) throws -> ModelVersionRecord {
        for (key, value) in set { try Self.validateTag(key: key, value: value) }
        for key in remove { try Self.validateTag(key: key, value: "") }
        if let both = remove.first(where: { set[$0] != nil }) {
            throw ProductionRegistryError.invalidTag(key: both, reason: "is both set and removed; give it once")
        }
        try writeImmediate { db in
            let row = try versionRowID(model: model, version: version, in: db)
            for key in remove {
                try db.execute(sql: "DELETE FROM model_version_tags WHERE version_id = ? AND key = ?", arguments: [row, key])
                if db.changesCount == 0 {
                    let known = try String.fetchAll(db, sql: "SELECT key FROM model_version_tags WHERE version_id = ? ORDER BY key", arguments: [row])
                    throw ProductionRegistryError.unknownTag(model: model, version: version, key: key, known: known)
                }
            }
            for (key, value) in set.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: """
                    INSERT INTO model_version_tags(version_id, key, value) VALUES (?,?,?)
                    ON CONFLICT DO UPDATE SET value = excluded.value
                    """, arguments: [row, key, value])
            }
        }
        return try modelVersion(ModelReference(model: model, selector: .version(version)))
    }

    /// The row id of `model`@`version`, or the registry's own not-found errors.
    func versionRowID(model: String, version: Int, in db: Database) throws -> Int64 {
        guard let modelID = try Int64.fetchOne(db, sql: "SELECT id FROM models WHERE name = ?", arguments: [model]) else {
            throw ModelRegistryError.unknownModel(model, known: try String.fetchAll(db, sql: "SELECT name FROM models ORDER BY name"))
        }
        guard let row = try Int64.fetchOne(db, sql: "SELECT id FROM model_versions WHERE model_id = ? AND version = ?", arguments: [modelID, version]) else {
            let latest = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM model_versions WHERE model_id = ?", arguments: [modelID])
            throw ModelRegistryError.unknownVersion(model: model, version: version, latest: latest)
        }
        return row
    }

    /// Every version's tags of one model, by version row id.
    func versionTags(_ db: Database, modelID: Int64) throws -> [Int64: [String: String]] {
        var tags: [Int64: [String: String]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT t.version_id, t.key, t.value FROM model_version_tags t JOIN model_versions v ON v.id = t.version_id WHERE v.model_id = ?
            """, arguments: [modelID]) {
            tags[row[0], default: [:]][row[1]] = row[2]
        }
        return tags
    }

    static func validateTag(key: String, value: String) throws {
        guard !key.isEmpty, key.count <= maxTagKeyLength else {
            throw ProductionRegistryError.invalidTag(key: key, reason: "a key is 1 to \(maxTagKeyLength) characters")
        }
        if key.contains("=") || key.contains(where: { $0.isNewline || $0.isWhitespace }) {
            throw ProductionRegistryError.invalidTag(key: key, reason: "a key may not contain '=', spaces or line breaks")
        }
        guard value.count <= maxTagValueLength else {
            throw ProductionRegistryError.invalidTag(key: key, reason: "the value is \(value.count) characters; the limit is \(maxTagValueLength)")
        }
    }
}
