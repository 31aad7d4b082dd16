import DeckStore
import Foundation
import XCTest

/// The crash matrix for alert creation (`mldeck monitor --batch` on a drifted batch) and trigger
/// firing (`mldeck agent` on a new dataset version): killed before and after each commit, then
/// run again (the agent restarted): the store is whole, no alert is made twice, no event is lost
/// and none fires twice.
final class CrashMatrixMonitoringEndToEndTests: XCTestCase {
    var workspace: URL!
    var cells: [CrashCell] = []
    var agents: [Process] = []

    override func tearDownWithError() throws {
        for agent in agents where agent.isRunning { kill(agent.processIdentifier, SIGKILL); agent.waitUntilExit() }
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func record(_ operation: String, _ point: String, ending: String, stderr: String, notes: [String], retry: String,
                file: StaticString = #filePath, line: UInt = #line) {
        let cell = CrashCell(operation: operation, point: point, process: ending, store: notes.joined(separator: ", "), retry: retry)
        cells.append(cell)
        XCTAssertEqual(ending, "killed", "\(operation) at \(point) was not killed there: \(stderr.suffix(400))", file: file, line: line)
        XCTAssertFalse(cell.store.contains("FAIL"), "\(operation) at \(point): \(cell.store)", file: file, line: line)
        XCTAssertEqual(retry, "ok", "\(operation) at \(point): the retry failed", file: file, line: line)
    }

    func alerts() throws -> [[String: Any]] { (try CLI.json(["alerts", "list"], in: workspace) as? [[String: Any]]) ?? [] }

    func testAlertCreationSurvivesAKillBeforeAndAfterItsCommit() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try ServeFixture.workspace()
        // on_alert appends the alert's id: a kill right after the alert's commit must not lose it.
        let notified = workspace.appendingPathComponent("notified.txt")
        let yaml = workspace.appendingPathComponent("mldeck.yaml")
        try (String(contentsOf: yaml, encoding: .utf8) + "\non_alert: \"echo $MLDECK_ALERT_ID >> notified.txt\"\n")
            .write(to: yaml, atomically: true, encoding: .utf8)
        func notifiedIDs() -> [Int] {
            ((try? String(contentsOf: notified, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int($0) }
        }
        let batch = try DiskFaultEndToEndTests.driftedBatch(in: workspace)
        let args = ["monitor", "shop-churn", "--batch", batch.path]
        for point in ["alert-raise.before-commit", "alert-raise.after-commit"] {
            // Each cell starts with no open alert: resolve what the previous cell left with a clean batch.
            _ = try CLI.run(["monitor", "shop-churn", "--batch", "score.csv"], in: workspace)
            let before = try alerts().count
            let (ending, stderr) = try Failpoints.run(args, point: point, in: workspace)
            var notes = try Failpoints.checkStore(workspace)
            let after = try alerts().count
            let expected = point.hasSuffix("after-commit") ? before + 1 : before
            notes.append(after == expected ? "alerts \(before)→\(after)" : "FAIL alerts \(before)→\(after), expected \(expected)")
            let notifiedBefore = notifiedIDs()
            let retry = try CLI.run(args, in: workspace)
            let open = try alerts().filter { $0["open"] as? Bool == true }
            let total = try alerts().count
            // The retry runs the notification the killed process owed (after-commit) or its own (before-commit).
            let openID = open.first?["id"] as? Int
            let newlyNotified = Array(notifiedIDs().dropFirst(notifiedBefore.count))
            notes.append(openID != nil && newlyNotified == [openID!] ? "on_alert ran once for #\(openID!) on retry"
                                                                      : "FAIL on_alert ran for \(newlyNotified), open alert \(openID.map(String.init) ?? "none")")
            let ok = retry.status == 0 && total == before + 1 && open.count == 1
            record("alert creation", point, ending: ending, stderr: stderr, notes: notes,
                   retry: ok ? "ok" : "FAIL status \(retry.status), alerts \(total), open \(open.count): \(retry.stderr.suffix(200))")
        }
        print("crash matrix, alerts (\(cells.count) kills):\n" + CrashCell.table(cells))
    }

    func addVersion(_ n: Int) throws {
        let file = workspace.appendingPathComponent("v\(n).csv")
        try "a,b\n\(n),\(n * 2)\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["datasets", "add", "d", file.path], in: workspace)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func startAgent(_ environment: [String: String] = [:]) throws -> Process {
        let agent = CLI.start(["agent", "--interval", "0.2"], in: workspace, environment: environment)
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        agents.append(agent)
        return agent
    }

    /// Runs of pipeline `p` whose trigger reason names `d@n`.
    func runs(for n: Int) throws -> [[String: Any]] {
        let all = (try CLI.json(["runs", "list", "--limit", "0"], in: workspace) as? [[String: Any]]) ?? []
        return try all.filter { run in
            guard let id = run["id"] as? String else { return false }
            let shown = try CLI.json(["runs", "show", id], in: workspace) as? [String: Any] ?? [:]
            let reason = (shown["tags"] as? [String: Any])?["mldeck.trigger.reason"] as? String ?? ""
            return reason.contains("d@\(n)")
        }
    }

    func testTriggerFiringSurvivesAKillOfTheAgentAtEveryCommit() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
        try """
            pipelines:
              p:
                dataset: d
                steps:
                  train: {run: "true"}
                triggers:
                  - {on: dataset-update, debounce: 0.2}
            """.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        try addVersion(1)
        let points = ["trigger-fire.before-commit", "trigger-fire.after-commit", "trigger-start.before-commit", "trigger-start.after-commit"]
        for (i, point) in points.enumerated() {
            let version = i + 2
            // A healthy agent has seen the previous version; the armed one starts from there.
            let armed = try startAgent(["MLDECK_FAILPOINT": point])
            XCTAssertTrue(CLI.waitFor(30) {
                let t = (try? CLI.json(["triggers", "list"], in: workspace) as? [String: Any]) ?? [:]
                return (t["runner"] as? [String: Any])?["pid"] as? Int == Int(armed.processIdentifier)
            }, "the armed agent did not take the lease")
            try addVersion(version)
            let died = CLI.waitFor(40) { !armed.isRunning }
            if !died { kill(armed.processIdentifier, SIGTERM); armed.waitUntilExit() }
            let ending = died ? Failpoints.ending(armed) : "still running"
            var notes = try Failpoints.checkStore(workspace, allowRunning: true, model: nil)
            let healthy = try startAgent()
            // No event lost: exactly one run for d@version ends FINISHED; none fired twice.
            let finished = CLI.waitFor(40) {
                let r = (try? runs(for: version)) ?? []
                return r.contains { $0["status"] as? String == "FINISHED" } && !r.contains { ["RUNNING", "QUEUED"].contains($0["status"] as? String ?? "") }
            }
            Thread.sleep(forTimeInterval: 1.5)   // several more agent rounds: a second firing would show now
            let made = try runs(for: version)
            let done = made.filter { $0["status"] as? String == "FINISHED" }.count
            notes.append(finished && done == 1 ? "one FINISHED run for d@\(version) (\(made.count) in all)"
                                               : "FAIL \(done) FINISHED of \(made.count) runs for d@\(version): \(made.map { $0["status"] ?? "" })")
            kill(healthy.processIdentifier, SIGTERM)
            healthy.waitUntilExit()
            notes += try Failpoints.checkStore(workspace, model: nil)
            record("trigger firing", point, ending: ending, stderr: "", notes: notes, retry: healthy.terminationStatus == 0 ? "ok" : "FAIL agent exit \(healthy.terminationStatus)")
        }
        print("crash matrix, triggers (\(cells.count) kills):\n" + CrashCell.table(cells))
    }
}
