import XCTest
@testable import DeckTUI

final class OverlayWidgetTests: XCTestCase {
    func testDialogRendersCentredWithButtons() {
        let d = ModalDialog.confirm(title: "Kill run 42?", body: "The run stops at once.", confirmLabel: "Kill", dangerous: true)
        let c = draw(40, 9) { d.render(into: $0, theme: theme) }
        let text = c.text
        XCTAssertTrue(text.contains("╭ Kill run 42? "), text)
        XCTAssertTrue(text.contains("The run stops at once."), text)
        XCTAssertTrue(text.contains("[ Kill ]  [ Cancel ]"), text)
        // Dangerous: Cancel is focused.
        let cancel = c.find("[ Cancel ]")!
        XCTAssertEqual(c.style(at: cancel), theme[.buttonFocused])
        XCTAssertEqual(c.style(at: c.find("[ Kill ]")!), theme[.button])
    }

    func testDialogKeys() {
        var d = ModalDialog.confirm(title: "Delete?", body: "", confirmLabel: "Delete", dangerous: true)
        XCTAssertEqual(d.handle(.enter), .cancelled, "dangerous dialogs default to Cancel")
        XCTAssertNil(d.handle(.left))
        XCTAssertEqual(d.focused, 0)
        XCTAssertEqual(d.handle(.enter), .pressed("confirm"))
        XCTAssertEqual(d.handle(.char("y")), .pressed("confirm"))
        XCTAssertEqual(d.handle(.escape), .cancelled)
        XCTAssertEqual(d.handle(.char("n")), .cancelled)
        XCTAssertNil(d.handle(.char("z")))
        var three = ModalDialog(title: "Deploy", body: "", buttons: [.init("Staging", id: "s"), .init("Prod", id: "p"), .init("No", id: "no")], cancelID: "no")
        _ = three.handle(.tab)
        XCTAssertEqual(three.handle(.enter), .pressed("p"))
    }

    func testToastBottomRightAndExpiry() {
        let t = Toast("saved", kind: .success, duration: 2, postedAt: 10)
        let c = draw(20, 3) { t.render(into: $0, theme: theme) }
        assertLines(c, ["", "", "           ✓ saved"])  // one padding column each side, one margin column
        XCTAssertEqual(c.style(at: Point(x: 12, y: 2)), theme[.toastInfo])
        XCTAssertFalse(t.isExpired(at: 11.9))
        XCTAssertTrue(t.isExpired(at: 12))
        let e = draw(20, 1) { Toast("boom", kind: .error).render(into: $0, theme: theme) }
        XCTAssertEqual(e.style(at: e.find("boom")!), theme[.toastError])
    }

    func testHelpOverlayGroupsAndShowsRefusals() {
        let bindings = [
            KeyBinding("j", "Down", group: "Navigation"),
            KeyBinding("K", "Kill run", group: "Runs", dangerous: true),
            KeyBinding("c", "Compare", group: "Runs", disabledReason: "mark two runs first"),
            KeyBinding("k", "Up", group: "Navigation"),
            KeyBinding("j", "Duplicate is dropped", group: "Other"),
        ]
        let help = HelpOverlay(bindings: bindings, readOnly: true)
        let lines = help.lines(width: 60).map(\.0)
        XCTAssertEqual(lines, [
            "Navigation", "j  Down", "k  Up", "",
            "Runs", "K  Kill run  (read-only mode: 'Kill run' is disabled)", "c  Compare  (mark two runs first)",
        ])
        var h = help
        let c = draw(70, 14) { h.render(into: $0, theme: theme) }
        XCTAssertNotNil(c.find("╭ Keys "))
        XCTAssertNotNil(c.find("Navigation"))
        XCTAssertEqual(c.style(at: c.find("c  Compare")!).fg, theme[.disabled].fg)
        XCTAssertNotNil(c.find("esc close"))
    }

