import DeckML
import XCTest
@testable import DeckServe

/// The one-pass `dataframe_split` reader either gives exactly what the general parser's tree
/// gives, or nothing: on plain bodies, on bodies the general path must read, and on thousands of
/// bodies made by editing them at random.
final class SplitBodyReaderTests: XCTestCase {
    static let names = ["rownames", "female", "tenure", "internet_service", "payment_method", "monthly_charges"]

    /// Bodies the reader takes.
    static let plain: [String] = [
        #"{"dataframe_split": {"columns": ["rownames", "female", "tenure", "internet_service", "payment_method", "monthly_charges"], "data": [[1.0, 1.0, 1.0, "DSL", "Electronic check", 29.85]]}}"#,
        #"{"dataframe_split":{"columns":["rownames","female","tenure","internet_service","payment_method","monthly_charges"],"data":[[1,0,12,"Fiber optic","Mailed check",70.7],[2,null,true,null,"",NaN]]}}"#,
        #" { "dataframe_split" : { "index" : [0, 1], "columns" : [ "a" , "b" ] , "data" : [ [ -1e3 , "x\"y\u00e9" ] , [ Infinity , -Infinity ] ] } } "#,
        #"{"dataframe_split": {"columns": ["a", "b"], "data": [[[1, 2], {"k": "v"}]], "index": ["r1"]}}"#,
        #"{"dataframe_split": {"columns": ["naïve", "b\u0020c"], "data": [["ü", 1]]}}"#,
        #"{"dataframe_split": {"columns": ["a"], "data": []}}"#,
        #"{"dataframe_split": {"columns": [], "data": [[], []]}}"#,
        #"{"dataframe_split": {"columns": ["rownames", "female"], "data": [[1, 2]]}}"#,
        #"{"dataframe_split": {"columns": ["rownames", "female", "tenure", "internet_service", "payment_method", "monthly_charges", "extra"], "data": [[1, 2, 3, 4, 5, 6, 7]]}}"#,
    ]

    /// Bodies the reader leaves to the general path (whose answer may be a table or an error).
    static let declined: [String] = [
        #"{"dataframe_split": {"data": [[1]], "columns": ["a"]}}"#,
        #"{"dataframe_records": [{"a": 1}]}"#,
        #"{"dataframe_split": {"columns": ["a", "b"], "data": [[1]]}}"#,
        #"{"dataframe_split": {"columns": ["a"], "columns": ["b"], "data": [[1]]}}"#,
        #"{"dataframe_split": {"columns": ["a"], "data": [[1]]}, "params": {}}"#,
        #"{"dataframe_split": {"columns": ["a"], "data": [[1]]}} x"#,
        #"{"dataframe_split": {"columns": [1], "data": [[1]]}}"#,
        #"{"dataframe_split": {"columns": ["a"], "data": [[1]], "data": [[2]]}}"#,
        #"{"dataframe_split": {"columns": ["a"], "data": [[01x]]}}"#,
        #"{"dataframe_\u0073plit": {"columns": ["a"], "data": [[1]]}}"#,
        #"{"dataframe_split": {"columns": ["a"]}}"#,
        #"{"dataframe_split": {"columns": ["a"], "data": [1]}}"#,
        #"[1, 2]"#,
    ]

    func testPlainBodiesAreReadAsTheTreeReadsThem() throws {
        for body in Self.plain {
            for known in [nil, Self.names, ["a"], []] as [[String]?] {
                let fast = try XCTUnwrap(SplitBodyReader.read(Array(body.utf8), knownColumns: known), body)
                try assertSame(fast, body: Array(body.utf8))
            }
        }
    }

    func testKnownNamesAreReusedOnlyWhenEqual() throws {
        let body = Array(Self.plain[0].utf8)
        XCTAssertEqual(SplitBodyReader.read(body, knownColumns: Self.names)?.columns, Self.names)
        // A known list that is longer, shorter or different at one name gives the names sent.
        for known in [Self.names + ["more"], Array(Self.names.dropLast()), ["rownames", "female", "tenure", "internet_servicE", "payment_method", "monthly_charges"]] {
            XCTAssertEqual(SplitBodyReader.read(body, knownColumns: known)?.columns, Self.names, "\(known)")
        }
    }

