import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

/// The Runs pane's filter errors point where the CLI's do, and a column added with `C` is shown.
final class RunsPaneFilterColumnTests: XCTestCase {
    /// A value the store refuses after parsing (a date that is not a date) gets its caret under
    /// the value, at the column `mldeck runs list --filter` reports.
    func testAnErrorFoundByTheStorePointsAtTheValue() throws {
        let store = try makeTestStore()
        try seedRuns(store)
        try MainActor.assumeIsolated {
            let app = AppModel(panes: [RunsPane(context: PaneContext(store: store))], size: Size(width: 120, height: 30))
            let pane = app.panes[0] as! RunsPane
            _ = settle(pane)
            let filter = "status = 'FINISHED' and start_time > 'soon'"
            app.send(.char("/"))
            for c in filter { app.send(.char(c)) }
            let canvas = settle(pane)
            let column = filter.distance(from: filter.startIndex, to: filter.range(of: "'soon'")!.lowerBound) + 1
            XCTAssertEqual(pane.source.error?.column, column)
            XCTAssertThrowsError(try store.listRuns(RunQuery(filter: filter))) { e in
                XCTAssertEqual((e as? FilterError)?.message, pane.source.error?.message, "the CLI's message")
                XCTAssertEqual((e as? FilterError)?.column, column, "the CLI's column")
            }
            let lines = canvas.trimmedLines()
            let caretX = Array(lines[1]).firstIndex(of: "^")
            // "/ " takes two columns.
            XCTAssertEqual(caretX, 2 + column - 1, lines.joined(separator: "\n"))
            XCTAssertTrue(lines[1].contains("is not a date"), lines[1])
            // Narrower: the message is cut at the edge (or moved left of the caret), never drawn under the caret.
            for width in [70, 90] {
                let narrow = renderView(pane, width: width, height: 30).trimmedLines()[1]
                XCTAssertEqual(Array(narrow).firstIndex(of: "^"), 2 + column - 1, narrow)
                XCTAssertTrue(narrow.contains("'soon' is not a date") || narrow.hasPrefix("  'soon' is not"), narrow)
                XCTAssertEqual(narrow.filter { $0 == "^" }.count, 1, narrow)
            }
        }
    }

    /// At a narrow width, a column added at the right end scrolls into view.
    func testAnAddedColumnScrollsIntoView() throws {
        let store = try makeTestStore()
        try seedRuns(store)
        try MainActor.assumeIsolated {
            let app = AppModel(panes: [RunsPane(context: PaneContext(store: store))], size: Size(width: 60, height: 20))
            let pane = app.panes[0] as! RunsPane
            var canvas = settle(pane, width: 60, height: 20)
            XCTAssertFalse(canvas.text.contains("Trigger"))
            app.send(.char("C"))
            let chooser = app.topView as! ChoiceListView
            chooser.state.selected = chooser.items.firstIndex(of: "trigger")!
            app.send(.char(" "))
            app.send(.enter)
            XCTAssertEqual(pane.columns.last, .attribute(.trigger))
            canvas = settle(pane, width: 60, height: 20)
            let header = try XCTUnwrap(canvas.trimmedLines().first { $0.contains("Status") }, canvas.text)
            XCTAssertTrue(header.contains("Trigger"), canvas.text)
            XCTAssertTrue(canvas.text.contains("manual"), canvas.text)
        }
    }
}
