@testable import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// Alerts: raised once per open condition, updated (not re-raised) while it stays open, resolved
/// by a clean window, acknowledged with a note — the same on SQLite and in memory.
final class AlertStoreTests: XCTestCase {
    func drift(_ severity: AlertSeverity = .warning, model: String = "churn-model", version: Int? = 1,
               window: String = "batch a.csv (100 rows)", features: [String] = ["tenure"]) -> NewAlert {
        NewAlert(kind: .drift, severity: severity, model: model, version: version, window: window,
                 message: "\(features.count) features drifted",
                 features: features.map { AlertFeature(name: $0, type: "numerical", test: "wasserstein", score: 0.4, threshold: 0.1, drifted: true,
                                                       histogram: AlertHistogram(labels: ["[0, 1)", "[1, 2)"], reference: [0.5, 0.5], current: [0.9, 0.1])) })
    }

    func testFirstRaiseOpensAnAlertWithItsEvidence() throws {
        try StoreImplementation.each(prefix: "alerts") { kind, store, _ in
            let raised = try store.raiseAlert(drift(.critical, features: ["tenure", "monthly_charges"]), now: 1000)
            XCTAssertTrue(raised.isNew, "\(kind)")
            XCTAssertTrue(raised.shouldNotify, "\(kind)")
            let alert = try store.alert(id: raised.alert.id)
            XCTAssertEqual(alert.kind, .drift)
            XCTAssertEqual(alert.severity, .critical)
            XCTAssertEqual(alert.subject, "churn-model@1")
            XCTAssertEqual(alert.features.map(\.name), ["tenure", "monthly_charges"], "\(kind)")
            XCTAssertEqual(alert.features[0].histogram?.current, [0.9, 0.1])
            XCTAssertEqual(alert.createdAt, 1000)
            XCTAssertEqual(alert.occurrences, 1)
            XCTAssertTrue(alert.isOpen)
            XCTAssertFalse(alert.isAcknowledged)
        }
    }

    func testSameOpenConditionIsNotReRaised() throws {
        try StoreImplementation.each(prefix: "alerts") { kind, store, _ in
            let first = try store.raiseAlert(drift(window: "w1"), now: 1000)
            let second = try store.raiseAlert(drift(window: "w2", features: ["tenure", "contract"]), now: 1060)
            XCTAssertFalse(second.isNew, "\(kind)")
            XCTAssertFalse(second.shouldNotify, "\(kind)")
            XCTAssertEqual(second.alert.id, first.alert.id)
            XCTAssertEqual(second.alert.occurrences, 2)
            XCTAssertEqual(second.alert.window, "w2", "the latest window's evidence is kept")
            XCTAssertEqual(second.alert.features.map(\.name), ["tenure", "contract"])
            XCTAssertEqual(second.alert.createdAt, 1000)
            XCTAssertEqual(second.alert.lastSeenAt, 1060)
            XCTAssertEqual(try store.alerts(AlertQuery()).count, 1, "\(kind)")
        }
    }

    func testSeverityOnlyGoesUpAndAnEscalationSaysSo() throws {
        try StoreImplementation.each(prefix: "alerts") { kind, store, _ in
            _ = try store.raiseAlert(drift(.warning), now: 1)
            let up = try store.raiseAlert(drift(.critical), now: 2)
            XCTAssertTrue(up.escalated, "\(kind)")
            XCTAssertTrue(up.shouldNotify)
            XCTAssertEqual(up.alert.severity, .critical)
            let down = try store.raiseAlert(drift(.warning), now: 3)
            XCTAssertFalse(down.escalated)
            XCTAssertEqual(down.alert.severity, .critical, "\(kind)")
        }
    }

    func testConditionsDifferByKindModelAndVersion() throws {
        try StoreImplementation.each(prefix: "alerts") { kind, store, _ in
            XCTAssertTrue(try store.raiseAlert(drift(version: 1), now: 1).isNew)
            XCTAssertTrue(try store.raiseAlert(drift(version: 2), now: 2).isNew, "a new version is a new condition (\(kind))")
            XCTAssertTrue(try store.raiseAlert(drift(model: "other"), now: 3).isNew)
            var quality = drift(.critical)
            quality.kind = .quality
            XCTAssertTrue(try store.raiseAlert(quality, now: 4).isNew)
            let pipeline = NewAlert(kind: .runFailed, severity: .critical, model: "churn", version: nil, window: "run abc", message: "failed", runID: "abc")
            XCTAssertTrue(try store.raiseAlert(pipeline, now: 5).isNew)
            XCTAssertFalse(try store.raiseAlert(pipeline, now: 6).isNew, "version nil dedupes too (\(kind))")
            XCTAssertEqual(try store.alerts(AlertQuery(openOnly: true)).count, 5)
            XCTAssertEqual(try store.alerts(AlertQuery(model: "churn-model", kind: .drift)).map(\.version), [2, 1], "newest first")
            XCTAssertEqual(try store.alerts(AlertQuery(limit: 2)).count, 2)
        }
    }

