import Foundation
import XCTest

/// `mldeck agent` in a workspace: a new dataset version starts a run of the pipeline with the
/// trigger's reason on it; the agent killed with `kill -9` and started again does not run it twice.
final class AgentEndToEndTests: XCTestCase {
    var workspace: URL!
    var agents: [Process] = []

    override func setUpWithError() throws {
        workspace = try CLI.makeWorkspace()
        try """
            pipelines:
              p:
                dataset: d
                steps:
                  train: {run: "sleep 1"}
                triggers:
                  - {on: dataset-update, debounce: 1}
                  - {on: schedule, cron: "0 3 * * *", timezone: UTC}
            """.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        try addVersion(1)
    }

    override func tearDown() {
        for agent in agents where agent.isRunning { kill(agent.processIdentifier, SIGKILL); agent.waitUntilExit() }
        try? FileManager.default.removeItem(at: workspace)
    }

    func addVersion(_ n: Int) throws {
        let file = workspace.appendingPathComponent("v\(n).csv")
        try "a,b\n\(n),\(n * 2)\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["datasets", "add", "d", file.path], in: workspace)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func startAgent() throws -> (Process, Pipe) {
        let agent = CLI.start(["agent", "--interval", "0.2"], in: workspace)
        let out = Pipe()
        agent.standardOutput = out
        agent.standardError = out
        try agent.run()
        agents.append(agent)
        return (agent, out)
    }

    func triggers() throws -> [String: Any] {
        try CLI.json(["triggers", "list"], in: workspace) as? [String: Any] ?? [:]
    }

    /// Runs of pipeline `p` (newest first).
    func runs() throws -> [[String: Any]] {
        try CLI.json(["runs", "list"], in: workspace) as? [[String: Any]] ?? []
    }

    func testNewDatasetVersionStartsOneRunThatSurvivesKillAndRestart() throws {
        let (first, _) = try startAgent()
        // The agent holds the lease and has seen d@1 (its baseline: no run for it).
        XCTAssertTrue(try CLI.waitFor(20) {
            let t = try triggers()
            return (t["runner"] as? [String: Any])?["alive"] as? Bool == true
                && ((t["triggers"] as? [[String: Any]])?.first?["next"] as? String)?.contains("newer than d@1") == true
        }, "\((try? triggers()) ?? [:])")
        XCTAssertEqual(try runs().count, 0)

        try addVersion(2)
        var run: [String: Any] = [:]
        XCTAssertTrue(try CLI.waitFor(30) {
            guard let r = try runs().first else { return false }
            run = r
            return true
        }, "no run started for d@2")
        let runID = try XCTUnwrap(run["id"] as? String)
        let shown = try CLI.json(["runs", "show", runID], in: workspace) as? [String: Any] ?? [:]
        XCTAssertEqual((shown["lineage"] as? [String: Any])?["trigger"] as? String, "dataset-update")
        XCTAssertEqual((shown["tags"] as? [String: Any])?["mldeck.trigger.reason"] as? String, "new dataset version d@2")
        let text = try CLI.run(["runs", "show", runID], in: workspace).stdout
        XCTAssertTrue(text.contains("trigger dataset-update"), text)

        // kill -9 the agent, start another: it takes the dead agent's lease over and runs nothing again.
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let (second, output) = try startAgent()
        XCTAssertTrue(try CLI.waitFor(20) { ((try triggers()["runner"] as? [String: Any])?["pid"] as? Int).map { Int32($0) } == second.processIdentifier })
        Thread.sleep(forTimeInterval: 3)   // fifteen rounds
        XCTAssertEqual(try runs().count, 1, "the restarted agent must not fire d@2 again")
        XCTAssertTrue(try CLI.waitFor(30) { try runs().first?["status"] as? String == "FINISHED" }, "\((try? runs()) ?? [])")
        let listed = try triggers()["triggers"] as? [[String: Any]] ?? []
        XCTAssertEqual(listed.first?["last_reason"] as? String, "new dataset version d@2")
        XCTAssertEqual(listed.first?["last_run_id"] as? String, runID)
        XCTAssertNotNil(listed.last?["next_at"] as? Double, "the schedule says when it fires next")

        // SIGTERM stops it cleanly and gives the lease up.
        kill(second.processIdentifier, SIGTERM)
        second.waitUntilExit()
        XCTAssertEqual(second.terminationStatus, 0)
        let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(log.contains("took over from agent pid \(first.processIdentifier)"), log)
        XCTAssertTrue(log.contains("released the runner lease"), log)
        XCTAssertNil(try triggers()["runner"] as? [String: Any])
    }
}
