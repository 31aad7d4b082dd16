import XCTest
@testable import DeckML

final class JSONLinesReaderTests: XCTestCase {
    func testUnionOfKeysEscapesNestedAndNull() throws {
        let text = """
        {"id": 1, "name": "Ann \\"A\\" \\u00e9\\ud83d\\ude00", "tags": ["a", {"b": "}"}]}

        {"name": "Bob", "id": 2, "extra": null, "ok": true}
        {"id": -3.5e2, "extra": "z\\n"}\r

        """
        let path = try TableTestSupport.temp(text, ext: "jsonl")
        var rows: [[String]] = []
        var lines: [Int] = []
        let s = try TableReader.forEachRecord(path: path) { rows.append($0.strings()); lines.append($0.line) }
        XCTAssertEqual(s.columns, ["id", "name", "tags", "extra", "ok"])
        XCTAssertEqual(rows, [
            ["1", "Ann \"A\" é😀", "[\"a\", {\"b\": \"}\"}]", "", ""],
            ["2", "Bob", "", "", "true"],
            ["-3.5e2", "", "", "z\n", ""],
        ])
        XCTAssertEqual(lines, [1, 3, 4])
    }

    func testInvalidJSONNamesLineAndColumn() throws {
        let path = try TableTestSupport.temp("{\"a\": 1}\n{\"a\": 2,}\n", ext: "jsonl")
        XCTAssertThrowsError(try TableReader.forEachRecord(path: path) { _ in }) { e in
            guard let err = e as? TableParseError, case .invalidJSON(_, 2, 9, _) = err else { return XCTFail("\(e)") }
        }
        let notObject = try TableTestSupport.temp("[1, 2]\n", ext: "jsonl")
        XCTAssertThrowsError(try TableReader.forEachRecord(path: notObject) { _ in }) { e in
            XCTAssertEqual((e as? TableParseError)?.line, 1)
        }
    }

    func testLenientSkipsBadLines() throws {
        let path = try TableTestSupport.temp("{\"a\": 1}\n{oops}\n{\"a\": 3}\n", ext: "ndjson")
        var o = TableReadOptions()
        o.lenient = true
        var rows: [[String]] = []
        let s = try TableReader.forEachRecord(path: path, options: o) { rows.append($0.strings()) }
        XCTAssertEqual(rows, [["1"], ["3"]])
        XCTAssertEqual(s.skipped.count, 1)
        XCTAssertEqual(s.skipped.first.first?.line, 2)
    }
}
