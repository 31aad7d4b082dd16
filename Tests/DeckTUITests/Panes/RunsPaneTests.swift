import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

final class RunsPaneTests: XCTestCase {
    func testShowsEveryRunNewestFirstWithStatusAndDefaultColumns() throws {
        let store = try makeTestStore()
        try seedRuns(store)
        try MainActor.assumeIsolated {
            let pane = RunsPane(context: PaneContext(store: store))
            let canvas = settle(pane)
            XCTAssertEqual(runNames(canvas), ["epsilon", "delta", "gamma", "beta", "alpha"])
            let text = canvas.text
            XCTAssertTrue(text.contains("5 runs"), text)
            XCTAssertTrue(text.contains("✗ FAILED"), text)
            XCTAssertTrue(text.contains("● RUNNING"), text)
            // Default columns: attributes, then the metrics and params seen on the first page.
            XCTAssertEqual(pane.columns.map(\.description),
                           ["status", "name", "pipeline", "start_time", "duration", "metrics.auc", "metrics.train-auc",
                            "metrics.validation-auc", "params.eta", "params.max_depth"])
            let header = try XCTUnwrap(canvas.trimmedLines().first { $0.contains("Status") })
            XCTAssertTrue(header.contains("max_depth"), header)
            // The failed run's status is drawn in the failed slot.
            let p = try XCTUnwrap(canvas.find("✗ FAILED"))
            XCTAssertEqual(canvas.style(at: p).fg, Theme.defaultTheme[.statusFailed].fg)
        }
    }

    func testTypingAFilterNarrowsTheRunsAndAnErrorPointsAtItsColumn() throws {
        let store = try makeTestStore()
        try seedRuns(store)
        MainActor.assumeIsolated {
            let app = AppModel(panes: [RunsPane(context: PaneContext(store: store))], size: Size(width: 120, height: 30))
            let pane = app.panes[0] as! RunsPane
            _ = settle(pane)
            app.send(.char("/"))
            XCTAssertTrue(pane.capturesText)
            for c in "metrics.auc > 0.8" { app.send(.char(c)) }
            XCTAssertFalse(app.quitRequested)
            var canvas = settle(pane)
            XCTAssertEqual(runNames(canvas), ["gamma", "beta"])
            XCTAssertTrue(canvas.text.contains("2 runs"))
            app.send(.enter)
            XCTAssertFalse(pane.capturesText, "Enter keeps the filter and leaves typing")
            XCTAssertEqual(pane.source.query.filter, "metrics.auc > 0.8")
            // A syntax error: shown with a caret under the offending column; the rows stay.
            app.send(.char("/"))
            for c in " and" { app.send(.char(c)) }
            canvas = settle(pane)
            let lines = canvas.trimmedLines()
            let caretLine = lines[1]
            XCTAssertTrue(caretLine.contains("^"), lines.joined(separator: "\n"))
            let caretX = Array(caretLine).firstIndex(of: "^")!
            // "/ " is two columns; the error is at the end of the text (column 22).
            XCTAssertEqual(caretX, 2 + 21, caretLine)
            XCTAssertEqual(runNames(canvas), ["gamma", "beta"])
            // Esc clears the filter.
            app.send(.escape)
            canvas = settle(pane)
            XCTAssertEqual(runNames(canvas).count, 5)
        }
    }

    func testSortByAColumnAndReverse() throws {
        let store = try makeTestStore()
        try seedRuns(store)
        MainActor.assumeIsolated {
            let app = AppModel(panes: [RunsPane(context: PaneContext(store: store))], size: Size(width: 120, height: 30))
            let pane = app.panes[0] as! RunsPane
            _ = settle(pane)
            app.send(.char("s"))
            let chooser = app.topView as! ChoiceListView
            XCTAssertEqual(app.breadcrumb, ["Runs", "Sort by"])
            let aucRow = chooser.items.firstIndex(of: "auc")!
            for _ in 0..<aucRow { app.send(.char("j")) }
            app.send(.enter)
            XCTAssertTrue(app.topView === pane)
            var canvas = settle(pane)
            XCTAssertEqual(runNames(canvas), ["beta", "gamma", "alpha", "epsilon", "delta"], "metrics sort best first")
            XCTAssertTrue(canvas.text.contains("auc ▼"))
            app.send(.char("S"))
            canvas = settle(pane)
            XCTAssertEqual(runNames(canvas), ["delta", "epsilon", "alpha", "gamma", "beta"])
        }
    }

    func testColumnChoiceAndSortAreRememberedPerWorkspace() throws {
        let store = try makeTestStore()
        try seedRuns(store)
        let url = DashboardSettings.url(stateDirectory: store.workspace.stateDirectory)
        MainActor.assumeIsolated {
            let pane = RunsPane(context: PaneContext(store: store, settingsURL: url))
            _ = settle(pane)
            pane.setColumns([.name, .metric("auc"), .param("max_depth")])
            pane.setSort(.metric("auc"), descending: true)
        }
        let saved = DashboardSettings.load(from: url)
        XCTAssertEqual(saved.runs.columns, ["name", "metrics.auc", "params.max_depth"])
        XCTAssertEqual(saved.runs.sort, "metrics.auc DESC")
        MainActor.assumeIsolated {
            let again = RunsPane(context: PaneContext(store: store, settingsURL: url))
            let canvas = settle(again)
            XCTAssertEqual(again.columns, [.name, .metric("auc"), .param("max_depth")])
            XCTAssertEqual(runNames(canvas).first, "beta")
            XCTAssertFalse(canvas.text.contains("Status"))
        }
    }

