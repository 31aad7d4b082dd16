import Foundation
import GRDB

/// The model registry: versions (1, 2, … per model), aliases and the history of every alias move.
///
/// A version or an alias move is recorded whole, in one `BEGIN IMMEDIATE` transaction, after the
/// objects it points to are durable (``registerModelVersion(_:alias:author:reason:)`` checks they
/// are present).
extension DeckStore {
    // MARK: Writing

    /// Registers a new version of `new.model` (creating the model on first use); optionally
    /// points `alias` at it in the same transaction. Returns the version as recorded.
    @discardableResult
    public func registerModelVersion(_ new: NewModelVersion, alias: String? = nil, author: String = DeckStore.defaultAuthor,
                                     reason: String? = nil) throws -> ModelVersionRecord {
        try registerModelVersion(new, alias: alias, author: author, reason: reason, tags: [:])
    }

    /// Registers a new version as ``registerModelVersion(_:alias:author:reason:)`` does, with
    /// `tags` set on it in the same transaction (an import's key, so a rerun finds it).
    @discardableResult
    public func registerModelVersion(_ new: NewModelVersion, alias: String? = nil, author: String = DeckStore.defaultAuthor,
                                     reason: String? = nil, tags: [String: String]) throws -> ModelVersionRecord {
        try Self.validateModelName(new.model)
        for (key, value) in tags { try Self.validateTag(key: key, value: value) }
        let alias = alias.map(Self.aliasKey)
        if let alias { try Self.validateModelName(alias) }
        for (object, role) in [(new.modelObject, "model"), (new.preprocessingObject, "preprocessing"), (new.referenceObject, "reference data")] {
            if let object, !objects.contains(object) {
                throw ModelRegistryError.missingObject(model: new.model, object: object.hex, role: role)
            }
        }
        let now = Date().timeIntervalSince1970
        let version = try writeImmediate { db -> Int in
            let modelID = try modelRowID(new.model, create: true, in: db, now: now)!
            let next = (try Int.fetchOne(db, sql: "SELECT MAX(version) FROM model_versions WHERE model_id = ?", arguments: [modelID]) ?? 0) + 1
            try db.execute(sql: """
                INSERT INTO model_versions(model_id, version, created_at, run_id, task, framework, model_object, preprocessing_object,
                    reference_object, signature, metrics, params, dataset_name, dataset_version_number, dataset_hash, code_hash, description)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """, arguments: [modelID, next, now, new.runID, new.task, new.framework, new.modelObject.hex, new.preprocessingObject?.hex,
                                 new.referenceObject?.hex, RegistryJSON.encode(new.signature), RegistryJSON.encode(new.metrics),
                                 RegistryJSON.encode(new.params), new.datasetName, new.datasetVersionNumber, new.datasetHash,
                                 new.codeHash, new.description])
            let versionRow = db.lastInsertedRowID
            for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO model_version_tags(version_id, key, value) VALUES (?,?,?)", arguments: [versionRow, key, value])
            }
            if let alias {
                _ = try moveAlias(modelID: modelID, model: new.model, alias: alias, toVersionRow: versionRow, toVersion: next,
                              author: author, reason: reason, runID: new.runID, now: now, in: db)
            }
            Failpoint.hit("model-register.before-commit")
            return next
        }
        Failpoint.hit("model-register.after-commit")
        return try modelVersion(ModelReference(model: new.model, selector: .version(version)))
    }

    /// Points `model@version`'s reference data at `object` when it still points at `from` (see ``ModelStore``).
    @discardableResult
    public func replaceReferenceObject(model: String, version: Int, from: ObjectID?, to object: ObjectID) throws -> Bool {
        guard objects.contains(object) else {
            throw ModelRegistryError.missingObject(model: model, object: object.hex, role: "reference data")
        }
        let now = Date().timeIntervalSince1970
        return try writeImmediate { db -> Bool in
            guard let modelID = try modelRowID(model, create: false, in: db, now: now) else {
                throw ModelRegistryError.unknownModel(model, known: try String.fetchAll(db, sql: "SELECT name FROM models ORDER BY name"))
            }
            try db.execute(sql: "UPDATE model_versions SET reference_object = ? WHERE model_id = ? AND version = ? AND reference_object IS ?",
                           arguments: [object.hex, modelID, version, from?.hex])
            return db.changesCount > 0
        }
    }

    /// Points `alias` of `model` at `version`, recording time, author, from → to and reason (and,
    /// for a served alias, the deployment, with `runID` when a pipeline run moves it).
    /// Returns the history entry, or nil when the alias already pointed there (nothing recorded).
    @discardableResult
    public func setModelAlias(model: String, alias: String, version: Int, author: String,
                              reason: String?, runID: String?) throws -> AliasHistoryEntry? {
        let alias = Self.aliasKey(alias)
        try Self.validateModelName(alias)
        let now = Date().timeIntervalSince1970
        let entry: AliasHistoryEntry? = try writeImmediate { db in
            guard let modelID = try modelRowID(model, create: false, in: db, now: now) else {
                throw ModelRegistryError.unknownModel(model, known: try String.fetchAll(db, sql: "SELECT name FROM models ORDER BY name"))
            }
            guard let row = try Int64.fetchOne(db, sql: "SELECT id FROM model_versions WHERE model_id = ? AND version = ?", arguments: [modelID, version]) else {
                let latest = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM model_versions WHERE model_id = ?", arguments: [modelID])
                throw ModelRegistryError.unknownVersion(model: model, version: version, latest: latest)
            }
            let entry = try moveAlias(modelID: modelID, model: model, alias: alias, toVersionRow: row, toVersion: version,
                                      author: author, reason: reason, runID: runID, now: now, in: db)
            Failpoint.hit("alias-move.before-commit")
            return entry
        }
        Failpoint.hit("alias-move.after-commit")
        return entry
    }

    /// Removes an alias (recorded in the history with `to` = nil). Returns false when it did not exist.
    @discardableResult
    public func removeModelAlias(model: String, alias: String, author: String = DeckStore.defaultAuthor, reason: String? = nil) throws -> Bool {
        let alias = Self.aliasKey(alias)
        let now = Date().timeIntervalSince1970
        return try writeImmediate { db in
            guard let modelID = try modelRowID(model, create: false, in: db, now: now) else {
                throw ModelRegistryError.unknownModel(model, known: try String.fetchAll(db, sql: "SELECT name FROM models ORDER BY name"))
            }
            guard let from = try Int.fetchOne(db, sql: """
                SELECT v.version FROM model_aliases a JOIN model_versions v ON v.id = a.version_id WHERE a.model_id = ? AND a.alias = ?
                """, arguments: [modelID, alias]) else { return false }
            try db.execute(sql: "DELETE FROM model_aliases WHERE model_id = ? AND alias = ?", arguments: [modelID, alias])
            try db.execute(sql: "INSERT INTO alias_history(model_id, alias, from_version, to_version, time, author, reason) VALUES (?,?,?,?,?,?,?)",
                           arguments: [modelID, alias, from, nil as Int?, now, author, reason])
            try deploymentsFollowAlias(modelID: modelID, model: model, alias: alias, toVersion: nil, runID: nil, author: author,
                                       reason: reason, now: now, in: db)
            return true
        }
    }

    func moveAlias(modelID: Int64, model: String, alias: String, toVersionRow: Int64, toVersion: Int, author: String,
                   reason: String?, runID: String? = nil, now: Double, in db: Database) throws -> AliasHistoryEntry? {
        let from = try Int.fetchOne(db, sql: """
            SELECT v.version FROM model_aliases a JOIN model_versions v ON v.id = a.version_id WHERE a.model_id = ? AND a.alias = ?
            """, arguments: [modelID, alias])
        if from == toVersion { return nil }
        try db.execute(sql: """
            INSERT INTO model_aliases(model_id, alias, version_id, updated_at) VALUES (?,?,?,?)
            ON CONFLICT DO UPDATE SET version_id = excluded.version_id, updated_at = excluded.updated_at
            """, arguments: [modelID, alias, toVersionRow, now])
        try db.execute(sql: "INSERT INTO alias_history(model_id, alias, from_version, to_version, time, author, reason) VALUES (?,?,?,?,?,?,?)",
                       arguments: [modelID, alias, from, toVersion, now, author, reason])
        try deploymentsFollowAlias(modelID: modelID, model: model, alias: alias, toVersion: toVersion, runID: runID, author: author,
                                   reason: reason, now: now, in: db)
        return AliasHistoryEntry(model: model, alias: alias, fromVersion: from, toVersion: toVersion, time: now, author: author, reason: reason)
    }

    func modelRowID(_ name: String, create: Bool, in db: Database, now: Double) throws -> Int64? {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM models WHERE name = ?", arguments: [name]) { return id }
        guard create else { return nil }
        try db.execute(sql: "INSERT INTO models(name, created_at) VALUES (?, ?)", arguments: [name, now])
        return db.lastInsertedRowID
    }

    /// Who is moving an alias: `$USER` (or `unknown`).
    public static var defaultAuthor: String {
        let env = ProcessInfo.processInfo.environment
        return env["MLDECK_AUTHOR"] ?? env["USER"] ?? env["LOGNAME"] ?? ProcessInfo.processInfo.userName
    }

    /// Alias names are case-insensitive (`Production` is `production`): kept in lower case.
    /// The stored form of an alias name (aliases are case-insensitive).
    public static func aliasKey(_ alias: String) -> String { alias.lowercased() }

    static func validateModelName(_ name: String) throws {
        guard !name.isEmpty, name.utf8.count <= 200 else { throw ModelRegistryError.invalidName(name, reason: "must be 1 to 200 characters") }
        if name.contains("@") || name.contains("/") || name.contains(where: \.isWhitespace) {
            throw ModelRegistryError.invalidName(name, reason: "may not contain '@', '/' or spaces")
        }
        if Int(name) != nil { throw ModelRegistryError.invalidName(name, reason: "a number would read as a version") }
    }

    // MARK: Reading

    /// Every model with its version count, latest version and aliases, by name.
    public func models() throws -> [ModelSummary] {
        try readMapped { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT m.id, m.name, m.description, m.created_at, COUNT(v.id), MAX(v.version), MAX(v.created_at)
                FROM models m LEFT JOIN model_versions v ON v.model_id = m.id GROUP BY m.id ORDER BY m.name
                """)
            var aliases: [Int64: [String: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT a.model_id, a.alias, v.version FROM model_aliases a JOIN model_versions v ON v.id = a.version_id") {
                aliases[row[0], default: [:]][row[1]] = row[2]
            }
            return try rows.map { row in
                let id: Int64 = row[0]
                let latest: Int? = row[5]
                var metrics: [String: Double] = [:]
                if let latest, let text = try String.fetchOne(db, sql: "SELECT metrics FROM model_versions WHERE model_id = ? AND version = ?", arguments: [id, latest]) {
                    metrics = RegistryJSON.decode(text) ?? [:]
                }
                return ModelSummary(name: row[1], description: row[2], createdAt: row[3], versions: row[4], latestVersion: latest,
                                    updatedAt: row[6], aliases: aliases[id] ?? [:], latestMetrics: metrics)
            }
        }
    }

    /// Every version of a model, newest first, with metrics, params, lineage and aliases.
    public func modelVersions(_ model: String) throws -> [ModelVersionRecord] {
        try readMapped { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM models WHERE name = ?", arguments: [model]) else {
                throw ModelRegistryError.unknownModel(model, known: try String.fetchAll(db, sql: "SELECT name FROM models ORDER BY name"))
            }
            return try versionRecords(db, model: model, whereSQL: "v.model_id = ?", arguments: [id])
        }
    }

    /// Resolves `NAME`, `NAME@3`, `NAME@production` to a version.
    public func modelVersion(_ reference: ModelReference) throws -> ModelVersionRecord {
        try readMapped { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM models WHERE name = ?", arguments: [reference.model]) else {
                throw ModelRegistryError.unknownModel(reference.model, known: try String.fetchAll(db, sql: "SELECT name FROM models ORDER BY name"))
            }
            let found: [ModelVersionRecord]
            switch reference.selector {
            case .latest:
                found = try versionRecords(db, model: reference.model, whereSQL: "v.model_id = ? ORDER BY v.version DESC LIMIT 1", arguments: [id])
                if found.isEmpty { throw ModelRegistryError.noVersions(model: reference.model) }
            case .version(let n):
                found = try versionRecords(db, model: reference.model, whereSQL: "v.model_id = ? AND v.version = ?", arguments: [id, n])
                if found.isEmpty {
                    let latest = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM model_versions WHERE model_id = ?", arguments: [id])
                    throw ModelRegistryError.unknownVersion(model: reference.model, version: n, latest: latest)
                }
            case .alias(let given):
                let alias = Self.aliasKey(given)
                found = try versionRecords(db, model: reference.model,
                                           whereSQL: "v.id = (SELECT version_id FROM model_aliases WHERE model_id = ? AND alias = ?)", arguments: [id, alias])
                if found.isEmpty {
                    let known = try String.fetchAll(db, sql: "SELECT alias FROM model_aliases WHERE model_id = ? ORDER BY alias", arguments: [id])
                    throw ModelRegistryError.unknownAlias(model: reference.model, alias: alias, known: known)
                }
            }
            return found[0]
        }
    }

    /// The history of a model's alias moves, newest first (one alias, or all of them).
    public func aliasHistory(model: String, alias: String? = nil, limit: Int? = nil) throws -> [AliasHistoryEntry] {
        try readMapped { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM models WHERE name = ?", arguments: [model]) else {
                throw ModelRegistryError.unknownModel(model, known: try String.fetchAll(db, sql: "SELECT name FROM models ORDER BY name"))
            }
            var sql = "SELECT alias, from_version, to_version, time, author, reason FROM alias_history WHERE model_id = ?"
            var arguments: StatementArguments = [id]
            if let alias { sql += " AND alias = ?"; arguments += [Self.aliasKey(alias)] }
            sql += " ORDER BY time DESC, id DESC"
            if let limit { sql += " LIMIT \(limit)" }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                AliasHistoryEntry(model: model, alias: $0[0], fromVersion: $0[1], toVersion: $0[2], time: $0[3], author: $0[4], reason: $0[5])
            }
        }
    }

    /// The versions registered by a run (usually one).
    public func modelVersions(registeredBy runID: String) throws -> [ModelVersionRecord] {
        try readMapped { db in
            let names = try Row.fetchAll(db, sql: "SELECT m.name, m.id FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.run_id = ? GROUP BY m.id", arguments: [runID])
            return try names.flatMap { row in
                try versionRecords(db, model: row[0], whereSQL: "v.model_id = ? AND v.run_id = ?", arguments: [row[1] as Int64, runID])
            }
        }
    }

    func versionRecords(_ db: Database, model: String, whereSQL: String, arguments: StatementArguments) throws -> [ModelVersionRecord] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT v.id, v.version, v.created_at, v.run_id, v.task, v.framework, v.model_object, v.preprocessing_object, v.reference_object,
                   v.signature, v.metrics, v.params, v.dataset_name, v.dataset_version_number, v.dataset_hash, v.code_hash, v.description
            FROM model_versions v WHERE \(whereSQL)\(whereSQL.contains("ORDER BY") ? "" : " ORDER BY v.version DESC")
            """, arguments: arguments)
        guard !rows.isEmpty else { return [] }
        var aliases: [Int64: [String]] = [:]
        let modelID: Int64 = try Int64.fetchOne(db, sql: "SELECT model_id FROM model_versions WHERE id = ?", arguments: [rows[0][0] as Int64]) ?? 0
        for row in try Row.fetchAll(db, sql: "SELECT version_id, alias FROM model_aliases WHERE model_id = ? ORDER BY alias", arguments: [modelID]) {
            aliases[row[0], default: []].append(row[1])
        }
        let tags = try versionTags(db, modelID: modelID)
        return rows.map { row in
            let rowID: Int64 = row[0]
            return ModelVersionRecord(
                model: model, version: row[1], createdAt: row[2], runID: row[3], task: row[4], framework: row[5],
                modelObject: ObjectID(hex: row[6]) ?? ObjectID.of(Data()), preprocessingObject: (row[7] as String?).flatMap(ObjectID.init(hex:)),
                referenceObject: (row[8] as String?).flatMap(ObjectID.init(hex:)), signature: RegistryJSON.decode(row[9]) ?? [],
                metrics: RegistryJSON.decode(row[10]) ?? [:], params: RegistryJSON.decode(row[11]) ?? [:], datasetName: row[12],
                datasetVersionNumber: row[13], datasetHash: row[14], codeHash: row[15], description: row[16], aliases: aliases[rowID] ?? [],
                tags: tags[rowID] ?? [:])
        }
    }
}

/// JSON columns of the registry (metrics may hold NaN, written as strings).
enum RegistryJSON {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    static func decode<T: Decodable>(_ text: String) -> T? {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try? decoder.decode(T.self, from: Data(text.utf8))
    }
}
