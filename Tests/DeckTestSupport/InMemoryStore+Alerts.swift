import DeckStore
import Foundation

/// Alerts in memory, with the same deduplication and resolution rules as the SQLite store.
extension InMemoryStore: AlertStore {
    public func raiseAlert(_ alert: NewAlert, now: Double) throws -> AlertRaise {
        try AlertValidation.check(alert)
        return locked {
            if let index = alertList.firstIndex(where: { $0.isOpen && $0.kind == alert.kind && $0.model == alert.model && $0.version == alert.version }) {
                var open = alertList[index]
                let before = open.severity
                open.severity = max(before, alert.severity)
                open.window = alert.window
                open.message = alert.message
                open.features = alert.features
                open.runID = alert.runID ?? open.runID
                open.lastSeenAt = now
                open.occurrences += 1
                alertList[index] = open
                if open.severity > before { notifyPending[open.id] = open.severity }
                return AlertRaise(alert: open, isNew: false, escalated: open.severity > before)
            }
            let record = AlertRecord(id: Int64(alertList.count + 1), kind: alert.kind, severity: alert.severity, model: alert.model,
                                     version: alert.version, window: alert.window, message: alert.message, features: alert.features,
                                     runID: alert.runID, createdAt: now, lastSeenAt: now, occurrences: 1)
            alertList.append(record)
            notifyPending[record.id] = record.severity
            return AlertRaise(alert: record, isNew: true, escalated: false)
        }
    }

    public func resolveAlerts(kind: AlertKind, model: String, version: Int?, reason: String?, now: Double) throws -> [AlertRecord] {
        locked {
            var resolved: [AlertRecord] = []
            for i in alertList.indices where alertList[i].isOpen && alertList[i].kind == kind && alertList[i].model == model
                && (version == nil || alertList[i].version == version) {
                alertList[i].resolvedAt = now
                alertList[i].resolvedReason = reason
                resolved.append(alertList[i])
            }
            return resolved
        }
    }

    public func acknowledgeAlert(id: Int64, by author: String, note: String?, now: Double) throws -> AlertRecord {
        try AlertValidation.check(note: note, by: author)
        return try locked {
            guard let index = alertList.firstIndex(where: { $0.id == id }) else { throw AlertError.notFound(id: id) }
            alertList[index].acknowledgedBy = author
            alertList[index].acknowledgedAt = now
            alertList[index].acknowledgeNote = note
            return alertList[index]
        }
    }

    public func alertsAwaitingNotification(seenSince: Double) throws -> [AlertRecord] {
        locked { alertList.filter { $0.isOpen && notifyPending[$0.id] != nil && $0.lastSeenAt >= seenSince } }
    }

    public func markNotified(alertID: Int64, severity: AlertSeverity) throws {
        locked { if notifyPending[alertID] == severity { notifyPending[alertID] = nil } }
    }

    public func alert(id: Int64) throws -> AlertRecord {
        guard let found = locked({ alertList.first { $0.id == id } }) else { throw AlertError.notFound(id: id) }
        return found
    }

    public func alerts(_ query: AlertQuery) throws -> [AlertRecord] {
        let matching = locked {
            alertList.filter { (!query.openOnly || $0.isOpen) && (query.model == nil || $0.model == query.model)
                && (query.kind == nil || $0.kind == query.kind) }
        }
        let newestFirst = matching.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        return query.limit.map { Array(newestFirst.prefix(max(0, $0))) } ?? newestFirst
    }
}
