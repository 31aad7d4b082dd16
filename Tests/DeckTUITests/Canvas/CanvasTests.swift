import XCTest
@testable import DeckTUI

final class CanvasTests: XCTestCase {
    func testPutWritesTextAtPointWithStyle() {
        let st = Style(fg: .indexed(1), attributes: .bold)
        let c = draw(10, 2) { $0.put("hello", at: Point(x: 2, y: 1), style: st) }
        assertLines(c, ["", "  hello"])
        XCTAssertEqual(c.style(at: Point(x: 2, y: 1)), st)
        XCTAssertEqual(c.style(at: Point(x: 1, y: 1)), .plain)
    }

    func testTruncatesWithEllipsisAtRegionEdge() {
        let c = draw(8, 1) { $0.put("abcdefghij", at: .zero, style: .plain) }
        assertLines(c, ["abcdefg…"])
        let exact = draw(8, 1) { $0.put("abcdefgh", at: .zero, style: .plain) }
        assertLines(exact, ["abcdefgh"])
    }

    func testMaxWidthTruncation() {
        let c = draw(10, 1) { r in
            let n = r.put("abcdef", at: Point(x: 1, y: 0), style: .plain, maxWidth: 4)
            XCTAssertEqual(n, 4)
        }
        assertLines(c, [" abc…"])
    }

    func testWideCharactersTakeTwoCellsAndTruncateCleanly() {
        XCTAssertEqual("日本語".displayWidth, 6)
        XCTAssertEqual("a⣿b".displayWidth, 3)
        let c = draw(6, 2) { r in
            r.put("日本語", at: .zero, style: .plain)
            r.put("日本語x", at: Point(x: 0, y: 1), style: .plain)
        }
        XCTAssertEqual(c[0, 0].width, 2)
        XCTAssertTrue(c[1, 0].isContinuation)
        assertLines(c, ["日本語", "日本 …"], "the ellipsis always takes the last column")
    }

    func testWideCharacterThatDoesNotFitBecomesBlank() {
        let c = draw(3, 1) { $0.put("ab日", at: .zero, style: .plain, maxWidth: 4) }
        // "ab日" is 4 wide > 3: cut to "ab…".
        assertLines(c, ["ab…"])
        let d = draw(3, 1) { $0.set("日", x: 2, y: 0, style: .plain) }
        assertLines(d, [""])
    }

    func testOverwritingHalfOfWideCharacterBlanksTheOtherHalf() {
        let c = draw(4, 1) { r in
            r.put("日本", at: .zero, style: .plain)
            r.set("x", x: 1, y: 0, style: .plain)
        }
        assertLines(c, [" x本"])
    }

    func testSubRegionClipsAndUsesLocalCoordinates() {
        let c = draw(10, 4) { r in
            let sub = r.sub(Rect(x: 2, y: 1, width: 4, height: 2))
            sub.put("abcdefgh", at: Point(x: 0, y: 0), style: .plain)
            sub.put("zz", at: Point(x: 0, y: 5), style: .plain)  // outside: clipped
            sub.fill(Rect(x: 0, y: 1, width: 10, height: 1), character: "#", style: .plain)
        }
        assertLines(c, ["", "  abc…", "  ####", ""])
    }

    func testBoxWithTitle() {
        let c = draw(12, 3) { r in
            let inner = r.drawBox(style: .plain, title: "Runs")
            inner.put("x", at: .zero, style: .plain)
        }
        assertLines(c, ["┌ Runs ────┐", "│x         │", "└──────────┘"])
    }

    func testControlCharactersAreReplaced() {
        let c = draw(6, 1) { $0.put("a\tb\u{7}", at: .zero, style: .plain) }
        assertLines(c, ["a b�"])
    }

    func testPaddedAndTruncatedStrings() {
        XCTAssertEqual("abc".padded(toWidth: 5), "abc  ")
        XCTAssertEqual("abc".padded(toWidth: 5, alignRight: true), "  abc")
        XCTAssertEqual("abcdef".truncated(toWidth: 4), "abc…")
        XCTAssertEqual("日本語".truncated(toWidth: 4), "日…")
        XCTAssertEqual("ab".truncated(toWidth: 0), "")
    }

    func testFindLocatesTextInCells() {
        let c = draw(10, 2) { $0.put("日x hit", at: Point(x: 1, y: 1), style: .plain) }
        XCTAssertEqual(c.find("hit"), Point(x: 5, y: 1))
        XCTAssertNil(c.find("nope"))
    }

    func testRectGeometry() {
        let r = Rect(x: 0, y: 0, width: 10, height: 5)
        XCTAssertEqual(r.intersection(Rect(x: 8, y: 3, width: 5, height: 5)), Rect(x: 8, y: 3, width: 2, height: 2))
        XCTAssertTrue(r.intersection(Rect(x: 20, y: 0, width: 2, height: 2)).isEmpty)
        XCTAssertEqual(r.centered(Size(width: 4, height: 1)), Rect(x: 3, y: 2, width: 4, height: 1))
        XCTAssertEqual(r.inset(by: 1), Rect(x: 1, y: 1, width: 8, height: 3))
    }
}
