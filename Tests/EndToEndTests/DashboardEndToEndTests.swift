import DeckStore
import Foundation
import XCTest

/// The dashboard as a user sees it: the real binary in tmux on a copy of the demo workspace.
final class DashboardEndToEndTests: XCTestCase {
    var workspace: URL!
    var tmux: DashboardTmux!

    override func setUpWithError() throws {
        try XCTSkipUnless(DashboardTmux.isAvailable, "tmux is not installed")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try DemoFixture.copy()
    }

    override func tearDown() {
        tmux = nil
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func open(_ extra: [String] = [], width: Int = 120, height: Int = 35) throws {
        let config = workspace.appendingPathComponent(".config")
        tmux = try DashboardTmux(arguments: ["--workspace", workspace.path] + extra, width: width, height: height,
                                 environment: ["XDG_CONFIG_HOME": config.path,
                                               "MLDECK_FRAME_LOG": workspace.appendingPathComponent("frames.log").path])
        tmux.waitFor("sweep-churn")
    }

    func testVisitsTheThreePanesAndHelp() throws {
        try open()
        XCTAssertTrue(tmux.lastScreen.contains("1 Runs"))
        XCTAssertTrue(tmux.lastScreen.contains("25 runs"))
        try tmux.press("2")
        tmux.waitFor("Re-export after the fiber price rise")
        try tmux.press("3")
        tmux.waitFor("churn-model")
        XCTAssertTrue(tmux.lastScreen.contains("v3"), "production is v3")
        try tmux.press("Tab")
        tmux.waitFor("Nothing to compare yet")
        try tmux.press("1")
        tmux.waitFor("sweep-churn")
        try tmux.press("?")
        tmux.waitFor("Sort by a column")
        try tmux.press("Escape")
        tmux.waitUntil("help closed") { !$0.contains("Sort by a column") }
        try tmux.type(":")
        try tmux.type("models")
        try tmux.press("Enter")
        tmux.waitFor("churn-model")
    }

    func testFilterAndSortRuns() throws {
        try open()
        try tmux.press("/")
        try tmux.type("name LIKE 'churn-1%'")
        tmux.waitFor("11 runs")
        try tmux.press("Enter")
        XCTAssertFalse(tmux.screen().contains("churn-retrain"))
        // A broken filter points at the problem and keeps the rows.
        try tmux.press("/")
        try tmux.type(" and")
        tmux.waitFor("^")
        try tmux.press("BSpace", "BSpace", "BSpace", "BSpace", "Enter")
        tmux.waitUntil("the error to go") { !$0.contains("^") }
        // Sort by auc (best first), then reverse.
        try tmux.press("s")
        tmux.waitFor("Sort by")
        let items = tmux.lastScreen.split(separator: "\n").map(String.init)
        let first = items.firstIndex { $0.contains(" Status ") || $0.contains(" status ") } ?? 0
        let aucRow = items.firstIndex { $0.contains(" auc ") && $0.contains("metric") } ?? 0
        for _ in 0..<max(0, aucRow - first) { try tmux.press("j") }
        try tmux.press("Enter")
        tmux.waitFor("sort auc ▼")
        // The header changes at once; the rows follow when the query returns.
        tmux.waitUntil("descending rows") { _ in let a = self.aucColumn(self.tmux.lastScreen); return a.count == 11 && a == a.sorted(by: >) }
        try tmux.press("S")
        tmux.waitFor("sort auc ▲")
        tmux.waitUntil("ascending rows") { _ in let a = self.aucColumn(self.tmux.lastScreen); return a.count == 11 && a == a.sorted() }
    }

    /// The auc values of the table rows, top to bottom (the default columns: status, name,
    /// pipeline, started, duration, accuracy, auc, …; status and started are two words each).
    func aucColumn(_ screen: String) -> [Double] {
        screen.split(separator: "\n").filter { $0.contains("churn-") && $0.contains("FINISHED") }.compactMap { line in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "│" })
            return words.count > 8 ? Double(words[8]) : nil
        }
    }

    func testOpenARunAndSeeItsCurves() throws {
        try open()
        // The newest runs are the retrain the demo's drift trigger started and the demo's production
        // pipeline (select, deploy: no curves); the next is a training run.
        tmux.waitFor("production")
        try tmux.press("j")
        try tmux.press("j")
        try tmux.press("Enter")
        tmux.waitFor("━ train-auc")
        let braille = tmux.lastScreen.unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }.count
        XCTAssertGreaterThan(braille, 30, tmux.lastScreen)
        XCTAssertTrue(tmux.lastScreen.contains("Runs › churn-retrain-2"))
        try tmux.press("m")
        tmux.waitUntil("another metric") { !$0.contains("━ train-auc") || $0.contains("logloss") }
        try tmux.press("]")
        tmux.waitFor("[train] best round")
        try tmux.press("]")
        tmux.waitFor("evaluate")
        try tmux.press("Escape")
        tmux.waitFor("25 runs")
    }

    func testDatasetVersionAndDiff() throws {
        try open()
        // Each wait names what only the view it waits for shows: the Runs list shows "churn" too,
        // and the Datasets list's detail already shows v3's "3,500 rows × 21 columns".
        try tmux.press("2")
        tmux.waitFor("Re-export after the fiber price rise")
        try tmux.press("Enter")
        tmux.waitUntil("churn's versions") { $0.contains("Datasets › churn ") && $0.contains("Add 500 November sign-ups") }
        try tmux.press("Enter")   // v3, the newest
        tmux.waitUntil("v3's statistics") { $0.contains("Datasets › churn › churn@3") && $0.contains("3,500 rows × 21 columns") }
        try tmux.press("j")
        tmux.waitFor("churn  (categorical)")
        try tmux.press("Escape")
        tmux.waitFor("Add 500 November sign-ups")
        try tmux.press("d")
        tmux.waitFor("churn@2 → churn@3", timeout: 30)
        tmux.waitFor("changed")
        XCTAssertTrue(tmux.lastScreen.contains("monthly_charges"), tmux.lastScreen)
    }

    func testPromoteAModelAfterConfirming() throws {
        try open()
        try tmux.press("3")
        tmux.waitFor("Versions Production")
        try tmux.press("Enter")
        // The list's detail shows "alias history" too: wait for the versions view itself, loaded.
        tmux.waitUntil("the versions of churn-model") { $0.contains("Models › churn-model") && $0.contains("v4      staging") }
        try tmux.press("j")   // v4 (staging), below v5 that the demo's drift-triggered retrain registered
        try tmux.press("p")
        tmux.waitFor("Promote churn-model v4")
        XCTAssertTrue(tmux.lastScreen.contains("from v3 to v4"), tmux.lastScreen)
        XCTAssertTrue(tmux.lastScreen.contains("auc:"), tmux.lastScreen)
        try tmux.press("y")
        tmux.waitFor("churn-model@production → v4")
        let frames = (try? String(contentsOf: workspace.appendingPathComponent("frames.log"), encoding: .utf8)) ?? ""
        XCTAssertTrue(tmux.lastScreen.contains("churn-model@production → v4"), "keys the dashboard received:\n" + frames.split(separator: "\n").filter { !$0.hasSuffix(" -") }.joined(separator: "\n"))
        let store = try DeckStore.open(Workspace(root: workspace))
        XCTAssertEqual(try store.modelVersion(model: "churn-model", alias: "production")?.version, 4)
    }

    func testSwitchThemeLive() throws {
        try open()
        let before = try tmux.tmux(["capture-pane", "-p", "-e", "-t", "dash"])
        try tmux.type(":")
        try tmux.type("theme light")
        try tmux.press("Enter")
        tmux.waitFor("theme: light")
        let after = try tmux.tmux(["capture-pane", "-p", "-e", "-t", "dash"])
        XCTAssertNotEqual(before, after, "colours changed")
    }

    func testShrinkGrowAndQuitRestoresTheTerminal() throws {
        try open()
        XCTAssertEqual(tmux.paneFlag("alternate_on"), "1")
        try tmux.resize(width: 40, height: 12)
        tmux.waitFor("MLDeck needs")
        try tmux.resize(width: 120, height: 35)
        tmux.waitFor("sweep-churn")
        try tmux.press("q")
        tmux.waitFor("__MLDECK_EXIT_0__")
        XCTAssertEqual(tmux.paneFlag("alternate_on"), "0", "left the alternate screen")
        XCTAssertEqual(tmux.paneFlag("cursor_flag"), "1", "the cursor is visible again")
        XCTAssertFalse(tmux.lastScreen.contains("sweep-churn"), tmux.lastScreen)
    }

    func testChangesFromAnotherProcessAppearWithoutAKey() throws {
        try open()
        let result = try CLI.run(["track", "--workspace", workspace.path, "--name", "from-the-cli", "--quiet", "--", "true"])
        XCTAssertEqual(result.status, 0, result.stderr)
        tmux.waitFor("from-the-cli", timeout: 5)
        XCTAssertTrue(tmux.lastScreen.contains("26 runs"))
    }
}
