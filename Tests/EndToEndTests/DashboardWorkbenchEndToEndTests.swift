import DeckStore
import Foundation
import XCTest

/// The dashboard as a workbench, in tmux on a copy of the demo workspace: compare two marked
/// runs, launch a run with a changed param from the launcher and watch it finish, cancel a
/// running run and see KILLED, quit with runs in flight.
final class DashboardWorkbenchEndToEndTests: XCTestCase {
    var workspace: URL!
    var tmux: DashboardTmux!

    override func setUpWithError() throws {
        try XCTSkipUnless(DashboardTmux.isAvailable, "tmux is not installed")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try DemoFixture.copy()
    }

    override func tearDown() {
        tmux = nil
        // Runs started by a test keep going detached: stop them before removing the workspace.
        if let workspace {
            if let store = try? DeckStore.open(Workspace(root: workspace)),
               let running = try? store.listRuns(RunQuery(filter: "status = 'RUNNING' or status = 'QUEUED'")) {
                for r in running { _ = try? CLI.run(["runs", "cancel", r.run.id, "--workspace", workspace.path]) }
            }
            try? FileManager.default.removeItem(at: workspace)
        }
    }

    func open() throws {
        let config = workspace.appendingPathComponent(".config")
        tmux = try DashboardTmux(arguments: ["--workspace", workspace.path], width: 140, height: 56,
                                 environment: ["XDG_CONFIG_HOME": config.path, "OMP_NUM_THREADS": "1"])
        tmux.waitFor("sweep-churn")
    }

    func testMarkTwoRunsAndCompareThem() throws {
        try open()
        try tmux.press("Space", "Space", "c")
        tmux.waitFor("baseline")
        tmux.waitFor("★")
        XCTAssertTrue(tmux.lastScreen.contains("auc ↑"), tmux.lastScreen)
        XCTAssertTrue(tmux.lastScreen.contains("Lineage"), tmux.lastScreen)
        try tmux.press("6")
        tmux.waitFor("Steps of churn")
        XCTAssertTrue(tmux.lastScreen.contains("└ train"), tmux.lastScreen)
    }

    /// The demo ends with an open critical drift alert: open it from the Alerts pane, see its
    /// per-feature table and a histogram pair, go back, acknowledge it with a note, and find the
    /// acknowledgement in the store through the CLI.
    func testOpenAnAlertSeeItsFeatureTableAndAcknowledgeIt() throws {
        try open()
        try tmux.press("5")
        tmux.waitFor("Severity")
        tmux.waitFor("critical")
        try tmux.press("Enter")
        tmux.waitFor("reference vs current")
        XCTAssertTrue(tmux.lastScreen.contains("Threshold"), tmux.lastScreen)
        XCTAssertTrue(tmux.lastScreen.contains("wasserstein") && tmux.lastScreen.contains("drifted"), tmux.lastScreen)
        try tmux.press("Escape")
        tmux.waitFor("Severity")
        try tmux.press("a")
        tmux.waitFor(":ack ")
        try tmux.type("looking into it")
        try tmux.press("Enter")
        var acknowledged: [String: Any] = [:]
        XCTAssertTrue(try CLI.waitFor(20) {
            let alerts = try CLI.json(["alerts", "list"], in: workspace) as? [[String: Any]] ?? []
            acknowledged = alerts.first { ($0["acknowledge_note"] as? String) == "looking into it" } ?? [:]
            return !acknowledged.isEmpty
        }, tmux.lastScreen)
        XCTAssertEqual(acknowledged["severity"] as? String, "critical")
        tmux.waitFor("acknowledged")
    }

    func testLaunchWithAChangedParamWatchItFinishThenQuit() throws {
        try open()
        try tmux.press("L")
        tmux.waitFor("Start a run")
        // max_depth 6 → 3, rounds 120 → 15.
        try tmux.press("Down", "BSpace")
        try tmux.type("3")
        try tmux.press("Down", "Down", "BSpace", "BSpace", "BSpace")
        try tmux.type("15")
        tmux.waitFor("-p max_depth=3 -p rounds=15")
        try tmux.press("Enter")
        // The launched run's own view opens (the Runs list behind it shows the demo's FINISHED
        // runs, so only the run view counts). 15 shallow rounds can end before the first poll
        // shows it RUNNING (a clean-clone CI run saw only FINISHED): wait for its end.
        func runView(_ screen: String) -> Bool { screen.contains("Runs › ") && screen.contains("$ mldeck run churn -p max_depth=3 -p rounds=15") }
        tmux.waitUntil("the launched run's view", timeout: 60) { runView($0) }
        tmux.waitUntil("the launched run FINISHED", timeout: 240) { runView($0) && $0.contains("✓ FINISHED") }
        // The launched run, found by its params: not "the last run of churn", which a trigger of
        // the demo workspace may have queued meanwhile (seen once in a clean clone: QUEUED).
        let store = try DeckStore.open(Workspace(root: workspace))
        let launched = try store.listRuns(RunQuery(filter: "pipeline = 'churn' and params.max_depth = '3' and params.rounds = '15'"))
        XCTAssertEqual(launched.count, 1, "\(launched.map(\.run.status))")
        let last = try XCTUnwrap(launched.first?.run)
        XCTAssertEqual(try store.runDetails(last.id).params["max_depth"], "3")
        XCTAssertEqual(last.status, .finished)
        // R re-runs it: the launcher opens with its params.
        try tmux.press("R")
        tmux.waitFor("Start a run")
        tmux.waitFor("-p max_depth=3 -p rounds=15")
        try tmux.press("Escape")
        tmux.waitUntil("launcher closed") { !$0.contains("Start a run") }
        try tmux.press("q")
        tmux.waitUntil("quit") { $0.contains("__MLDECK_EXIT_0__") || $0.contains("still in flight") }
        if tmux.lastScreen.contains("still in flight") { try tmux.press("y") }   // its end not seen yet
        tmux.waitFor("__MLDECK_EXIT_0__")
    }

    func testCancelARunningRunAndQuitSaysItKeepsGoing() throws {
        // A pipeline that runs until it is cancelled (the demo's training stops early by itself).
        let config = workspace.appendingPathComponent("mldeck.yaml")
        var yaml = try String(contentsOf: config, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "pipelines:\n", with: "pipelines:\n  slow:\n    steps:\n      wait: {run: \"sleep 300\"}\n")
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        try open()
        try tmux.type(":run slow")
        try tmux.press("Enter")
        tmux.waitFor("● RUNNING", timeout: 60)
        try tmux.press("q")
        tmux.waitFor("still in flight")
        XCTAssertTrue(tmux.lastScreen.contains("It keeps"), tmux.lastScreen)
        try tmux.press("Escape")
        tmux.waitUntil("quit dialog closed") { !$0.contains("still in flight") }
        try tmux.press("C-k")
        // The dialog wraps its sentence at the run's (random) name length: "It ends" and
        // "KILLED." may stand on two lines.
        tmux.waitUntil("the cancel dialog says the run ends KILLED") { $0.contains("It ends") && $0.contains("KILLED.") }
        try tmux.press("y")
        tmux.waitFor("■ KILLED", timeout: 40)
        let store = try DeckStore.open(Workspace(root: workspace))
        XCTAssertEqual(try store.lastRun(ofPipeline: "slow")?.status, .killed)
        // Once its end is seen (within a poll), quitting no longer asks.
        tmux.waitUntil("the end seen") { _ in usleep(500_000); return true }
        try tmux.press("q")
        tmux.waitFor("__MLDECK_EXIT_0__")
    }
}