    func testCleanWindowResolvesAndTheNextDriftOpensANewAlert() throws {
        try StoreImplementation.each(prefix: "alerts") { kind, store, _ in
            let first = try store.raiseAlert(drift(), now: 10)
            _ = try store.raiseAlert(drift(version: 2), now: 11)
            let resolved = try store.resolveAlerts(kind: .drift, model: "churn-model", version: 1, reason: "window w3 is clean", now: 20)
            XCTAssertEqual(resolved.map(\.id), [first.alert.id], "\(kind)")
            XCTAssertEqual(resolved.first?.resolvedReason, "window w3 is clean")
            XCTAssertFalse(try store.alert(id: first.alert.id).isOpen)
            XCTAssertEqual(try store.alert(id: first.alert.id).resolvedAt, 20)
            XCTAssertEqual(try store.alerts(AlertQuery(openOnly: true)).map(\.version), [2], "the other version stays open")
            XCTAssertEqual(try store.resolveAlerts(kind: .drift, model: "churn-model", version: 1, reason: nil, now: 21), [], "nothing open")
            let again = try store.raiseAlert(drift(), now: 30)
            XCTAssertTrue(again.isNew, "\(kind)")
            XCTAssertNotEqual(again.alert.id, first.alert.id)
            XCTAssertEqual(try store.resolveAlerts(kind: .drift, model: "churn-model", version: nil, reason: nil, now: 40).count, 2,
                           "version nil resolves every version")
        }
    }

    func testAcknowledgeRecordsWhoWhenAndNote() throws {
        try StoreImplementation.each(prefix: "alerts") { kind, store, _ in
            let raised = try store.raiseAlert(drift(), now: 10)
            let acked = try store.acknowledgeAlert(id: raised.alert.id, by: "ana", note: "retraining", now: 15)
            XCTAssertEqual(acked.acknowledgedBy, "ana", "\(kind)")
            XCTAssertEqual(acked.acknowledgedAt, 15)
            XCTAssertEqual(acked.acknowledgeNote, "retraining")
            XCTAssertTrue(acked.isOpen, "acknowledging does not resolve")
            XCTAssertEqual(try store.raiseAlert(drift(), now: 16).alert.acknowledgedBy, "ana", "an update keeps the acknowledgement")
            XCTAssertThrowsError(try store.acknowledgeAlert(id: 999, by: "ana", note: nil, now: 1)) { error in
                XCTAssertEqual(error as? AlertError, .notFound(id: 999))
                XCTAssertEqual((error as? CategorizedError)?.category, .notFound)
            }
            XCTAssertThrowsError(try store.alert(id: 999)) { XCTAssertEqual($0 as? AlertError, .notFound(id: 999)) }
        }
    }

    func testInvalidAlertsAreRefusedWithTheField() throws {
        try StoreImplementation.each(prefix: "alerts") { _, store, _ in
            XCTAssertThrowsError(try store.raiseAlert(drift(model: ""), now: 1)) {
                XCTAssertEqual($0 as? AlertError, .invalid(field: "model", reason: "is empty"))
            }
            XCTAssertThrowsError(try store.raiseAlert(drift(version: 0), now: 1))
            let raised = try store.raiseAlert(drift(), now: 1)
            XCTAssertThrowsError(try store.acknowledgeAlert(id: raised.alert.id, by: "a", note: String(repeating: "x", count: 2_001), now: 2)) {
                XCTAssertEqual(($0 as? CategorizedError)?.category, .invalidArgument)
            }
        }
    }

    func testSQLiteKeepsAlertsAcrossProcessesAndJSONHasEveryField() throws {
        let ws = try TemporaryWorkspace(prefix: "alerts-reopen")
        defer { ws.cleanup() }
        let raised = try ws.store.raiseAlert(drift(.critical), now: 1_700_000_000)
        let other = try ws.reopen()
        XCTAssertFalse(try other.raiseAlert(drift(), now: 1_700_000_060).isNew, "another process sees the open condition")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(try other.alert(id: raised.alert.id)), as: UTF8.self)
        for key in ["\"kind\":\"drift\"", "\"severity\":\"critical\"", "\"created_at\":\"2023-11-14T22:13:20", "\"open\":true",
                    "\"occurrences\":2", "\"acknowledged_by\":null", "\"resolved_at\":null", "\"features\":[{"] {
            XCTAssertTrue(json.contains(key), "\(key) in \(json)")
        }
        let decoded = try JSONDecoder().decode(AlertRecord.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.features, try other.alert(id: raised.alert.id).features)
    }

    func testDamagedFeaturesAreSkippedInAListingWithAWarning() throws {
        let ws = try TemporaryWorkspace(prefix: "alerts-damaged")
        defer { ws.cleanup() }
        _ = try ws.store.raiseAlert(drift(), now: 1)
        let bad = try ws.store.raiseAlert(drift(model: "b"), now: 2)
        try ws.store.database.write { db in
            try db.execute(sql: "UPDATE alerts SET features = 'not json' WHERE id = ?", arguments: [bad.alert.id])
        }
        let warnings = WarningBox()
        ws.store.onDamagedRecord = { warnings.add($0) }
        XCTAssertEqual(try ws.store.alerts(AlertQuery()).map(\.model), ["churn-model"])
        XCTAssertEqual(warnings.all.count, 1)
        XCTAssertTrue(warnings.all.first?.contains("alert \(bad.alert.id)") ?? false)
        XCTAssertThrowsError(try ws.store.alert(id: bad.alert.id)) { XCTAssertEqual(($0 as? CategorizedError)?.category, .corrupt) }
    }
}

/// Collects warnings from a callback.
final class WarningBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
