import DeckEngine
import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

/// The dataset diff view lists what changed per column as `mldeck datasets diff` does.
final class DatasetDiffViewTests: XCTestCase {
    func testListsPerColumnChangesAndSkipsAnUnchangedCategoricalColumn() throws {
        let store = try makeTestStore()
        let dir = store.workspace.root
        let rows = { (r: ClosedRange<Int>) in "id,plan,score\n" + r.map { "\($0),\($0 % 2 == 0 ? "pro" : "basic"),\($0 * 10)\n" }.joined() }
        for (i, text) in [rows(1...10), rows(1...20)].enumerated() {
            let url = dir.appendingPathComponent("t\(i).csv")
            try Data(text.utf8).write(to: url)
            _ = try DatasetAdder.add(DatasetAddRequest(name: "t", path: url.path, keyColumns: ["id"]), to: store)
        }
        MainActor.assumeIsolated {
            let view = DatasetDiffView(context: PaneContext(store: store), dataset: "t", old: 1, new: 2)
            view.waitForDiff()
            let canvas = renderView(view, width: 120, height: 30)
            let lines = canvas.trimmedLines().map { $0.trimmingCharacters(in: .whitespaces) }
            XCTAssertTrue(lines.contains("Statistics (2 of 3 columns changed)"), canvas.text)
            let score = lines.first { $0.hasPrefix("score ") }
            XCTAssertEqual(score?.contains("max 100 → 200, mean 55 → 105"), true, canvas.text)
            XCTAssertFalse(lines.contains { $0.hasPrefix("plan ") }, canvas.text)
        }
    }
}
