import XCTest
@testable import DeckTUI

final class TableTests: XCTestCase {
    let columns = [
        TableColumn("ID", width: .fixed(4)),
        TableColumn("Status", width: ColumnWidth(min: 6, max: 10)),
        TableColumn("AUC", width: .fixed(6), alignment: .right),
    ]
    let rows: [[TableCell]] = [
        [.text("r1"), .text("finished", .statusFinished), .text("0.912")],
        [.text("r2"), .text("failed", .statusFailed), .text("-")],
        [.text("r3"), .text("running", .statusRunning), .text("0.88")],
    ]

    func table(_ rows: [[TableCell]]) -> Table {
        Table(columns: columns, rowCount: rows.count) { rows[$0] }
    }

    func testRendersHeaderRowsAndAlignment() {
        var state = TableState()
        let c = draw(30, 5) { table(rows).render(into: $0, state: &state, theme: theme) }
        assertLines(c, [
            " ID   Status      AUC",
            " r1   finished  0.912",
            " r2   failed        -",
            " r3   running    0.88",
            "",
        ])
        XCTAssertEqual(c.style(at: Point(x: 1, y: 0)), theme[.tableHeader])
        XCTAssertEqual(c.style(at: Point(x: 6, y: 2)).fg, theme[.statusFailed].fg)
    }

    func testSelectedRowUsesSelectionBackgroundKeepingCellColour() {
        var state = TableState(selected: 1)
        let c = draw(30, 4) { table(rows).render(into: $0, state: &state, theme: theme) }
        let sel = theme[.selection]
        XCTAssertEqual(c.style(at: Point(x: 1, y: 2)).bg, sel.bg)           // "r2"
        XCTAssertEqual(c.style(at: Point(x: 20, y: 2)).bg, sel.bg)          // the row fills the width
        XCTAssertEqual(c.style(at: Point(x: 6, y: 2)).fg, theme[.statusFailed].fg)
        XCTAssertEqual(c.style(at: Point(x: 1, y: 1)).bg, .terminalDefault)
    }

    func testSortIndicatorAndMarkedRows() {
        var state = TableState()
        state.sort(by: 2)
        state.marked = [2]
        let c = draw(30, 4) { table(rows).render(into: $0, state: &state, theme: theme) }
        XCTAssertTrue(c.trimmedLines()[0].hasSuffix("AUC ▲"))
        XCTAssertEqual(c.trimmedLines()[3].first, "●")
        state.sort(by: 2)
        XCTAssertEqual(state.sort, TableSort(column: 2, ascending: false))
        let d = draw(30, 4) { table(rows).render(into: $0, state: &state, theme: theme) }
        XCTAssertTrue(d.trimmedLines()[0].hasSuffix("AUC ▼"))
    }

    func testVirtualisedOnlyVisibleRowsAreBuilt() {
        var built: [Int] = []
        let t = Table(columns: columns, rowCount: 100_000) { i in
            built.append(i)
            return [.text("r\(i)"), .text("ok"), .text("\(i)")]
        }
        var state = TableState(selected: 99_999)
        let c = draw(30, 6) { t.render(into: $0, state: &state, theme: theme) }
        XCTAssertEqual(built, Array(99_995..<100_000))
        XCTAssertEqual(state.top, 99_995)
        XCTAssertEqual(c.trimmedLines()[5], " r99… ok      99999", "fixed 4-column ID is cut with an ellipsis")
    }

