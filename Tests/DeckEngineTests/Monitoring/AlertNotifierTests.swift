@testable import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// `on_alert:`: the command gets the alert as JSON on standard input; a failure or a hang is
/// logged and reported, never thrown; a timeout stops it.
final class AlertNotifierTests: XCTestCase {
    var root: URL!
    var workspace: Workspace!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("notifier-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".mldeck/tmp"), withIntermediateDirectories: true)
        workspace = Workspace(root: root)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    let alert = AlertRecord(id: 7, kind: .drift, severity: .critical, model: "churn-model", version: 2, window: "batch b.csv (10 rows)",
                            message: "2 of 19 features drifted", features: [AlertFeature(name: "tenure", test: "wasserstein", score: 0.4, threshold: 0.1, drifted: true)],
                            runID: nil, createdAt: 1_700_000_000, lastSeenAt: 1_700_000_000, occurrences: 1)

    func testCommandGetsTheAlertAsJSONOnStandardInput() throws {
        let notifier = AlertNotifier(spec: AlertCommandSpec(command: "cat > got.json; echo \"$MLDECK_ALERT_SEVERITY $MLDECK_ALERT_ID\" > env.txt"), workspace: workspace)
        let outcome = notifier.notify(alert)
        XCTAssertEqual(outcome.status, .succeeded, outcome.detail)
        let data = try Data(contentsOf: root.appendingPathComponent("got.json"))
        let decoded = try JSONDecoder().decode(AlertRecord.self, from: data)
        XCTAssertEqual(decoded, alert)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("env.txt"), encoding: .utf8), "critical 7\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(".mldeck/tmp").path), [], "the input file is removed")
        let logged = try String(contentsOf: notifier.logURL, encoding: .utf8)
        XCTAssertTrue(logged.contains("\"status\":\"succeeded\""), logged)
    }

    func testFailureIsLoggedNotThrown() throws {
        let lines = Lines()
        let notifier = AlertNotifier(spec: AlertCommandSpec(command: "echo webhook down >&2; exit 3"), workspace: workspace, log: { lines.add($0) })
        let outcome = notifier.notify(alert)
        XCTAssertEqual(outcome.status, .failed)
        XCTAssertEqual(outcome.exitStatus, 3)
        XCTAssertEqual(lines.all, ["on_alert for alert 7 failed (exit status 3): webhook down"])
        let missing = AlertNotifier(spec: AlertCommandSpec(command: "no-such-command-mldeck --x", shell: false), workspace: workspace, log: { lines.add($0) })
        XCTAssertEqual(missing.notify(alert).status, .notStarted)
        XCTAssertTrue(lines.all.last?.contains("command not found") ?? false, lines.all.last ?? "")
    }

    func testTimeoutStopsAHangingCommand() throws {
        let lines = Lines()
        let notifier = AlertNotifier(spec: AlertCommandSpec(command: "sleep 30", timeout: 0.5), workspace: workspace, log: { lines.add($0) })
        let start = Date()
        let outcome = notifier.notify(alert)
        XCTAssertEqual(outcome.status, .timedOut)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertTrue(lines.all.first?.contains("timed out") ?? false)
    }

    func testDetachedNotificationRunsOffTheCallersThread() async throws {
        let notifier = AlertNotifier(spec: AlertCommandSpec(command: "cat > detached.json"), workspace: workspace)
        let outcome = await notifier.notifyDetached(alert).value
        XCTAssertEqual(outcome.status, .succeeded)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("detached.json").path))
    }

    func testShowDrawsTheFeatureTableAndHistograms() {
        var shown = alert
        shown.features = [
            AlertFeature(name: "tenure", type: "numerical", test: "wasserstein", score: 0.42, threshold: 0.1, drifted: true,
                         histogram: AlertHistogram(labels: ["[0, 36)", "[36, 72]"], reference: [0.6, 0.4], current: [0.1, 0.9])),
            AlertFeature(name: "contract", type: "categorical", test: "jensenshannon", score: 0.01, threshold: 0.1, drifted: false),
        ]
        shown.acknowledgedBy = "ana"
        shown.acknowledgedAt = 1_700_000_100
        shown.acknowledgeNote = "retraining"
        let text = AlertText.show(shown)
        XCTAssertTrue(text.contains("Alert 7: critical drift on churn-model@2 — open, acked"), text)
        XCTAssertTrue(text.contains("by ana at"), text)
        XCTAssertTrue(text.contains(": retraining"), text)
        let lines = text.split(separator: "\n").map(String.init)
        let tenureRow = lines.firstIndex { $0.hasPrefix("tenure ") } ?? -1
        let contractRow = lines.firstIndex { $0.hasPrefix("contract ") } ?? -1
        XCTAssertTrue(tenureRow >= 0 && tenureRow < contractRow, "the table keeps the stored order (strongest first)\n\(text)")
        XCTAssertTrue(text.contains("tenure: reference vs current"), text)
        // The largest share (0.9) gets the full bar; 0.1 a ninth of it.
        let bin = lines.first { $0.hasPrefix("[36, 72]") } ?? ""
        XCTAssertTrue(bin.contains(String(repeating: "█", count: AlertText.barWidth) + "  90.0%"), bin)
        XCTAssertFalse(text.contains("contract: reference vs current"), "no histogram for a feature that did not drift")
        XCTAssertTrue(AlertText.list([shown]).contains("open, acked"))
        XCTAssertEqual(AlertText.list([]), "No alerts.")
    }
}

final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