    func testCommandLineEditingCompletionAndHistory() {
        let words = ["runs", "run", "models", "theme", "quit"]
        let complete: (String) -> [String] = { t in words.filter { $0.hasPrefix(t) } }
        var line = CommandLineState()
        for ch in "ru" { XCTAssertNil(line.handle(.char(ch), completer: complete)) }
        XCTAssertEqual(line.candidates, ["runs", "run"])
        _ = line.handle(.tab, completer: complete)
        XCTAssertEqual(line.text, "runs")
        _ = line.handle(.tab, completer: complete)
        XCTAssertEqual(line.text, "run")
        XCTAssertEqual(line.selectedCandidate, 1)
        _ = line.handle(.backspace, completer: complete)
        XCTAssertEqual(line.text, "ru")
        _ = line.handle(.ctrl("a"), completer: complete)
        _ = line.handle(.char("x"), completer: complete)
        XCTAssertEqual(line.text, "xru")
        _ = line.handle(.ctrl("e"), completer: complete)
        _ = line.handle(.ctrl("w"), completer: complete)
        XCTAssertEqual(line.text, "")
        XCTAssertEqual(line.handle(.backspace, completer: complete), .cancel, "backspace on an empty line closes it")
        var one = CommandLineState()
        _ = one.handle(.char("m"), completer: complete)
        _ = one.handle(.tab, completer: complete)
        XCTAssertEqual(one.text, "models")
        XCTAssertEqual(one.handle(.enter, completer: complete), .submit("models"))
        var hist = CommandLineState(history: ["theme light", "runs"])
        _ = hist.handle(.up, completer: complete)
        XCTAssertEqual(hist.text, "runs")
        _ = hist.handle(.up, completer: complete)
        XCTAssertEqual(hist.text, "theme light")
        _ = hist.handle(.down, completer: complete)
        _ = hist.handle(.down, completer: complete)
        XCTAssertEqual(hist.text, "")
        XCTAssertEqual(hist.handle(.escape, completer: complete), .cancel)
    }

    func testCommandLineRendersPromptCandidatesAndCursor() {
        var line = CommandLineState()
        line.setText("th", completer: { _ in ["theme", "thing"] })
        var cursor = Point.zero
        let c = draw(20, 4) { cursor = line.render(into: $0, theme: theme) }
        assertLines(c, ["", " theme", " thing", ":th"])
        XCTAssertEqual(cursor, Point(x: 3, y: 3))
        XCTAssertEqual(c.style(at: Point(x: 1, y: 1)), theme[.completion])
    }

    func testScrollTextSearchHighlightsAndNavigates() {
        let lines = (0..<50).map { $0 % 10 == 3 ? "step \($0): ERROR bad" : "step \($0): ok" }
        var state = ScrollTextState()
        let text = ScrollText(lines: lines)
        _ = draw(30, 5) { text.render(into: $0, state: &state, theme: theme) }
        state.search("error", in: lines)
        XCTAssertEqual(state.matches.map(\.line), [3, 13, 23, 33, 43])
        XCTAssertEqual(state.currentMatch, 0)
        state.nextMatch(); state.nextMatch()
        XCTAssertEqual(state.currentMatch, 2)
        XCTAssertTrue((state.top..<(state.top + 5)).contains(23))
        let c = draw(30, 5) { text.render(into: $0, state: &state, theme: theme) }
        let p = c.find("ERROR")!
        XCTAssertEqual(c.style(at: p), theme[.matchCurrent])
        XCTAssertEqual(c.trimmedLines()[p.y].hasPrefix("step 23"), true)
        state.previousMatch(); state.previousMatch(); state.previousMatch()
        XCTAssertEqual(state.currentMatch, 4, "wraps backwards")
        XCTAssertTrue(state.handle(.char("n"), rowCount: 0))
        XCTAssertEqual(state.currentMatch, 0)
        state.search("", in: lines)
        XCTAssertNil(state.query)
    }

    func testScrollTextFollowAndScrollbar() {
        let lines = (0..<20).map { "line \($0)" }
        var state = ScrollTextState(follow: true)
        let c = draw(12, 4) { ScrollText(lines: lines).render(into: $0, state: &state, theme: theme) }
        XCTAssertEqual(state.top, 16)
        XCTAssertEqual(c.trimmedLines()[3], "line 19    ┃")
        XCTAssertEqual(c.trimmedLines()[0], "line 16    │")
        _ = state.handle(.char("k"), lineCount: 20)
        XCTAssertFalse(state.follow)
        XCTAssertEqual(state.top, 15)
        _ = state.handle(.char("G"), lineCount: 20)
        XCTAssertTrue(state.follow)
    }
}

extension ScrollTextState {
    /// Test shorthand.
    mutating func handle(_ key: Key, rowCount: Int) -> Bool { handle(key, lineCount: 50) }
}
