import Foundation
import GRDB

/// Every deployment is recorded: which version an alias served, from when to when, on which
/// address (see ``DeploymentRecord``).
///
/// One record per deployment: while an alias serves a version, it has one open record per server
/// bound to it (its `host:port`), or — for ``servingAlias`` (`production`) with no server bound —
/// one record without an address (the alias was moved to the version while no server served it).
/// A server that starts on an alias with such a record takes it over (fills in its address; the
/// start, run, author and reason of the move stay); a second server opens a record of its own.
///
/// An alias is *served* when it is ``servingAlias`` or has an open deployment. Moving a served
/// alias — `models promote`, a pipeline's `deploy`, a registration with `alias: production`, the
/// dashboard — closes its open deployments and opens new ones at the new version, with the same
/// addresses (a server follows its alias), in the same transaction as the move; removing it
/// closes them. A server that stops (or is found dead: see ``ServerRegistry/reapDead(store:)``)
/// ends its record; the next server to start opens a new one.
extension DeckStore {
    /// The alias that is deployed by default (`mldeck serve NAME` serves it; `deploy` moves it).
    public static let servingAlias = "production"

    /// Records that `alias` of `model` now serves `version` on `address` (nil: the alias points at
    /// it with no server bound), closing the open deployment of the same model, alias and address.
    /// The endpoint calls it when a server starts (with its `host:port`); ``endDeployments(model:alias:address:)``
    /// when it stops.
    @discardableResult
    public func recordDeployment(model: String, version: Int, alias: String = DeckStore.servingAlias, address: String? = nil,
                                 runID: String? = nil, author: String = DeckStore.defaultAuthor, reason: String? = nil) throws -> DeploymentRecord {
        let alias = Self.aliasKey(alias)
        try Self.validateModelName(alias)
        if let address, address.isEmpty || address.utf8.count > 300 || address.contains(where: \.isNewline) {
            throw ProductionRegistryError.invalidDeployment(reason: "an address is 1 to 300 characters on one line, such as 127.0.0.1:5005")
        }
        let now = Date().timeIntervalSince1970
        return try writeImmediate { db in
            let row = try versionRowID(model: model, version: version, in: db)
            guard let modelID = try Int64.fetchOne(db, sql: "SELECT model_id FROM model_versions WHERE id = ?", arguments: [row]) else {
                throw ModelRegistryError.unknownVersion(model: model, version: version, latest: nil)
            }
            try db.execute(sql: "UPDATE deployments SET ended_at = ? WHERE model_id = ? AND alias = ? AND address IS ? AND ended_at IS NULL",
                           arguments: [now, modelID, alias, address])
            if let address, let unbound = try Row.fetchOne(db, sql: """
                SELECT id, started_at, run_id, author, reason FROM deployments
                WHERE model_id = ? AND alias = ? AND address IS NULL AND ended_at IS NULL AND version = ? ORDER BY id DESC LIMIT 1
                """, arguments: [modelID, alias, version]) {
                // The alias's record without a server: this server takes it over (one record per deployment).
                try db.execute(sql: "UPDATE deployments SET address = ? WHERE id = ?", arguments: [address, unbound[0] as Int64])
                return DeploymentRecord(id: unbound[0], model: model, version: version, alias: alias, startedAt: unbound[1], endedAt: nil,
                                        address: address, runID: unbound[2], author: unbound[3], reason: unbound[4])
            }
            if address != nil {
                // Any other record without a server ends: a server now serves the alias.
                try db.execute(sql: "UPDATE deployments SET ended_at = ? WHERE model_id = ? AND alias = ? AND address IS NULL AND ended_at IS NULL",
                               arguments: [now, modelID, alias])
            }
            return try insertDeployment(modelID: modelID, model: model, version: version, alias: alias, address: address, runID: runID,
                                        author: author, reason: reason, now: now, in: db)
        }
    }

