import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// `on_alert:` is delivered at least once: raising marks the notification owed in the alert's own
/// transaction, and only running the command clears it (run on both store implementations).
final class AlertOutboxTests: XCTestCase {
    func drift(_ severity: AlertSeverity, model: String = "m") -> NewAlert {
        NewAlert(kind: .drift, severity: severity, model: model, version: 1, window: "w", message: "\(severity.rawValue) drift")
    }

    func lines(_ root: URL) -> [String] {
        ((try? String(contentsOf: root.appendingPathComponent("hook.txt"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    func testANotificationIsOwedFromTheRaiseUntilItsCommandRanAndAgainOnEscalation() throws {
        try StoreImplementation.each(prefix: "mldeck-outbox") { kind, store, root in
            let spec = AlertCommandSpec(command: "echo $MLDECK_ALERT_ID $MLDECK_ALERT_SEVERITY >> hook.txt", shell: true, timeout: 10)
            let raised = try store.raiseAlert(drift(.warning), now: 100)
            // As if the process that raised it was killed before running the command: a new outbox
            // (a new process) finds it owed.
            XCTAssertEqual(try store.alertsAwaitingNotification(seenSince: 0).map(\.id), [raised.alert.id], "\(kind)")
            let outcomes = AlertOutbox(store: store).deliverAndWait(spec, now: 110)
            XCTAssertEqual(outcomes.map(\.status), [.succeeded], "\(kind)")
            XCTAssertEqual(lines(root), ["\(raised.alert.id) warning"], "\(kind)")
            XCTAssertEqual(try store.alertsAwaitingNotification(seenSince: 0), [], "\(kind): ran, so no longer owed")
            XCTAssertEqual(AlertOutbox(store: store).deliverAndWait(spec, now: 120), [], "\(kind): not run twice")

            _ = try store.raiseAlert(drift(.warning), now: 130)
            XCTAssertEqual(try store.alertsAwaitingNotification(seenSince: 0), [], "\(kind): seen again, not new: nothing owed")
            _ = try store.raiseAlert(drift(.critical), now: 140)
            XCTAssertEqual(AlertOutbox(store: store).deliverAndWait(spec, now: 150).count, 1, "\(kind): the escalation is owed")
            XCTAssertEqual(lines(root), ["\(raised.alert.id) warning", "\(raised.alert.id) critical"], "\(kind)")
        }
    }

    func testOnlyOpenRecentAlertsAreOwedAndWithoutACommandTheMarksAreCleared() throws {
        try StoreImplementation.each(prefix: "mldeck-outbox") { kind, store, root in
            let old = try store.raiseAlert(drift(.warning, model: "old"), now: 0)
            let resolved = try store.raiseAlert(drift(.warning, model: "gone"), now: 5000)
            try store.resolveAlerts(kind: .drift, model: "gone", version: 1, reason: "clean", now: 5001)
            let fresh = try store.raiseAlert(drift(.critical, model: "new"), now: 5000)
            let owed = try store.alertsAwaitingNotification(seenSince: 5000 - AlertOutbox.horizon).map(\.id)
            XCTAssertEqual(owed, [fresh.alert.id], "\(kind): not \(old.alert.id) (seen too long ago) nor \(resolved.alert.id) (resolved)")

            XCTAssertEqual(AlertOutbox(store: store).deliverAndWait(nil, now: 5010), [], "\(kind)")
            XCTAssertEqual(try store.alertsAwaitingNotification(seenSince: 5010 - AlertOutbox.horizon).map(\.id), [],
                           "\(kind): no command, nothing left owed")
            XCTAssertEqual(lines(root), [], "\(kind)")
        }
    }

    func testTheBackgroundDeliveryRunsEachOwedAlertOnceEvenWhenAskedRepeatedly() throws {
        try StoreImplementation.each(prefix: "mldeck-outbox") { kind, store, root in
            // A slow command: rounds keep coming while it runs.
            let spec = AlertCommandSpec(command: "sleep 0.3; echo $MLDECK_ALERT_ID >> hook.txt", shell: true, timeout: 10)
            let a = try store.raiseAlert(drift(.warning, model: "a"), now: 10)
            let b = try store.raiseAlert(drift(.warning, model: "b"), now: 10)
            let outbox = AlertOutbox(store: store)
            var started: [Int64] = []
            for round in 0..<10 {
                started += outbox.deliver(spec, now: 20 + Double(round)).map(\.id)
                Thread.sleep(forTimeInterval: 0.05)
            }
            XCTAssertTrue(outbox.wait(timeout: 20), "\(kind)")
            started += outbox.deliver(spec, now: 40).map(\.id)
            XCTAssertEqual(started.sorted(), [a.alert.id, b.alert.id].sorted(), "\(kind)")
            XCTAssertEqual(lines(root).sorted(), ["\(a.alert.id)", "\(b.alert.id)"].sorted(), "\(kind)")
        }
    }
}
