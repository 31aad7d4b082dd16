import Foundation
import GRDB

/// The dataset registry's records: datasets, versions, tags (query API for the CLI and the dashboard).
extension DeckStore {
    static let versionColumns = """
        d.name, v.id, v.number, v.content_hash, v.content_kind, v.parent_number, v.message, v.author, v.created_at,
        v.source_path, v.format, v.logical_bytes, v.stored_bytes, v.object_count, v.chunk_count, v.file_count,
        v.row_count, v.column_count, v.schema, v.key_columns, v.na_tokens, v.skipped_rows
        """

    /// Every dataset with its latest version, by name.
    public func datasets() throws -> [DatasetSummary] {
        try readMapped { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT d.id, d.name, d.created_at, COUNT(v.id), COALESCE(SUM(v.stored_bytes), 0), MAX(v.number)
                FROM datasets d LEFT JOIN dataset_versions v ON v.dataset_id = d.id
                GROUP BY d.id ORDER BY d.name
                """)
            var out: [DatasetSummary] = []
            for row in rows {
                let r = RecordReader(row: row, reference: "dataset \((row[1] as DatabaseValue).storage.value.map { "\($0)" } ?? "?")")
                do {
                    var latest: DatasetVersionRecord?
                    if let number: Int = try r.optional(5, "latest version number") {
                        var damage: RecordDamage?
                        latest = try Self.fetchVersions(db, where: "v.dataset_id = ? AND v.number = ?", arguments: [try r.value(0, "row id", as: Int64.self), number],
                                                        skipping: { damage = $0 }).first
                        if let damage { throw damage }
                    }
                    out.append(DatasetSummary(name: try r.value(1, "name"), createdAt: try r.value(2, "creation time"), versionCount: try r.value(3, "version count"),
                                              storedBytes: try r.value(4, "stored size"), latest: latest))
                } catch let damage as RecordDamage {
                    onDamagedRecord?(damage.warning)
                }
            }
            return out
        }
    }

    /// The versions of a dataset, oldest first. Profiles are loaded only when `includeProfiles`.
    public func datasetVersions(_ name: String, includeProfiles: Bool = false) throws -> [DatasetVersionRecord] {
        try DatasetName.validate(name)
        return try readMapped { db in
            guard try Int64.fetchOne(db, sql: "SELECT id FROM datasets WHERE name = ?", arguments: [name]) != nil else {
                throw DatasetError.datasetNotFound(name)
            }
            return try Self.fetchVersions(db, where: "d.name = ?", arguments: [name], profiles: includeProfiles,
                                          skipping: { [onDamagedRecord] in onDamagedRecord?($0.warning) })
        }
    }

    /// The version a reference names (`NAME`, `NAME@3`, `NAME@sha256:9f2c`), with its profile.
    public func datasetVersion(_ reference: DatasetReference) throws -> DatasetVersionRecord {
        try readMapped { db in try Self.resolve(reference, in: db) }
    }

    /// The latest version of a dataset, or nil when it has none (or does not exist).
    public func latestDatasetVersion(named name: String) throws -> DatasetVersionRecord? {
        try readMapped { db in
            try Self.fetchVersions(db, where: "d.name = ?", arguments: [name], order: "v.number DESC", limit: 1, profiles: true).first
        }
    }

    /// Records a new version whose objects are durable. When its content equals the latest
    /// version's and `force` is false, records nothing and returns `.unchanged`.
    /// One `BEGIN IMMEDIATE` transaction: the version, its tags and its object list appear together or not at all.
    public func recordDatasetVersion(_ draft: DatasetVersionDraft, force: Bool = false) throws -> DatasetRecordOutcome {
        try DatasetName.validate(draft.name)
        for key in draft.tags.keys { try Self.validateTagKey(key) }
        let hash = draft.content.contentHash.hex
        let outcome: DatasetRecordOutcome = try writeImmediate { db in
            var datasetID: Int64
            var next: Int
            if let row = try Row.fetchOne(db, sql: "SELECT id, next_number FROM datasets WHERE name = ?", arguments: [draft.name]) {
                datasetID = row[0]; next = row[1]
            } else {
                try db.execute(sql: "INSERT INTO datasets(name, created_at, next_number) VALUES (?, ?, 1)", arguments: [draft.name, draft.createdAt])
                datasetID = db.lastInsertedRowID; next = 1
            }
            let latest = try Self.fetchVersions(db, where: "v.dataset_id = ?", arguments: [datasetID], order: "v.number DESC", limit: 1).first
            if let latest, latest.contentHash == hash, !force { return .unchanged(latest: latest) }
            try db.execute(sql: "UPDATE datasets SET next_number = ? WHERE id = ?", arguments: [next + 1, datasetID])
            let c = draft.content
            try db.execute(sql: """
                INSERT INTO dataset_versions(dataset_id, number, content_hash, content_kind, parent_number, message, author, created_at,
                    source_path, format, logical_bytes, stored_bytes, object_count, chunk_count, file_count, row_count, column_count,
                    schema, profile, key_columns, na_tokens, skipped_rows, skipped)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """, arguments: [datasetID, next, hash, c.kind.rawValue, latest?.number, draft.message, draft.author, draft.createdAt,
                                 draft.sourcePath, draft.format.rawValue, c.logicalBytes, c.newBytes, c.objects.count, c.chunkCount,
                                 c.fileCount, draft.rows, draft.columns, try draft.schema.map(Self.json), draft.profileJSON,
                                 try Self.json(draft.keyColumns), try Self.json(draft.naTokens), draft.skippedRows, draft.skippedJSON])
            let versionID = db.lastInsertedRowID
            let tag = try db.cachedStatement(sql: "INSERT INTO dataset_version_tags(version_id, key, value) VALUES (?,?,?)")
            for (k, v) in draft.tags { try tag.execute(arguments: [versionID, k, v]) }
            let object = try db.cachedStatement(sql: "INSERT INTO dataset_version_objects(version_id, object, size) VALUES (?,?,?)")
            for (id, size) in c.objects { try object.execute(arguments: [versionID, id.hex, size]) }
            let record = try Self.fetchVersions(db, where: "v.id = ?", arguments: [versionID], profiles: true).first!
            Failpoint.hit("dataset-add.before-commit")
            return .recorded(record)
        }
        if case .recorded = outcome { Failpoint.hit("dataset-add.after-commit") }
        return outcome
    }

    /// Sets and removes tags of a version; returns the updated version.
    @discardableResult
    public func setDatasetTags(_ reference: DatasetReference, set: [String: String], remove: [String] = []) throws -> DatasetVersionRecord {
        for key in set.keys { try Self.validateTagKey(key) }
        return try writeImmediate { db in
            let record = try Self.resolve(reference, in: db)
            let id = try Self.versionRowID(record, in: db)
            for key in remove { try db.execute(sql: "DELETE FROM dataset_version_tags WHERE version_id = ? AND key = ?", arguments: [id, key]) }
            for (k, v) in set {
                try db.execute(sql: "INSERT INTO dataset_version_tags(version_id, key, value) VALUES (?,?,?) ON CONFLICT DO UPDATE SET value = excluded.value",
                               arguments: [id, k, v])
            }
            return try Self.resolve(DatasetReference(name: record.dataset, selector: .number(record.number)), in: db)
        }
    }

    /// Model versions trained on this version (`model_versions.dataset_name` / `dataset_version_number`),
    /// as `MODEL@VERSION`. Empty when the model registry has no such table.
    public func datasetDependents(_ record: DatasetVersionRecord) throws -> [String] {
        try readMapped { db in try Self.dependents(record, in: db) }
    }

    /// Runs that recorded this version as their dataset (`runs.dataset_version` = `NAME@N`), newest
    /// first, as `RUNID-PREFIX NAME`.
    public func datasetRuns(_ record: DatasetVersionRecord, limit: Int = 50) throws -> [String] {
        try readMapped { db in
            try Row.fetchAll(db, sql: "SELECT uuid, name FROM runs WHERE dataset_version = ? AND deleted = 0 ORDER BY start_time DESC LIMIT ?",
                             arguments: [record.reference, limit]).map { "\(($0[0] as String).prefix(8)) \($0[1] as String)" }
        }
    }

    /// Removes a version (its objects become orphans that `mldeck gc` removes). Refused while model
    /// versions depend on it unless `force`. Returns the removed version.
    @discardableResult
    public func removeDatasetVersion(_ reference: DatasetReference, force: Bool = false) throws -> DatasetVersionRecord {
        try writeImmediate { db in
            let record = try Self.resolve(reference, in: db)
            let dependents = try Self.dependents(record, in: db)
            if !dependents.isEmpty && !force { throw DatasetError.hasDependents(reference: record.reference, dependents: dependents) }
            try db.execute(sql: "DELETE FROM dataset_versions WHERE id = ?", arguments: [try Self.versionRowID(record, in: db)])
            return record
        }
    }

    /// Every object referenced by some dataset version, with its size.
    public func datasetObjectReferences() throws -> [(object: ObjectID, size: Int64, reference: String)] {
        try readMapped { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT o.object, o.size, d.name || '@' || v.number FROM dataset_version_objects o
                JOIN dataset_versions v ON v.id = o.version_id JOIN datasets d ON d.id = v.dataset_id
                """)
            var out: [(ObjectID, Int64, String)] = []
            while let row = try cursor.next() {
                if let id = ObjectID(hex: row[0]) { out.append((id, row[1], row[2])) }
            }
            return out
        }
    }

    // MARK: Helpers

    static func resolve(_ reference: DatasetReference, in db: Database) throws -> DatasetVersionRecord {
        guard try Int64.fetchOne(db, sql: "SELECT id FROM datasets WHERE name = ?", arguments: [reference.name]) != nil else {
            throw DatasetError.datasetNotFound(reference.name)
        }
        switch reference.selector {
        case .latest:
            if let r = try fetchVersions(db, where: "d.name = ?", arguments: [reference.name], order: "v.number DESC", limit: 1, profiles: true).first { return r }
        case .number(let n):
            if let r = try fetchVersions(db, where: "d.name = ? AND v.number = ?", arguments: [reference.name, n], profiles: true).first { return r }
        case .hashPrefix(let prefix):
            let found = try fetchVersions(db, where: "d.name = ? AND v.content_hash >= ? AND v.content_hash < ?",
                                          arguments: [reference.name, prefix, prefix + "g"], profiles: true)
            let distinct = Set(found.map(\.contentHash))
            if distinct.count > 1 { throw DatasetError.ambiguousHash(reference: reference.description, matches: found.map(\.number)) }
            // The same content recorded twice (--force): the latest of them.
            if let r = found.last { return r }
        }
        throw DatasetError.versionNotFound(reference.description)
    }

    /// The versions matching `condition`. A version that cannot be read back is passed to
    /// `skipping` and left out when it is given (listings); otherwise it throws
    /// ``WorkspaceError/damagedRecord(reference:reason:)`` (commands that need that version).
    static func fetchVersions(_ db: Database, where condition: String, arguments: StatementArguments, order: String = "v.number",
                              limit: Int? = nil, profiles: Bool = false,
                              skipping: ((RecordDamage) -> Void)? = nil) throws -> [DatasetVersionRecord] {
        let sql = "SELECT \(versionColumns)\(profiles ? ", v.profile, v.skipped" : "") FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE \(condition) ORDER BY \(order)\(limit.map { " LIMIT \($0)" } ?? "")"
        let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
        var out: [DatasetVersionRecord] = []
        for row in rows {
            do {
                out.append(try versionRecord(row, profiles: profiles, in: db))
            } catch let damage as RecordDamage {
                guard let skipping else { throw damage.workspaceError }
                skipping(damage)
            }
        }
        return out
    }

    /// Reads one `versionColumns` row; throws ``RecordDamage`` naming the version and the column.
    static func versionRecord(_ row: Row, profiles: Bool, in db: Database) throws -> DatasetVersionRecord {
        let name = (row[0] as DatabaseValue).storage.value.map { "\($0)" } ?? "?"
        let number = (row[2] as DatabaseValue).storage.value.map { "\($0)" } ?? "?"
        let r = RecordReader(row: row, reference: "dataset \(name)@\(number)")
        let versionID: Int64 = try r.value(1, "row id")
        var tags: [String: String] = [:]
        for t in try Row.fetchAll(db, sql: "SELECT key, value FROM dataset_version_tags WHERE version_id = ?", arguments: [versionID]) {
            let tr = RecordReader(row: t, reference: r.reference)
            tags[try tr.value(0, "tag key")] = try tr.value(1, "tag value")
        }
        let hash: String = try r.value(3, "content hash")
        guard ObjectID(hex: hash) != nil else { throw RecordDamage(reference: r.reference, reason: "its content hash is not a SHA-256") }
        let kindText: String = try r.value(4, "content kind")
        guard let kind = DatasetContentKind(rawValue: kindText) else {
            throw RecordDamage(reference: r.reference, reason: "its content kind '\(kindText.prefix(40))' is unknown")
        }
        var record = DatasetVersionRecord(
            dataset: try r.value(0, "dataset name"), number: try r.value(2, "number"), contentHash: hash,
            contentKind: kind, parent: try r.optional(5, "parent"), message: try r.value(6, "message"), tags: tags,
            author: try r.value(7, "author"), createdAt: try r.value(8, "creation time"), sourcePath: try r.value(9, "source path"),
            format: DatasetFormat(rawValue: try r.value(10, "format")) ?? .file,
            logicalBytes: try r.value(11, "size"), storedBytes: try r.value(12, "stored size"), objectCount: try r.value(13, "object count"),
            chunkCount: try r.value(14, "chunk count"), fileCount: try r.value(15, "file count"),
            rows: try r.optional(16, "row count"), columns: try r.optional(17, "column count"),
            schema: try r.json(18, "schema", as: [DatasetColumnSchema].self),
            keyColumns: try r.json(19, "key columns", as: [String].self) ?? [],
            naTokens: try r.json(20, "missing-value tokens", as: [String].self) ?? [],
            skippedRows: try r.optional(21, "skipped row count"))
        if profiles {
            record.profileJSON = try r.optional(22, "profile")
            record.skippedJSON = try r.optional(23, "skipped rows")
            for (text, column) in [(record.profileJSON, "profile"), (record.skippedJSON, "skipped rows")] {
                if let text, (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) == nil {
                    throw RecordDamage(reference: r.reference, reason: "its \(column) is not valid JSON")
                }
            }
        }
        return record
    }

    static func versionRowID(_ record: DatasetVersionRecord, in db: Database) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: """
            SELECT v.id FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.name = ? AND v.number = ?
            """, arguments: [record.dataset, record.number]) else { throw DatasetError.versionNotFound(record.reference) }
        return id
    }

    static func dependents(_ record: DatasetVersionRecord, in db: Database) throws -> [String] {
        guard try db.tableExists("model_versions") else { return [] }
        let columns = Set(try db.columns(in: "model_versions").map(\.name))
        guard columns.contains("dataset_name"), columns.contains("dataset_version_number") else { return [] }
        if try db.tableExists("models"), columns.contains("model_id"), columns.contains("version") {
            return try Row.fetchAll(db, sql: """
                SELECT m.name, v.version FROM model_versions v JOIN models m ON m.id = v.model_id
                WHERE v.dataset_name = ? AND v.dataset_version_number = ? ORDER BY m.name, v.version
                """, arguments: [record.dataset, record.number]).map { "\($0[0] as String)@\($0[1] as Int)" }
        }
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM model_versions WHERE dataset_name = ? AND dataset_version_number = ?",
                                     arguments: [record.dataset, record.number]) ?? 0
        return (0..<count).map { "model version #\($0 + 1)" }
    }

    static func validateTagKey(_ key: String) throws {
        guard !key.isEmpty, key.utf8.count <= 250,
              key.unicodeScalars.allSatisfy({ DatasetName.isAlphanumeric($0) || "._-/ ".unicodeScalars.contains($0) }) else {
            throw DatasetError.invalidTag(key)
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
