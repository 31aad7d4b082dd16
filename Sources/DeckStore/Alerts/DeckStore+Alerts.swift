import Foundation
import GRDB

/// The SQLite implementation of ``AlertStore`` (table `alerts`, migration v5).
extension DeckStore {
    static let alertColumns = """
        id, kind, severity, model, version, window_description, message, features, run_id, created_at, last_seen_at,
        occurrences, acknowledged_by, acknowledged_at, acknowledge_note, resolved_at, resolved_reason
        """

    public func raiseAlert(_ alert: NewAlert, now: Double) throws -> AlertRaise {
        try AlertValidation.check(alert)
        let features = try Self.encodeFeatures(alert.features)
        let raised = try writeImmediate { db -> AlertRaise in
            if let open = try Row.fetchOne(db, sql: """
                SELECT \(Self.alertColumns) FROM alerts
                WHERE kind = ? AND model = ? AND IFNULL(version, 0) = IFNULL(?, 0) AND resolved_at IS NULL
                """, arguments: [alert.kind.rawValue, alert.model, alert.version]) {
                let before = try Self.alertRecord(open)
                let severity = max(before.severity, alert.severity)
                let escalated = severity > before.severity
                try db.execute(sql: """
                    UPDATE alerts SET severity = ?, window_description = ?, message = ?, features = ?, run_id = IFNULL(?, run_id),
                      last_seen_at = ?, occurrences = occurrences + 1, notify_pending = CASE WHEN ? THEN ? ELSE notify_pending END
                    WHERE id = ?
                    """, arguments: [severity.rawValue, alert.window, alert.message, features, alert.runID, now,
                                     escalated, severity.rawValue, before.id])
                let after = try fetchAlert(id: before.id, in: db)
                return AlertRaise(alert: after, isNew: false, escalated: escalated)
            }
            try db.execute(sql: """
                INSERT INTO alerts (kind, severity, model, version, window_description, message, features, run_id, created_at,
                  last_seen_at, occurrences, notify_pending)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                """, arguments: [alert.kind.rawValue, alert.severity.rawValue, alert.model, alert.version, alert.window, alert.message,
                                 features, alert.runID, now, now, alert.severity.rawValue])
            let made = AlertRaise(alert: try fetchAlert(id: db.lastInsertedRowID, in: db), isNew: true, escalated: false)
            Failpoint.hit("alert-raise.before-commit")
            return made
        }
        if raised.isNew { Failpoint.hit("alert-raise.after-commit") }
        return raised
    }

    public func resolveAlerts(kind: AlertKind, model: String, version: Int?, reason: String?, now: Double) throws -> [AlertRecord] {
        try writeImmediate { db in
            var sql = "SELECT id FROM alerts WHERE kind = ? AND model = ? AND resolved_at IS NULL"
            var arguments: StatementArguments = [kind.rawValue, model]
            if let version { sql += " AND version = ?"; arguments += [version] }
            let ids = try Int64.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments)
            for id in ids {
                try db.execute(sql: "UPDATE alerts SET resolved_at = ?, resolved_reason = ? WHERE id = ?", arguments: [now, reason, id])
            }
            return try ids.map { try fetchAlert(id: $0, in: db) }
        }
    }

    public func acknowledgeAlert(id: Int64, by author: String, note: String?, now: Double) throws -> AlertRecord {
        try AlertValidation.check(note: note, by: author)
        return try writeImmediate { db in
            try db.execute(sql: "UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ?, acknowledge_note = ? WHERE id = ?",
                           arguments: [author, now, note, id])
            if db.changesCount == 0 { throw AlertError.notFound(id: id) }
            return try fetchAlert(id: id, in: db)
        }
    }

    public func alert(id: Int64) throws -> AlertRecord {
        try readMapped { db in try fetchAlert(id: id, in: db) }
    }

    public func alerts(_ query: AlertQuery) throws -> [AlertRecord] {
        let rows = try readMapped { db -> [Row] in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if query.openOnly { clauses.append("resolved_at IS NULL") }
            if let model = query.model { clauses.append("model = ?"); arguments += [model] }
            if let kind = query.kind { clauses.append("kind = ?"); arguments += [kind.rawValue] }
            var sql = "SELECT \(Self.alertColumns) FROM alerts"
            if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
            sql += " ORDER BY created_at DESC, id DESC"
            if let limit = query.limit { sql += " LIMIT ?"; arguments += [max(0, limit)] }
            return try Row.fetchAll(db, sql: sql, arguments: arguments)
        }
        var records: [AlertRecord] = []
        for row in rows {
            do { records.append(try Self.alertRecord(row)) } catch let damage as RecordDamage { onDamagedRecord?(damage.warning) }
        }
        return records
    }

    public func alertsAwaitingNotification(seenSince: Double) throws -> [AlertRecord] {
        let rows = try readMapped { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.alertColumns) FROM alerts
                WHERE notify_pending IS NOT NULL AND resolved_at IS NULL AND last_seen_at >= ? ORDER BY id
                """, arguments: [seenSince])
        }
        return rows.compactMap { try? Self.alertRecord($0) }
    }

    public func markNotified(alertID: Int64, severity: AlertSeverity) throws {
        try writeImmediate { db in
            try db.execute(sql: "UPDATE alerts SET notify_pending = NULL WHERE id = ? AND notify_pending = ?",
                           arguments: [alertID, severity.rawValue])
        }
    }

    private func fetchAlert(id: Int64, in db: Database) throws -> AlertRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.alertColumns) FROM alerts WHERE id = ?", arguments: [id]) else {
            throw AlertError.notFound(id: id)
        }
        do { return try Self.alertRecord(row) } catch let damage as RecordDamage { throw damage.workspaceError }
    }

    static func encodeFeatures(_ features: [AlertFeature]) throws -> String {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(features), as: UTF8.self)
    }

    static func decodeFeatures(_ text: String) throws -> [AlertFeature] {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode([AlertFeature].self, from: Data(text.utf8))
    }

    static func alertRecord(_ row: Row) throws -> AlertRecord {
        let id: Int64 = (row[0] as Int64?) ?? 0
        let r = RecordReader(row: row, reference: "alert \(id)")
        let kindText = try r.value(1, "kind", as: String.self)
        let severityText = try r.value(2, "severity", as: String.self)
        guard let kind = AlertKind(rawValue: kindText) else { throw RecordDamage(reference: r.reference, reason: "its kind '\(kindText)' is unknown") }
        guard let severity = AlertSeverity(rawValue: severityText) else {
            throw RecordDamage(reference: r.reference, reason: "its severity '\(severityText)' is unknown")
        }
        let featuresText = try r.value(7, "features", as: String.self)
        let features: [AlertFeature]
        do { features = try decodeFeatures(featuresText) } catch {
            throw RecordDamage(reference: r.reference, reason: "its features are not valid JSON of the expected shape")
        }
        return AlertRecord(id: try r.value(0, "id"), kind: kind, severity: severity, model: try r.value(3, "model"),
                           version: try r.optional(4, "version"), window: try r.value(5, "window"), message: try r.value(6, "message"),
                           features: features, runID: try r.optional(8, "run id"), createdAt: try r.value(9, "creation time"),
                           lastSeenAt: try r.value(10, "last seen time"), occurrences: try r.value(11, "occurrences"),
                           acknowledgedBy: try r.optional(12, "acknowledging author"), acknowledgedAt: try r.optional(13, "acknowledgement time"),
                           acknowledgeNote: try r.optional(14, "note"), resolvedAt: try r.optional(15, "resolution time"),
                           resolvedReason: try r.optional(16, "resolution reason"))
    }
}
