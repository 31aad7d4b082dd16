import XCTest
@testable import DeckTUI

@MainActor
func makeApp(readOnly: Bool = false) -> (AppModel, FakePane, FakePane) {
    let runs = FakePane("Runs"), models = FakePane("Models", rows: ["m1"])
    let app = AppModel(panes: [runs, models], workspace: "~/churn", readOnly: readOnly, size: Size(width: 80, height: 20))
    return (app, runs, models)
}

final class AppModelTests: XCTestCase {
    func testQuitOnQAndCtrlCButNeverOnEsc() { MainActor.assumeIsolated {
        let (app, _, _) = makeApp()
        app.send(.escape)
        XCTAssertFalse(app.quitRequested)
        app.send(.char("q"))
        XCTAssertTrue(app.quitRequested)
        let (app2, _, _) = makeApp()
        app2.send(.ctrl("c"))
        XCTAssertTrue(app2.quitRequested)
    } }

    func testPaneSwitchingByDigitTabAndCommand() { MainActor.assumeIsolated {
        let (app, _, _) = makeApp()
        app.send(.char("2"))
        XCTAssertEqual(app.activePane, 1)
        app.send(.tab)
        XCTAssertEqual(app.activePane, 0)
        app.send(.backTab)
        XCTAssertEqual(app.activePane, 1)
        app.send(.char("9"))
        XCTAssertEqual(app.activePane, 1, "no pane 9")
        app.send(.char(":"))
        for c in "runs" { app.send(.char(c)) }
        app.send(.enter)
        XCTAssertEqual(app.activePane, 0)
        XCTAssertFalse(app.isCommandLineOpen)
        XCTAssertEqual(app.commandHistory, ["runs"])
    } }

    func testViewGetsKeysFirstThenGlobals() { MainActor.assumeIsolated {
        let (app, runs, _) = makeApp()
        app.send(.char("j"))
        XCTAssertEqual(runs.state.selected, 1)
        // While the pane captures text, q and digits are typed, not global.
        app.send(.char("/"))
        app.send(.char("q")); app.send(.char("2"))
        XCTAssertEqual(runs.filter, "q2")
        XCTAssertFalse(app.quitRequested)
        XCTAssertEqual(app.activePane, 0)
        app.send(.escape)
        XCTAssertFalse(runs.filtering)
    } }

    func testDrillInPushesAndEscPops() { MainActor.assumeIsolated {
        let (app, runs, _) = makeApp()
        app.send(.char("j"))
        app.send(.enter)
        XCTAssertEqual(app.breadcrumb, ["Runs", "beta"])
        XCTAssertTrue(app.topView is FakeDetail)
        XCTAssertEqual(app.allBindings.first?.key, .char("l"))
        app.send(.char("2"))            // stacks are per pane
        XCTAssertEqual(app.breadcrumb, ["Models"])
        app.send(.char("1"))
        XCTAssertEqual(app.breadcrumb, ["Runs", "beta"])
        app.send(.escape)
        XCTAssertEqual(app.breadcrumb, ["Runs"])
        XCTAssertTrue(app.topView === runs)
        app.send(.escape)
        XCTAssertFalse(app.quitRequested)
    } }

    func testDangerousKeyAsksThenEmits() { MainActor.assumeIsolated {
        let (app, runs, _) = makeApp()
        app.send(.char("K"))
        XCTAssertTrue(app.isDialogOpen)
        app.send(.enter)                // Cancel is focused on dangerous dialogs
        XCTAssertFalse(app.isDialogOpen)
        XCTAssertEqual(runs.killed, [])
        app.send(.char("K"))
        app.send(.char("y"))
        XCTAssertEqual(runs.killed, ["alpha"])
        XCTAssertEqual(app.takeOutbox(), [AppEvent("kill", ["alpha"])])
        XCTAssertEqual(app.outbox, [])
    } }

    func testEventsGoToHandlerWhenSet() { MainActor.assumeIsolated {
        let (app, _, _) = makeApp()
        var seen: [AppEvent] = []
        app.onEvent = { e in seen.append(e); return .info("killing \(e.arguments[0])") }
        app.send(.char("K")); app.send(.char("y"))
        XCTAssertEqual(seen, [AppEvent("kill", ["alpha"])])
        XCTAssertEqual(app.currentToast?.message, "killing alpha")
    } }

    func testReadOnlyRefusesDangerousKeysWithReason() { MainActor.assumeIsolated {
        let (app, runs, _) = makeApp(readOnly: true)
        app.send(.char("K"))
        XCTAssertFalse(app.isDialogOpen)
        XCTAssertEqual(app.currentToast?.message, "read-only mode: 'Kill the selected run' is disabled")
        XCTAssertEqual(app.currentToast?.kind, .error)
        XCTAssertEqual(runs.killed, [])
    } }

