import DeckStore
import Foundation

/// Delivers the `on_alert:` notifications the store says are owed.
///
/// Opening or escalating an alert marks its notification owed in the same transaction
/// (``AlertStore/raiseAlert(_:now:)``); the mark is cleared only after the command has run. So a
/// process killed between the alert's commit and its command (a `kill -9`ed agent, a crashed
/// `mldeck monitor`) leaves the notification owed, and the next pass of any monitor runs it:
/// delivery is **at least once**. A process killed after the command ran but before the mark was
/// cleared, or two processes passing at the same moment, can notify twice; a notifier that must
/// not repeat itself can use `MLDECK_ALERT_ID` to drop duplicates.
///
/// Only alerts still open and seen within ``horizon`` are redelivered: a workspace that gains an
/// `on_alert:` command months later is not flooded with its history. Without a command there is
/// nothing to run, and owed marks are cleared.
public final class AlertOutbox: @unchecked Sendable {
    // @unchecked: `inFlight` is read and written only under `lock`; the rest is immutable.
    public let store: any WorkspaceStore
    /// Called with one line per notification failure.
    public let log: @Sendable (String) -> Void
    /// How far back (seconds of `last_seen_at`) an owed notification is still delivered.
    public static let horizon: Double = 3600
    private let lock = NSLock()
    private var inFlight: Set<Int64> = []
    private let running = DispatchGroup()

    public init(store: any WorkspaceStore, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.log = log
    }

    /// Starts every owed notification not already running, each on a thread of its own (a slow
    /// webhook never holds the caller up); returns the alerts it started.
    @discardableResult
    public func deliver(_ spec: AlertCommandSpec?, now: Double = Date().timeIntervalSince1970) -> [AlertRecord] {
        let owed = claim(spec, now: now)
        guard let spec else { return [] }
        let notifier = AlertNotifier(spec: spec, workspace: store.workspace, log: log)
        for alert in owed {
            DispatchQueue.global().async(group: running) { [self] in
                _ = notifier.notify(alert)
                finish(alert)
            }
        }
        return owed
    }

    /// Runs every owed notification and waits for them (what `mldeck monitor` does before it exits).
    public func deliverAndWait(_ spec: AlertCommandSpec?, now: Double = Date().timeIntervalSince1970) -> [NotificationOutcome] {
        let owed = claim(spec, now: now)
        guard let spec else { return [] }
        let notifier = AlertNotifier(spec: spec, workspace: store.workspace, log: log)
        return owed.map { alert in
            let outcome = notifier.notify(alert)
            finish(alert)
            return outcome
        }
    }

    /// Waits for the notifications started so far (at most `timeout` seconds); true when all ended.
    @discardableResult
    public func wait(timeout: Double) -> Bool {
        running.wait(timeout: .now() + timeout) == .success
    }

    /// The owed alerts not already being notified, now marked as in flight; without a command,
    /// their marks are cleared instead.
    private func claim(_ spec: AlertCommandSpec?, now: Double) -> [AlertRecord] {
        // Under the lock, with `finish`'s clear-and-release: a notification that ends while this
        // reads is either still in flight here or already cleared in the store, never run twice.
        lock.lock(); defer { lock.unlock() }
        let owed: [AlertRecord]
        do {
            owed = try store.alertsAwaitingNotification(seenSince: now - Self.horizon)
        } catch {
            log("cannot read the alerts awaiting on_alert: \(error)")
            return []
        }
        guard spec != nil else {
            for alert in owed { clear(alert) }
            return []
        }
        let fresh = owed.filter { !inFlight.contains($0.id) }
        inFlight.formUnion(fresh.map(\.id))
        return fresh
    }

    private func finish(_ alert: AlertRecord) {
        lock.lock(); defer { lock.unlock() }
        clear(alert)
        inFlight.remove(alert.id)
    }

    private func clear(_ alert: AlertRecord) {
        do {
            try store.markNotified(alertID: alert.id, severity: alert.severity)
        } catch {
            log("on_alert for alert \(alert.id) ran, but recording that failed (it may run again): \(error)")
        }
    }
}