    func testKeysMoveSelectionAndScroll() {
        var state = TableState()
        state.visibleRows = 10
        XCTAssertTrue(state.handle(.char("j"), rowCount: 100, columnCount: 3))
        XCTAssertEqual(state.selected, 1)
        _ = state.handle(.pageDown, rowCount: 100, columnCount: 3)
        XCTAssertEqual(state.selected, 11)
        XCTAssertEqual(state.top, 2)
        _ = state.handle(.char("G"), rowCount: 100, columnCount: 3)
        XCTAssertEqual(state.selected, 99)
        XCTAssertEqual(state.top, 90)
        _ = state.handle(.char("g"), rowCount: 100, columnCount: 3)
        XCTAssertEqual(state.selected, 0)
        XCTAssertEqual(state.top, 0)
        _ = state.handle(.char("k"), rowCount: 100, columnCount: 3)
        XCTAssertEqual(state.selected, 0)
        _ = state.handle(.char(" "), rowCount: 100, columnCount: 3)
        XCTAssertEqual(state.marked, [0])
        XCTAssertEqual(state.selected, 1)
        XCTAssertFalse(state.handle(.char("x"), rowCount: 100, columnCount: 3))
    }

    func testFrozenFirstColumnWhenScrollingSideways() {
        let cols = (0..<6).map { TableColumn("C\($0)", width: .fixed(5)) }
        let t = Table(columns: cols, rowCount: 1) { _ in (0..<6).map { .text("v\($0)") } }
        var state = TableState()
        let before = draw(20, 2) { t.render(into: $0, state: &state, theme: theme) }
        assertLines(before, [" C0    C1    C2    ›", " v0    v1    v2    …"])
        state.columnOffset = 2
        let after = draw(20, 2) { t.render(into: $0, state: &state, theme: theme) }
        assertLines(after, [" C0   ‹C3    C4    ›", " v0    v3    v4    …"])
    }

    func testFlexColumnsShareSpareWidth() {
        let cols = [TableColumn("A", width: .fixed(3)), TableColumn("B", width: .flexible(min: 2, max: 100, flex: 1)),
                    TableColumn("C", width: .flexible(min: 2, max: 100, flex: 3))]
        let t = Table(columns: cols, rowCount: 0) { _ in [] }
        // 3 + 2 + 2 + 2 separators = 9; 20 - 9 = 11 spare split 1:3 → B +2, C +9 (remainder to the last).
        XCTAssertEqual(t.columnWidths(available: 20, visible: [], sort: nil), [3, 4, 11])
    }

    func testSpareRoomShowsCutHeadersBeforeStretchingANameColumn() {
        // The Runs table's shape: a flexible name column and metric columns of at most 14.
        let cols = [TableColumn("Name", width: .flexible(min: 8, max: 32, flex: 2)),
                    TableColumn("validation-logloss", width: ColumnWidth(min: 6, max: 14), alignment: .right),
                    TableColumn("auc", width: ColumnWidth(min: 6, max: 14), alignment: .right)]
        let t = Table(columns: cols, rowCount: 1) { _ in [.text("churn-retrain-12"), .text("0.4123"), .text("0.8412")] }
        let rows: [[TableCell]] = [[.text("churn-retrain-12"), .text("0.4123"), .text("0.8412")]]
        let wide = t.columnWidths(available: 100, visible: rows, sort: nil)
        XCTAssertEqual(wide[1], 18, "the metric's full name fits its header")
        XCTAssertLessThanOrEqual(wide[0], 32, "the name column stops at its maximum")
        XCTAssertEqual(wide[2], 6)
        // Without room the header is cut to the column's maximum, and nothing grows.
        XCTAssertEqual(t.columnWidths(available: 38, visible: rows, sort: nil), [16, 14, 6])
    }

    func testProgressCellAndEmptyTable() {
        let cols = [TableColumn("Run", width: .fixed(3)), TableColumn("Progress", width: .fixed(12))]
        let t = Table(columns: cols, rowCount: 1) { _ in [.text("r1"), .progress(0.5)] }
        var state = TableState()
        let c = draw(20, 2) { t.render(into: $0, state: &state, theme: theme) }
        XCTAssertEqual(c.trimmedLines()[1], " r1  ███▌···  50%")
        let empty = Table(columns: cols, rowCount: 0, emptyText: "no runs yet") { _ in [] }
        let e = draw(20, 3) { empty.render(into: $0, state: &state, theme: theme) }
        XCTAssertEqual(e.trimmedLines()[1], " no runs yet")
    }
}