    /// Ends the open deployments of `model` on `address` (of one alias, or of all) at `endedAt`
    /// (default now; never before a record's start); returns how many ended.
    @discardableResult
    public func endDeployments(model: String, alias: String? = nil, address: String, endedAt: Double? = nil) throws -> Int {
        let now = endedAt ?? Date().timeIntervalSince1970
        return try writeImmediate { db in
            guard let modelID = try modelRowID(model, create: false, in: db, now: Date().timeIntervalSince1970) else {
                throw ModelRegistryError.unknownModel(model, known: try String.fetchAll(db, sql: "SELECT name FROM models ORDER BY name"))
            }
            var sql = "UPDATE deployments SET ended_at = MAX(?, started_at) WHERE model_id = ? AND address = ? AND ended_at IS NULL"
            var arguments: StatementArguments = [now, modelID, address]
            if let alias { sql += " AND alias = ?"; arguments += [Self.aliasKey(alias)] }
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount
        }
    }

    /// A model's deployments, newest first (one alias, or all; only those still lasting with `currentOnly`).
    public func deployments(model: String, alias: String? = nil, currentOnly: Bool = false, limit: Int? = nil) throws -> [DeploymentRecord] {
        try database.read { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM models WHERE name = ?", arguments: [model]) else {
                throw ModelRegistryError.unknownModel(model, known: try String.fetchAll(db, sql: "SELECT name FROM models ORDER BY name"))
            }
            var sql = "SELECT id, version, alias, started_at, ended_at, address, run_id, author, reason FROM deployments WHERE model_id = ?"
            var arguments: StatementArguments = [id]
            if let alias { sql += " AND alias = ?"; arguments += [Self.aliasKey(alias)] }
            if currentOnly { sql += " AND ended_at IS NULL" }
            sql += " ORDER BY started_at DESC, id DESC"
            if let limit { sql += " LIMIT ?"; arguments += [max(0, limit)] }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                DeploymentRecord(id: $0[0], model: model, version: $0[1], alias: $0[2], startedAt: $0[3], endedAt: $0[4],
                                 address: $0[5], runID: $0[6], author: $0[7], reason: $0[8])
            }
        }
    }

    /// Called inside the transaction of every alias move (`toVersion` nil: the alias was removed).
    func deploymentsFollowAlias(modelID: Int64, model: String, alias: String, toVersion: Int?, runID: String?, author: String,
                                reason: String?, now: Double, in db: Database) throws {
        let open = try Row.fetchAll(db, sql: "SELECT id, address FROM deployments WHERE model_id = ? AND alias = ? AND ended_at IS NULL",
                                    arguments: [modelID, alias])
        guard !open.isEmpty || alias == Self.servingAlias else { return }
        try db.execute(sql: "UPDATE deployments SET ended_at = ? WHERE model_id = ? AND alias = ? AND ended_at IS NULL",
                       arguments: [now, modelID, alias])
        guard let toVersion else { return }
        var addresses: [String?] = []
        for row in open {
            let address: String? = row[1]
            if !addresses.contains(address) { addresses.append(address) }
        }
        if addresses.contains(where: { $0 != nil }) { addresses.removeAll { $0 == nil } }   // servers serve it: no record without one
        if alias == Self.servingAlias && addresses.isEmpty { addresses = [nil] }
        for address in addresses {
            _ = try insertDeployment(modelID: modelID, model: model, version: toVersion, alias: alias, address: address, runID: runID,
                                     author: author, reason: reason, now: now, in: db)
        }
    }

    private func insertDeployment(modelID: Int64, model: String, version: Int, alias: String, address: String?, runID: String?,
                                  author: String, reason: String?, now: Double, in db: Database) throws -> DeploymentRecord {
        try db.execute(sql: """
            INSERT INTO deployments(model_id, version, alias, started_at, ended_at, address, run_id, author, reason)
            VALUES (?,?,?,?,NULL,?,?,?,?)
            """, arguments: [modelID, version, alias, now, address, runID, author, reason])
        return DeploymentRecord(id: db.lastInsertedRowID, model: model, version: version, alias: alias, startedAt: now, endedAt: nil,
                                address: address, runID: runID, author: author, reason: reason)
    }
}