    func testOtherBodiesGoToTheGeneralPath() throws {
        for body in Self.declined {
            XCTAssertNil(SplitBodyReader.read(Array(body.utf8), knownColumns: nil), body)
            XCTAssertNil(SplitBodyReader.read(Array(body.utf8), knownColumns: ["a"]), body)
        }
        // The parser the server calls still answers them as before: a table or the same error.
        let wrongRow = #"{"dataframe_split": {"columns": ["a", "b"], "data": [[1]]}}"#
        XCTAssertThrowsError(try ScoringRequestParser.parse(Array(wrongRow.utf8), contentType: nil)) { error in
            XCTAssertEqual((error as? HTTPAPIError)?.message, "dataframe_split: row 1 has 1 values for 2 columns")
        }
        let reordered = try ScoringRequestParser.parse(Array(Self.declined[0].utf8), contentType: nil)
        XCTAssertEqual(reordered.columnNames, ["a"])
    }

    /// Random edits of the plain bodies (tokens and single bytes inserted, removed, replaced):
    /// whenever the reader takes an edited body, the tree reads it to the same columns and cells.
    func testEditedBodiesNeverReadDifferently() throws {
        var rng = SplitMix64(seed: 0x5EED)
        let tokens = ["[", "]", "{", "}", ",", ":", "\"", " ", "\\", "1", "-", ".", "e", "null", "true", "NaN",
                      "\"columns\":", "\"data\":", "\"index\":", "[[", "]]", "\"a\"", "\u{e9}", "\\u00e9"].map { Array($0.utf8) }
        var taken = 0, editedTaken = 0
        for round in 0..<6_000 {
            var body = Array(Self.plain[round % Self.plain.count].utf8)
            let edits = round < Self.plain.count ? 0 : 1 + rng.nextIndex(below: 3)
            for _ in 0..<edits {
                let at = rng.nextIndex(below: body.count + 1)
                switch rng.nextIndex(below: 4) {
                case 0: body.insert(contentsOf: tokens[rng.nextIndex(below: tokens.count)], at: at)
                case 1: if at < body.count { body.remove(at: at) }
                case 2: if at < body.count { body[at] = tokens[rng.nextIndex(below: tokens.count)].first! }
                default: if at < body.count { body.removeSubrange(at..<min(body.count, at + 1 + rng.nextIndex(below: 6))) }
                }
            }
            guard let fast = SplitBodyReader.read(body, knownColumns: round % 2 == 0 ? Self.names : nil) else { continue }
            taken += 1
            if edits > 0 { editedTaken += 1 }
            try assertSame(fast, body: body)
        }
        XCTAssertGreaterThan(editedTaken, 300, "the edits should leave many bodies the reader still takes (taken: \(taken))")
    }

    /// `fast` has the columns and cells the general tree reads from `body` (NaN equal to NaN).
    func assertSame(_ fast: (columns: [String], cells: JSONCells), body: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws {
        let text = String(decoding: body, as: UTF8.self)
        let general: InputFrame
        do { general = try ScoringRequestParser.tree(body) } catch {
            XCTFail("the reader took a body the tree refuses (\(error)): \(text)", file: file, line: line)
            return
        }
        guard case .json(let columns, let cells) = general else { XCTFail("not JSON: \(text)", file: file, line: line); return }
        XCTAssertEqual(fast.columns, columns, text, file: file, line: line)
        XCTAssertEqual(fast.cells.rowCount, cells.rowCount, text, file: file, line: line)
        XCTAssertEqual(fast.cells.columnCount, cells.columnCount, text, file: file, line: line)
        XCTAssertTrue(fast.cells.rowMajor && cells.rowMajor, text, file: file, line: line)
        XCTAssertEqual(fast.cells.values.count, cells.values.count, text, file: file, line: line)
        for (a, b) in zip(fast.cells.values, cells.values) where !JSONValue.sameBits(a, b) {
            XCTFail("cell \(a) read as \(b) by the tree: \(text)", file: file, line: line)
        }
    }
}
