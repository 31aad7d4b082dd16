import Foundation

/// Alerts (drift, quality, failed runs and triggers): raised by monitors and the trigger runner,
/// listed, acknowledged and resolved by people and by later clean windows.
///
/// Deduplication: one *open* alert per condition — (kind, model, version). Raising a condition
/// that is already open does not open a second alert; it updates the open one (latest window,
/// evidence, `last_seen_at`, occurrence count; severity only goes up) and reports `isNew: false`,
/// so a monitor can raise on every drifted window and a notifier still fires once. A clean
/// window resolves the open alert (``resolveAlerts(kind:model:version:reason:now:)``), as
/// Alertmanager resolves; the next drifted window then opens a new one. Raise, update and resolve
/// each run in one write transaction that reads first (`BEGIN IMMEDIATE`), so two processes
/// (an agent and a dashboard) never open the same condition twice.
public protocol AlertStore: StoreBase {
    /// Opens an alert for the condition, or updates the open one of the same (kind, model, version).
    @discardableResult
    func raiseAlert(_ alert: NewAlert, now: Double) throws -> AlertRaise
    /// Resolves the open alerts of `kind` on `model` (one `version`, or every version when nil);
    /// returns the alerts it resolved (empty when none was open).
    @discardableResult
    func resolveAlerts(kind: AlertKind, model: String, version: Int?, reason: String?, now: Double) throws -> [AlertRecord]
    /// Records that `author` acknowledged the alert (with a note); acknowledging again replaces
    /// the earlier acknowledgement. ``AlertError/notFound(id:)`` for an unknown id.
    @discardableResult
    func acknowledgeAlert(id: Int64, by author: String, note: String?, now: Double) throws -> AlertRecord
    /// One alert (``AlertError/notFound(id:)`` for an unknown id).
    func alert(id: Int64) throws -> AlertRecord
    /// Alerts matching `query`, newest first.
    func alerts(_ query: AlertQuery) throws -> [AlertRecord]
    /// Open alerts whose `on_alert:` notification is owed (set when ``raiseAlert(_:now:)`` opens or
    /// escalates one, in the same transaction) and that were seen at or after `seenSince`, oldest first.
    func alertsAwaitingNotification(seenSince: Double) throws -> [AlertRecord]
    /// Records that the notification for `alert` at `severity` has run (or that there is nothing to
    /// run it with). A later escalation owes a new one; an older severity does not clear a newer.
    func markNotified(alertID: Int64, severity: AlertSeverity) throws
}

extension AlertStore {
    /// Raises `alert` now.
    @discardableResult
    public func raiseAlert(_ alert: NewAlert) throws -> AlertRaise {
        try raiseAlert(alert, now: Date().timeIntervalSince1970)
    }

    /// Resolves open alerts now.
    @discardableResult
    public func resolveAlerts(kind: AlertKind, model: String, version: Int?, reason: String? = nil) throws -> [AlertRecord] {
        try resolveAlerts(kind: kind, model: model, version: version, reason: reason, now: Date().timeIntervalSince1970)
    }

    /// Acknowledges as the current user (`MLDECK_AUTHOR` or `$USER`), now.
    @discardableResult
    public func acknowledgeAlert(id: Int64, note: String? = nil, by author: String = DeckStore.defaultAuthor) throws -> AlertRecord {
        try acknowledgeAlert(id: id, by: author, note: note, now: Date().timeIntervalSince1970)
    }

    /// The open alert of a condition, if there is one.
    public func openAlert(kind: AlertKind, model: String, version: Int?) throws -> AlertRecord? {
        try alerts(AlertQuery(openOnly: true, model: model, kind: kind)).first { $0.version == version }
    }
}
