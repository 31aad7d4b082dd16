import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest

/// The per-column change list shared by `mldeck datasets diff` and the dashboard's diff view.
final class ColumnChangeTests: XCTestCase {
    /// Rows appended with the same categories: the categorical column's count follows the row
    /// count and nothing else moves, so it is not listed; the numeric ones list min/max/mean.
    func testAnUnchangedCategoricalColumnIsNotListedWhenRowsAreAdded() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let path = try ws.write("t.csv", churnLike(rows: 1...10))
        _ = try ws.add("t", path, keys: ["id"])
        try ws.write("t.csv", churnLike(rows: 1...20))
        _ = try ws.add("t", path)
        let diff = try DatasetDiffer.diff(try DatasetReference(parsing: "t@1"), try DatasetReference(parsing: "t@2"), in: ws.store)
        let t = try XCTUnwrap(diff.table)
        let profile = try XCTUnwrap(t.profileDiff)
        XCTAssertTrue(try XCTUnwrap(profile.columns.first { $0.name == "plan" }).changed, "its count did change with the rows")
        let list = ColumnChange.list(profile, rowDelta: t.new.rows - t.old.rows)
        XCTAssertEqual(list.map(\.column), ["id", "score"])
        let score = try XCTUnwrap(list.last)
        let text = score.text(number: { String($0) })
        XCTAssertTrue(text.hasPrefix("distinct 10.0 → 20.0, max 100.0 → 200.0, mean 55.0 → 105.0"), text)
    }

    func testTypeTopValuesAndAMissingStatisticAreWritten() {
        let change = ColumnChange(column: "plan", items: [.type(old: .integer, new: .categorical), .stat("min", StatChange(old: 1, new: nil)),
                                                          .topAdded(["a", "b", "c", "d"]), .topRemoved(["x"])])
        XCTAssertEqual(change.text(number: { String($0) }),
                       "type integer → categorical, min 1.0 → -, new top values: a, b, c, gone from top: x")
    }
}

/// `id,plan,score` rows: a plan alternating basic/pro (categorical in every version) and a score of 10 × id.
func churnLike(rows: ClosedRange<Int>) -> String {
    "id,plan,score\n" + rows.map { "\($0),\($0 % 2 == 0 ? "pro" : "basic"),\($0 * 10)\n" }.joined()
}
