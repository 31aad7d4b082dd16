import XCTest
@testable import DeckML

/// The JSON Lines parser skips nested values with a counter, not recursion: a row nesting
/// 200,000 arrays is read (or refused) cleanly, in time linear in its length.
final class JSONLineDepthTests: XCTestCase {
    func testDeeplyNestedValuesAreKeptAsTextWithoutRecursion() throws {
        let depth = 200_000
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let path = try TableTestSupport.temp("{\"a\": 1, \"deep\": \(nested)}\n{\"a\": 2}\n", ext: "jsonl")
        var rows: [[String]] = []
        _ = try TableReader.forEachRecord(path: path) { rows.append($0.strings()) }
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0][1].count, 2 * depth)
    }

    func testUnbalancedDeepNestingIsAnErrorNamingTheLine() throws {
        let path = try TableTestSupport.temp("{\"a\": 1}\n{\"deep\": " + String(repeating: "{\"x\": [", count: 100_000) + "\n", ext: "jsonl")
        XCTAssertThrowsError(try TableReader.forEachRecord(path: path) { _ in }) { e in
            XCTAssertEqual((e as? TableParseError)?.line, 2, "\(e)")
        }
    }
}
