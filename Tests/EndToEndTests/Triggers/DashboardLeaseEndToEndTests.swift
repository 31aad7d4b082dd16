import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The dashboard and `mldeck agent` share the workspace's trigger-runner lease, in tmux: a
/// dashboard opened first holds it (the header says so) and a later agent waits; when the
/// dashboard quits the agent takes over, and a dashboard opened then names the agent in its
/// header and takes the lease only once the agent stopped. Never do both hold it: the agent logs
/// taking the lease only after the first dashboard exited, and the second dashboard's header
/// shows the agent for as long as the agent runs.
final class DashboardLeaseEndToEndTests: XCTestCase {
    var workspace: URL!
    var agent: Process?
    var tmux: DashboardTmux?

    override func setUpWithError() throws {
        try XCTSkipUnless(DashboardTmux.isAvailable, "tmux is not installed")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
        try """
            pipelines:
              p:
                steps:
                  train: {run: "sleep 1"}
                triggers:
                  - {on: schedule, cron: "0 3 * * *", timezone: UTC}
            """.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() {
        tmux = nil
        if let agent, agent.isRunning { kill(agent.processIdentifier, SIGKILL); agent.waitUntilExit() }
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    /// The runner's role in `mldeck triggers list --json` when a live one holds the lease.
    func runnerRole() throws -> String? {
        let out = try CLI.json(["triggers", "list"], in: workspace) as? [String: Any] ?? [:]
        guard let runner = out["runner"] as? [String: Any], runner["alive"] as? Bool == true else { return nil }
        return runner["role"] as? String
    }

    func openDashboard() throws -> DashboardTmux {
        let t = try DashboardTmux(arguments: ["--workspace", workspace.path], width: 160, height: 30,
                                  environment: ["XDG_CONFIG_HOME": workspace.appendingPathComponent(".config").path])
        tmux = t
        return t
    }

    func testADashboardAndAnAgentNeverBothHoldTheLease() throws {
        // 1. The dashboard opens first and holds the lease.
        let first = try openDashboard()
        first.waitFor("triggers: this dashboard", timeout: 30)
        XCTAssertEqual(try runnerRole(), "dashboard")

        // 2. An agent starts and waits for it.
        let logFile = workspace.appendingPathComponent("agent.log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let agent = CLI.start(["agent", "--interval", "0.2"], in: workspace)
        let handle = try FileHandle(forWritingTo: logFile)
        agent.standardOutput = handle
        agent.standardError = handle
        try agent.run()
        self.agent = agent
        func agentLog() -> String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
        XCTAssertTrue(CLI.waitFor(20) { agentLog().contains("another runner holds the lease: dashboard pid") }, agentLog())
        for _ in 0..<5 {
            XCTAssertEqual(try runnerRole(), "dashboard")
            XCTAssertTrue(first.screen().contains("triggers: this dashboard"), first.lastScreen)
            usleep(200_000)
        }
        XCTAssertFalse(agentLog().contains("holding the runner lease"), "the agent took the lease while the dashboard held it\n" + agentLog())

        // 3. The dashboard quits (giving the lease up); the agent takes over.
        try first.press("q")
        first.waitFor("__MLDECK_EXIT_0__")
        XCTAssertTrue(try CLI.waitFor(20) { try runnerRole() == "agent" }, agentLog())
        XCTAssertTrue(agentLog().contains("holding the runner lease as agent"), agentLog())
        XCTAssertFalse(agentLog().contains("took over from"), "the dashboard released the lease rather than leaving it to lapse\n" + agentLog())
        tmux = nil

        // 4. A dashboard opened now names the agent and does not take the lease.
        let second = try openDashboard()
        second.waitFor("triggers: agent pid \(agent.processIdentifier)", timeout: 30)
        for _ in 0..<5 {
            XCTAssertEqual(try runnerRole(), "agent")
            XCTAssertFalse(second.screen().contains("triggers: this dashboard"), second.lastScreen)
            usleep(200_000)
        }

        // 5. The agent stops; the dashboard takes over.
        kill(agent.processIdentifier, SIGTERM)
        agent.waitUntilExit()
        XCTAssertTrue(agentLog().contains("released the runner lease"), agentLog())
        second.waitFor("triggers: this dashboard", timeout: 20)
        XCTAssertEqual(try runnerRole(), "dashboard")
        try second.press("q")
        second.waitFor("__MLDECK_EXIT_0__")
        XCTAssertNil(try runnerRole(), "no runner after the last one quit")
    }
}