    func testColumnChooserTogglesColumns() throws {
        let store = try makeTestStore()
        try seedRuns(store)
        MainActor.assumeIsolated {
            let app = AppModel(panes: [RunsPane(context: PaneContext(store: store))], size: Size(width: 120, height: 30))
            let pane = app.panes[0] as! RunsPane
            _ = settle(pane)
            app.send(.char("C"))
            let chooser = app.topView as! ChoiceListView
            XCTAssertTrue(chooser.multiple)
            let trigger = chooser.items.firstIndex(of: "trigger")!
            let status = chooser.items.firstIndex(of: "status")!
            chooser.state.selected = trigger
            app.send(.char(" "))
            chooser.state.selected = status
            app.send(.char(" "))
            app.send(.enter)
            XCTAssertTrue(pane.columns.contains(.attribute(.trigger)))
            XCTAssertFalse(pane.columns.contains(.status))
            let canvas = settle(pane)
            XCTAssertTrue(canvas.text.contains("manual"))
        }
    }

    func testMarksFollowRunsNotRowsAndCompareSaysWhy() throws {
        let store = try makeTestStore()
        try seedRuns(store)
        MainActor.assumeIsolated {
            let app = AppModel(panes: [RunsPane(context: PaneContext(store: store))], size: Size(width: 120, height: 30))
            let pane = app.panes[0] as! RunsPane
            _ = settle(pane)
            app.send(.char(" "))   // epsilon
            XCTAssertEqual(pane.state.selected, 1)
            app.send(.char("c"))
            XCTAssertTrue(app.currentToast?.message.contains("mark two") == true)
            pane.setSort(.name, descending: false)
            let canvas = settle(pane)
            let line = canvas.trimmedLines().first { $0.contains(" epsilon ") }!
            XCTAssertTrue(line.contains("●"), line)
            XCTAssertTrue(canvas.text.contains("1 marked"))
        }
    }

    func testPagesLoadOnDemandForManyRuns() throws {
        let store = try makeTestStore()
        var starts: [RunStart] = []
        for i in 0..<450 {
            starts.append(RunStart(name: String(format: "run-%03d", i), status: .finished, params: ["i": "\(i)"], owner: nil,
                                   startTime: 1_700_000_000 + Double(i),
                                   metrics: [MetricPoint(key: "score", value: Double(i), timestamp: 1_700_000_000)]))
        }
        _ = try store.createRuns(starts)
        MainActor.assumeIsolated {
            let app = AppModel(panes: [RunsPane(context: PaneContext(store: store), pageSize: 100)], size: Size(width: 100, height: 20))
            let pane = app.panes[0] as! RunsPane
            var canvas = settle(pane, width: 100, height: 20)
            XCTAssertTrue(canvas.text.contains("run-449"))
            XCTAssertTrue(canvas.text.contains("450 runs"))
            app.send(.char("G"))
            canvas = renderView(pane, width: 100, height: 20)
            XCTAssertTrue(canvas.text.contains("…"), "the last page is not loaded yet")
            canvas = settle(pane, width: 100, height: 20)
            XCTAssertTrue(canvas.text.contains("run-000"), canvas.text)
            XCTAssertEqual(pane.selectedRun?.run.name, "run-000")
        }
    }

    func testAnotherProcessWritingShowsUpWithoutAKey() throws {
        let store = try makeTestStore()
        try seedRuns(store)
        try MainActor.assumeIsolated {
            let dashboard = Dashboard(store: store, options: { var o = Dashboard.Options(); o.rememberSettings = false; return o }())
            dashboard.app.size = Size(width: 120, height: 30)
            let canvas = Canvas(width: 120, height: 30)
            // The header's running count arrives from its own background query: poll for it.
            XCTAssertTrue(settleDashboard(dashboard, canvas, until: "● 1 running"), canvas.text)
            // Another process: its own store connection.
            let other = try DeckStore.open(store.workspace)
            let h = try other.createRun(RunStart(name: "zeta", status: .running, owner: nil))
            try other.finishRun(try other.handle(for: "epsilon"), status: .finished)
            _ = h
            dashboard.pollChanges(now: Toast.now() + 10)
            HeadlessDashboard.settle(dashboard, canvas: canvas)
            dashboard.pollChanges(now: Toast.now() + 20)
            XCTAssertTrue(settleDashboard(dashboard, canvas, until: "zeta"), canvas.text)
            XCTAssertTrue(settleDashboard(dashboard, canvas, until: "6 runs"), canvas.text)
        }
    }
}

/// Settles the dashboard until `text` is on screen (at most `timeout` seconds).
@MainActor
private func settleDashboard(_ dashboard: Dashboard, _ canvas: Canvas, until text: String, timeout: Double = 10) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
        dashboard.pollChanges(now: Toast.now() + 100)
        HeadlessDashboard.settle(dashboard, canvas: canvas)
        if canvas.text.contains(text) { return true }
        usleep(20_000)
    } while Date() < deadline
    return false
}
