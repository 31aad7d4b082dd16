import XCTest
@testable import DeckTUI

final class AppRenderTests: XCTestCase {
    func testFullScreenLayout() { MainActor.assumeIsolated {
        let app = AppModel(panes: [FakePane("Runs"), FakePane("Models")], workspace: "~/churn",
                           size: Size(width: 64, height: 12))
        app.badges = [Badge("● 1 running", slot: .statusRunning)]
        let canvas = Canvas(size: app.size)
        app.render(into: canvas)
        assertLines(canvas, [
            "┌ MLDeck ─ ~/churn ────────── 1 Runs  2 Models ── ● 1 running ─┐",
            "│ Name                                                         │",
            "│ alpha                                                        │",
            "│ beta                                                         │",
            "│ gamma                                                        │",
            "│                                                              │",
            "│                                                              │",
            "│                                                              │",
            "│                                                              │",
            "├─ Runs ───────────────────────────────────────────────────────┤",
            "│ / filter  enter open  K kill  ? help  : cmd  q quit          │",
            "└──────────────────────────────────────────────────────────────┘",
        ])
        XCTAssertEqual(canvas.style(at: Point(x: 2, y: 2)).bg, theme[.selection].bg)
    } }

    func testBreadcrumbAndReadOnlyFooter() { MainActor.assumeIsolated {
        let app = AppModel(panes: [FakePane("Runs")], readOnly: true, size: Size(width: 70, height: 12))
        app.send(.enter)
        let canvas = Canvas(size: app.size)
        app.render(into: canvas)
        let lines = canvas.trimmedLines()
        XCTAssertTrue(lines[1].hasPrefix("│detail of alpha"), lines[1])
        XCTAssertTrue(lines[9].hasPrefix("├─ Runs › alpha ─"), lines[9])
        XCTAssertTrue(lines[10].hasPrefix("│ l Show log  esc back  ? help"), lines[10])
        XCTAssertTrue(lines[10].hasSuffix("READ-ONLY │"), lines[10])
    } }

    func testTooSmallTerminalShowsNeededSize() { MainActor.assumeIsolated {
        let app = AppModel(panes: [FakePane("Runs")], size: Size(width: 40, height: 8))
        let canvas = Canvas(size: app.size)
        app.render(into: canvas)
        let text = canvas.text
        XCTAssertTrue(text.contains("MLDeck needs 60×12"), text)
        XCTAssertTrue(text.contains("(have 40×8)"), text)
        XCTAssertFalse(text.contains("alpha"))
        // Resizing back restores the dashboard.
        app.size = Size(width: 80, height: 20)
        app.render(into: canvas)
        XCTAssertNotNil(canvas.find("alpha"))
        XCTAssertEqual(canvas.size, Size(width: 80, height: 20))
    } }

    func testOverlaysDrawOnTopAndCommandLineHasCursor() { MainActor.assumeIsolated {
        let app = AppModel(panes: [FakePane("Runs")], size: Size(width: 80, height: 24))
        let canvas = Canvas(size: app.size)
        app.send(.char("?"))
        app.render(into: canvas)
        XCTAssertNotNil(canvas.find("╭ Keys "))
        XCTAssertNotNil(canvas.find("Kill the selected run"))
        app.send(.escape)
        app.send(.char(":"))
        app.send(.char("r"))
        let cursor = app.render(into: canvas)
        XCTAssertEqual(canvas.trimmedLines()[22], "│:r                                                                            │")
        XCTAssertEqual(cursor, Point(x: 3, y: 22))
        XCTAssertNotNil(canvas.find(" runs"))
    } }

    func testMonochromeRenderingUsesAttributesOnly() { MainActor.assumeIsolated {
        let app = AppModel(panes: [FakePane("Runs")], size: Size(width: 60, height: 12))
        app.colorDepth = .monochrome
        let canvas = Canvas(size: app.size)
        app.render(into: canvas)
        for cell in canvas.cells {
            XCTAssertEqual(cell.style.fg, .terminalDefault)
            XCTAssertEqual(cell.style.bg, .terminalDefault)
        }
        XCTAssertTrue(canvas.style(at: Point(x: 2, y: 2)).attributes.contains(.reverse), "selected row")
    } }

    func testRenderingFiveHundredFramesOfALargeTableIsFast() { MainActor.assumeIsolated {
        let big = FakePane("Runs", rows: (0..<100_000).map { "run-\($0)" })
        let app = AppModel(panes: [big], size: Size(width: 200, height: 60))
        let canvas = Canvas(size: app.size)
        let start = ContinuousClock.now
        for _ in 0..<100 {
            app.send(.pageDown)
            app.render(into: canvas)
        }
        let perFrame = (ContinuousClock.now - start) / 100
        XCTAssertLessThan(perFrame, .milliseconds(50), "debug build; release is much faster")
        XCTAssertNotNil(canvas.find("run-\(big.state.selected)"))
    } }
}
