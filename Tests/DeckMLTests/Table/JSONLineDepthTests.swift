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

extension JSONLineDepthTests {
    func testALineLongerThanTheLimitIsAnErrorNamingIt() throws {
        let long = "{\"a\": \"" + String(repeating: "x", count: 300_000) + "\"}"
        let path = try TableTestSupport.temp("{\"a\": 1}\n" + long + "\n", ext: "jsonl")
        var lines: [Int] = []
        XCTAssertThrowsError(try JSONLinesReader.forEachLine(path: path, chunkSize: 1 << 16, openSource: TableReadOptions().openSource, maxLineBytes: 1 << 17) { _, _, line, _ in
            lines.append(line); return true
        }) { e in
            guard let err = e as? TableParseError, case .invalidJSON(_, 2, 1, let reason) = err else { return XCTFail("\(e)") }
            XCTAssertTrue(reason.contains("longer than 131072 bytes"), reason)
        }
        XCTAssertEqual(lines, [1])
        var count = 0
        try JSONLinesReader.forEachLine(path: path, chunkSize: 1 << 16, openSource: TableReadOptions().openSource) { _, _, _, _ in count += 1; return true }
        XCTAssertEqual(count, 2, "the default limit (256 MiB) reads it")
    }
}
