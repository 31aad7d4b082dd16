import Foundation
import XCTest

/// `mldeck demo DIR` without a terminal builds the workspace, says where it is and how to open it,
/// and exits 0; the workspace starts on the first day of monitoring: a drifted window in the
/// endpoint's log, one open critical drift alert on churn-model naming the drifted features, a
/// retrain started by the `drift` trigger, and a `schedule` trigger with its next firing.
final class DemoMonitoringEndToEndTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-demo-monitoring-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { if let root { try? FileManager.default.removeItem(at: root) } }

    func json(_ arguments: [String]) throws -> Any {
        let result = try CLI.run(arguments + ["--json", "--workspace", root.path])
        XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    func testTheDemoWithoutATerminalExitsZeroAndStartsOnTheFirstDayOfMonitoring() throws {
        let demo = try CLI.run(["demo", root.path], environment: ["XDG_DATA_HOME": root.deletingLastPathComponent().path])
        XCTAssertEqual(demo.status, 0, demo.stderr)
        XCTAssertEqual(demo.stdout.trimmingCharacters(in: .whitespacesAndNewlines), root.path, "stdout: the workspace, for scripts")
        XCTAssertTrue(demo.stderr.contains("mldeck dashboard --workspace \(root.path)"), demo.stderr)
        XCTAssertFalse(demo.stderr.contains("needs a terminal"), demo.stderr)

        // One open critical drift alert on churn-model, naming the drifted features (the prediction among them).
        let open = try XCTUnwrap(try json(["alerts", "list", "--open"]) as? [[String: Any]])
        XCTAssertEqual(open.count, 1, "\(open)")
        let alert = try XCTUnwrap(open.first)
        XCTAssertEqual(alert["kind"] as? String, "drift")
        XCTAssertEqual(alert["severity"] as? String, "critical")
        XCTAssertEqual(alert["model"] as? String, "churn-model")
        let features = try XCTUnwrap(alert["features"] as? [[String: Any]])
        let drifted = features.filter { $0["drifted"] as? Bool == true }.compactMap { $0["name"] as? String }
        XCTAssertGreaterThanOrEqual(Double(drifted.count) / Double(features.count), 0.5, "dataset drift: \(drifted) of \(features.count)")
        XCTAssertTrue(drifted.contains("tenure") && drifted.contains("monthly_charges") && drifted.contains("prediction"), "\(drifted)")
        XCTAssertFalse(drifted.contains("female"), "the promotion did not change who is female: \(drifted)")
        let message = try XCTUnwrap(alert["message"] as? String)
        XCTAssertTrue(message.contains("tenure") || message.contains("monthly_charges"), message)
        let window = try XCTUnwrap(alert["window"] as? String)
        XCTAssertTrue(window.contains("last 500 predictions of churn-model@"), window)

        // The monitor, run again now, judges the same drifted window: the alert is updated, not raised again.
        let again = try XCTUnwrap(try json(["monitor", "churn-model"]) as? [String: Any])
        let result = try XCTUnwrap(again["result"] as? [String: Any])
        let changes = try XCTUnwrap(result["alerts"] as? [[String: Any]])
        XCTAssertEqual(changes.map { $0["action"] as? String }, ["updated"])
        XCTAssertEqual(result["rows"] as? Int, 500)

        // The retrain the drift trigger started, with the firing's reason on the run.
        let runs = try XCTUnwrap(try json(["runs", "list", "--filter", "tags.`mldeck.trigger.reason` != ''"]) as? [[String: Any]])
        XCTAssertEqual(runs.count, 1, "\(runs)")
        let run = try XCTUnwrap(runs.first)
        XCTAssertEqual(run["status"] as? String, "FINISHED")
        let tags = try XCTUnwrap(run["tags"] as? [String: String])
        XCTAssertTrue(tags["mldeck.trigger.reason"]?.contains("critical drift on churn-model") ?? false, "\(tags)")

        // The triggers: drift (fired, its run finished) and the monthly schedule with its next firing.
        let listed = try XCTUnwrap(try json(["triggers", "list"]) as? [String: Any])
        let triggers = try XCTUnwrap(listed["triggers"] as? [[String: Any]])
        let drift = try XCTUnwrap(triggers.first { $0["on"] as? String == "drift" })
        XCTAssertEqual(drift["last_run_id"] as? String, run["id"] as? String)
        let schedule = try XCTUnwrap(triggers.first { $0["on"] as? String == "schedule" })
        let next = try XCTUnwrap(schedule["next_at"] as? Double, "\(schedule)")
        XCTAssertGreaterThan(next, Date().timeIntervalSince1970)
        XCTAssertLessThan(next, Date().timeIntervalSince1970 + 32 * 86_400, "0 6 1 * *: within a month")
    }
}