    func testDisabledBindingShowsItsReason() { MainActor.assumeIsolated {
        let (app, _, _) = makeApp()
        app.send(.char("c"))
        XCTAssertEqual(app.currentToast?.message, "mark two runs with space first")
    } }

    func testHelpOverlayOpensAndCloses() { MainActor.assumeIsolated {
        let (app, _, _) = makeApp()
        app.send(.char("?"))
        XCTAssertTrue(app.isHelpOpen)
        app.send(.char("j"))            // scrolls help, does not move the table
        app.send(.escape)
        XCTAssertFalse(app.isHelpOpen)
        XCTAssertFalse(app.quitRequested)
    } }

    func testCommandCompletionAndUnknownCommand() { MainActor.assumeIsolated {
        let (app, _, _) = makeApp()
        app.commands.append(AppCommand("run", summary: "Run a pipeline",
                                       completeArguments: { p in ["churn", "ames"].filter { $0.hasPrefix(p) } },
                                       run: { args in .emit(AppEvent("run", args)) }))
        XCTAssertEqual(app.complete("r"), ["run", "runs"])
        XCTAssertEqual(app.complete("run c"), ["run churn"])
        XCTAssertEqual(app.complete("nope x"), [])
        app.runCommand("run churn max_depth=8")
        XCTAssertEqual(app.takeOutbox(), [AppEvent("run", ["churn", "max_depth=8"])])
        app.runCommand("frobnicate")
        XCTAssertEqual(app.currentToast?.message, "unknown command ':frobnicate' (Tab lists commands)")
        app.apply(.openCommandLine("run "))
        XCTAssertTrue(app.isCommandLineOpen)
        app.send(.tab)
        app.send(.enter)                // Tab picked "run churn"? two candidates: first Tab selects the first
        XCTAssertFalse(app.isCommandLineOpen)
        XCTAssertEqual(app.takeOutbox(), [AppEvent("run", ["churn"])])
    } }

    func testTickRedrawsOnlyWhenDataChangedAndExpiresToasts() { MainActor.assumeIsolated {
        let (app, runs, models) = makeApp()
        app.needsRedraw = false
        XCTAssertFalse(app.tick(now: 0))
        runs.dataChanged = true
        XCTAssertTrue(app.tick(now: 0))
        app.needsRedraw = false
        models.dataChanged = true          // not the visible pane
        XCTAssertFalse(app.tick(now: 0))
        XCTAssertEqual(runs.ticks, 3)
        XCTAssertEqual(models.ticks, 0, "a hidden pane is not ticked (it reloads when shown)")
        app.toast(Toast("hi", duration: 1, postedAt: 0))
        app.needsRedraw = false
        XCTAssertFalse(app.tick(now: 0.5))
        XCTAssertTrue(app.tick(now: 1.5))
        XCTAssertNil(app.currentToast)
    } }

    func testMouseClickOnTabAndRow() { MainActor.assumeIsolated {
        let (app, runs, _) = makeApp()
        let canvas = Canvas(size: app.size)
        app.render(into: canvas)
        let models = canvas.find("2 Models")!
        app.send(.mouse(MouseEvent(.press, x: models.x, y: 0)))
        XCTAssertEqual(app.activePane, 1)
        app.send(.char("1"))
        app.render(into: canvas)
        // Content starts at screen row 1; row 1 of the content is the header, rows 2… the data.
        app.send(.mouse(MouseEvent(.press, x: 5, y: 4)))
        XCTAssertEqual(runs.state.selected, 2)
        app.send(.mouse(MouseEvent(.wheelDown, x: 5, y: 4)))
        XCTAssertEqual(runs.state.selected, 2, "clamped at the last row")
        // A header count links to its pane: a click on "● 1 running" opens Runs from anywhere.
        app.badges = [Badge("● 1 running", slot: .statusRunning, pane: 0)]
        app.send(.char("2"))
        app.render(into: canvas)
        let badge = canvas.find("● 1 running")!
        app.send(.mouse(MouseEvent(.click, x: badge.x + 2, y: 0)))
        XCTAssertEqual(app.activePane, 0)
    } }

    func testThemeCommandLoadsFromCatalog() { MainActor.assumeIsolated {
        let (app, _, _) = makeApp()
        app.colorDepth = .indexed256
        let catalog = ThemeCatalog(bundledDirectories: [themesDirectory], userDirectory: nil)
        app.installThemeCommand(catalog: catalog)
        XCTAssertEqual(app.complete("theme so"), ["theme solarized-dark"])
        app.runCommand("theme light")
        XCTAssertEqual(app.theme.name, "light")
        XCTAssertEqual(app.theme.depth, .indexed256)
        guard case .indexed = app.theme[.selection].bg else { return XCTFail("theme not degraded to 256 colours") }
        app.runCommand("theme nosuch")
        XCTAssertEqual(app.theme.name, "light", "an unknown theme keeps the current one")
        XCTAssertEqual(app.currentToast?.kind, .error)
    } }
}
