import XCTest
@testable import DeckTUI

final class LayoutWidgetTests: XCTestCase {
    func testTabsHighlightActiveAndReportRanges() {
        var ranges: [Range<Int>] = []
        let c = draw(30, 1) { ranges = Tabs(titles: ["Runs", "Models"], active: 1).render(into: $0, theme: theme) }
        assertLines(c, [" 1 Runs  2 Models"])
        XCTAssertEqual(ranges, [0..<8, 8..<18])
        XCTAssertEqual(c.style(at: Point(x: 10, y: 0)), theme[.tabActive])
        XCTAssertEqual(c.style(at: Point(x: 2, y: 0)), theme[.tabInactive])
        XCTAssertEqual(Tabs.tab(atX: 9, ranges: ranges), 1)
        XCTAssertNil(Tabs.tab(atX: 25, ranges: ranges))
    }

    func testHorizontalSplitWithRatio() {
        let split = SplitPane(.horizontal, ratio: 0.3)
        let (a, b, d) = split.layout(Size(width: 21, height: 5))
        XCTAssertEqual(a, Rect(x: 0, y: 0, width: 6, height: 5))
        XCTAssertEqual(d, Rect(x: 6, y: 0, width: 1, height: 5))
        XCTAssertEqual(b, Rect(x: 7, y: 0, width: 14, height: 5))
        let c = draw(11, 2) { r in
            let (left, right) = SplitPane(.horizontal, ratio: 0.5).render(into: r, theme: theme)
            left.put("left side", at: .zero, style: .plain)
            right.put("right", at: .zero, style: .plain)
        }
        assertLines(c, ["left…│right", "     │"])
    }

    func testVerticalSplitAndMinimum() {
        let (a, b, _) = SplitPane(.vertical, ratio: 0.9, minimum: 3).layout(Size(width: 10, height: 11))
        XCTAssertEqual(a.height, 7)
        XCTAssertEqual(b, Rect(x: 0, y: 8, width: 10, height: 3))
        let c = draw(4, 3) { r in
            let (top, bottom) = SplitPane(.vertical, ratio: 0.5).render(into: r, theme: theme)
            top.put("top", at: .zero, style: .plain)
            bottom.put("bot", at: .zero, style: .plain)
        }
        assertLines(c, ["top", "────", "bot"])
    }

    func testHeaderShowsNameWorkspaceTabsAndBadges() {
        let header = Header(workspace: "~/churn", tabs: Tabs(titles: ["Runs", "Datasets"], active: 0),
                            badges: [Badge("● 2 running", slot: .statusRunning, pane: 0)])
        var hits = HeaderHitAreas()
        let c = draw(60, 1) { hits = header.render(into: $0, theme: theme) }
        let ranges = hits.tabs
        let line = c.trimmedLines()[0]
        XCTAssertTrue(line.hasPrefix("┌ MLDeck ─ ~/churn ──"), line)
        XCTAssertTrue(line.hasSuffix("─ 1 Runs  2 Datasets ── ● 2 running ─┐"), line)
        XCTAssertEqual(line.displayWidth, 60)
        XCTAssertEqual(ranges.count, 2)
        let tabX = ranges[1].lowerBound
        XCTAssertEqual(c.trimmedLines()[0].dropFirst(tabX).prefix(3), " 2 ")
        XCTAssertEqual(c.style(at: Point(x: 2, y: 0)), theme[.title])
        // The running count links to Runs: a click anywhere on it opens pane 0.
        let badgeX = Array(line).firstIndex(of: "●")!
        XCTAssertEqual(hits.pane(at: badgeX), 0)
        XCTAssertEqual(hits.pane(at: badgeX + 4), 0)
        XCTAssertNil(hits.pane(at: 3), "the app name links nowhere")
    }

    func testFooterHintsOverflowToMoreAndDimRefused() {
        let bindings = [
            KeyBinding("/", "Filter", footer: "filter", shownInFooter: true),
            KeyBinding("s", "Sort", footer: "sort", shownInFooter: true),
            KeyBinding("K", "Kill run", footer: "kill", shownInFooter: true, dangerous: true),
            KeyBinding("x", "Hidden"),
            KeyBinding("q", "Quit", footer: "quit", shownInFooter: true),
        ]
        let c = draw(40, 1) { Footer(bindings: bindings, readOnly: true).render(into: $0, theme: theme) }
        assertLines(c, [" / filter  s sort  K kill  q quit"])
        XCTAssertEqual(c.style(at: Point(x: 19, y: 0)), theme[.disabled])
        XCTAssertEqual(c.style(at: Point(x: 1, y: 0)), theme[.footerKey])
        let narrow = draw(22, 1) { Footer(bindings: bindings).render(into: $0, theme: theme) }
        assertLines(narrow, [" / filter  ? more"])
        let status = draw(44, 1) { Footer(bindings: bindings, readOnly: true, status: "READ-ONLY").render(into: $0, theme: theme) }
        XCTAssertTrue(status.trimmedLines()[0].hasSuffix("READ-ONLY"))
    }

    func testTextWrap() {
        XCTAssertEqual(TextWrap.wrap("the quick brown fox", width: 10), ["the quick", "brown fox"])
        XCTAssertEqual(TextWrap.wrap("abcdefghijkl", width: 5), ["abcde", "fghij", "kl"])
        XCTAssertEqual(TextWrap.wrap("a\nb", width: 5), ["a", "b"])
    }
}
