import DeckEngine
import DeckML
import XCTest
@testable import DeckServe

/// MLflow's four JSON formats and CSV read to the same rows; the signature check names what is
/// wrong.
final class ScoringRequestTests: XCTestCase {
    /// A binary model reading `age` (integer), `joined` (datetime) and `plan` (one-hot), id `cid`.
    static let spec = try! PreprocessingSpec.decode(Data("""
        {"format": 1, "target": "churned", "task": "binary", "classes": ["no", "yes"],
         "inputs": [{"name": "age", "type": "integer", "encoding": "numeric", "offset": 0, "width": 1},
                    {"name": "joined", "type": "datetime", "encoding": "numeric", "offset": 1, "width": 1},
                    {"name": "plan", "type": "categorical", "encoding": "onehot", "categories": ["basic", "pro"], "offset": 2, "width": 2}],
         "featureNames": ["age", "joined", "plan=basic", "plan=pro"],
         "excluded": [{"name": "cid", "reason": "id", "role": "id"}]}
        """.utf8))

    func frame(_ json: String, type: String = "application/json") throws -> InputFrame {
        try ScoringRequestParser.parse(Array(json.utf8), contentType: type)
    }

    func table(_ frame: InputFrame, strict: Bool = false) throws -> (DataTable, [String]) {
        try InputTableBuilder(spec: Self.spec, strictColumns: strict).build(frame)
    }

    func testTheFourFormatsGiveTheSameTable() throws {
        let bodies = [
            #"{"dataframe_split": {"columns": ["cid", "age", "joined", "plan"], "data": [["a", 41, "2021-03-04", "pro"], ["b", null, null, "basic"]]}}"#,
            #"{"dataframe_records": [{"cid": "a", "age": 41, "joined": "2021-03-04", "plan": "pro"}, {"plan": "basic", "cid": "b"}]}"#,
            #"{"instances": [{"cid": "a", "age": "41", "joined": "2021-03-04", "plan": "pro"}, {"cid": "b", "age": "", "plan": "basic"}]}"#,
            #"{"inputs": {"cid": ["a", "b"], "age": [41, null], "joined": ["2021-03-04", null], "plan": ["pro", "basic"]}}"#,
        ]
        var tables: [DataTable] = []
        for body in bodies {
            let (t, warnings) = try table(try frame(body))
            XCTAssertEqual(warnings, [], body)
            tables.append(t)
        }
        let (csv, _) = try table(try frame("cid,age,joined,plan\na,41,2021-03-04,pro\nb,,,basic\n", type: "text/csv"))
        let model = LoadedModelStub.features
        let expected = try model(csv)
        for (i, t) in tables.enumerated() {
            XCTAssertEqual(t.rowCount, 2)
            let got = try model(t)
            XCTAssertEqual(got.count, expected.count)
            for (x, y) in zip(got, expected) { XCTAssertTrue(x == y || (x.isNaN && y.isNaN), "format \(i): \(got) vs \(expected)") }
            XCTAssertEqual(LabelText.cell(try XCTUnwrap(t["cid"]), 1), "b")
        }
        XCTAssertEqual(expected[1], 1_614_816_000)   // 2021-03-04 as epoch seconds, as a CSV reads it
    }

    /// Text columns are coded by a scan of the values met so far, then (past a handful) by a
    /// dictionary: either way every row reads back its own text, and records with keys in any
    /// order or missing land in the right cells of the flat, row-major cells.
    func testManyDistinctTextsAndRecordsInAnyOrderReadBackRowByRow() throws {
        let ids = (0..<40).map { "c\($0 % 23)" }   // 23 distinct, repeated: past the scanned few
        let plans = (0..<40).map { ["basic", "pro", ""][$0 % 3] }
        let rows = zip(ids, plans).enumerated().map { r, pair in
            r % 2 == 0 ? #"{"cid": "\#(pair.0)", "age": \#(r), "joined": null, "plan": "\#(pair.1)"}"#
                       : #"{"plan": "\#(pair.1)", "age": \#(r).5, "cid": "\#(pair.0)", "age": 1}"#   // a repeated key keeps its first value
        }
        let (t, _) = try table(try frame(#"{"dataframe_records": [\#(rows.joined(separator: ","))]}"#))
        XCTAssertEqual(t.rowCount, 40)
        let cid = try XCTUnwrap(t["cid"]), plan = try XCTUnwrap(t["plan"])
        guard case .numeric(let ages)? = t["age"] else { return XCTFail("age is not numeric") }
        for r in 0..<40 {
            XCTAssertEqual(LabelText.cell(cid, r), ids[r], "row \(r)")
            XCTAssertEqual(LabelText.cell(plan, r), plans[r].isEmpty ? nil : plans[r], "row \(r)")
            XCTAssertEqual(ages[r], r % 2 == 0 ? Double(r) : Double(r) + 0.5, "row \(r)")
        }
        guard case .categorical(_, let categories) = cid else { return XCTFail("cid is not text") }
        XCTAssertEqual(categories.count, 23, "each distinct id is one category")
    }

    /// Bodies whose cells would be far more than the values sent are refused before anything is
    /// allocated: rows that do not fit the columns, and records that each name other columns.
    func testBodiesThatWouldAllocateFarMoreThanTheySendAreRefused() throws {
        let names = (0..<60_000).map { "\"c\($0)\"" }.joined(separator: ",")
        let rows = [String](repeating: "[]", count: 60_000).joined(separator: ",")
        XCTAssertThrowsError(try frame(#"{"dataframe_split": {"columns": [\#(names)], "data": [\#(rows)]}}"#)) { error in
            XCTAssertTrue("\(error)".contains("row 1 has 0 values for 60000 columns"), "\(error)")
        }
        let sparse = (0..<60_000).map { #"{"k\#($0)": 0}"# }.joined(separator: ",")
        XCTAssertThrowsError(try frame(#"{"dataframe_records": [\#(sparse)]}"#)) { error in
            XCTAssertTrue("\(error)".contains("60000 records name 60000 different columns"), "\(error)")
        }
        // Records that leave out a few keys each are fine.
        let (t, _) = try table(try frame(#"{"dataframe_records": [{"age": 1, "joined": null, "plan": "pro"}, {"plan": "basic"}, {"age": 3, "joined": null, "plan": "pro", "cid": "z"}]}"#))
        XCTAssertEqual(t.rowCount, 3)
        XCTAssertEqual(LabelText.cell(try XCTUnwrap(t["cid"]), 2), "z")
        XCTAssertNil(LabelText.cell(try XCTUnwrap(t["cid"]), 0))
    }

    func testASingleRowObjectIsOneRow() throws {
        let (t, _) = try table(try frame(#"{"inputs": {"age": 3, "joined": null, "plan": "pro"}}"#))
        XCTAssertEqual(t.rowCount, 1)
    }

    func testProblemsAreNamed() {
        let cases: [(String, String)] = [
            (#"{"dataframe_records": [{"age": 1, "plan": "pro"}]}"#, "missing input column 'joined'"),
            (#"{"dataframe_records": [{"age": "x1", "joined": null, "plan": "pro"}]}"#, "column 'age', row 1: \"x1\" is not a number"),
            (#"{"dataframe_records": [{"age": 1, "joined": null, "plan": {"a": 1}}]}"#, "column 'plan', row 1: an object"),
            (#"{"dataframe_split": {"columns": ["age"], "data": [[1, 2]]}}"#, "row 1 has 2 values for 1 columns"),
            (#"{"dataframe_split": {"columns": ["age", "age"], "data": []}}"#, "column 'age' is given twice"),
            (#"{"dataframe_split": {"data": []}}"#, "needs \"columns\""),
            (#"{"instances": [[1, 2]]}"#, "row 1 is an array, not an object"),
            (#"{"inputs": {"age": [1, 2], "plan": ["a"]}}"#, "column 'plan' has 1 values, the columns before it 2"),
            (#"{"instances": [], "inputs": []}"#, "more than one of"),
            (#"[1]"#, "must be a JSON object"),
            (#"{"dataframe_records": 3}"#, "must be an array of records"),
        ]
        for (body, fragment) in cases {
            XCTAssertThrowsError(try table(try frame(body)), body) { error in
                guard let e = error as? HTTPAPIError else { return XCTFail("\(error)") }
                XCTAssertEqual(e.status.code, 400, body)
                XCTAssertTrue(e.message.contains(fragment), "'\(fragment)' not in: \(e.message)")
            }
        }
        XCTAssertThrowsError(try frame("a,b", type: "image/png")) { error in
            XCTAssertEqual((error as? HTTPAPIError)?.status.code, 415)
        }
    }

    func testExtraColumnsWarnOrAreRefusedUnderStrictColumns() throws {
        let body = #"{"dataframe_records": [{"cid": "a", "age": 1, "joined": null, "plan": "pro", "coupon": "x", "churned": "yes"}]}"#
        let (_, warnings) = try table(try frame(body))
        XCTAssertEqual(warnings, ["ignored columns the model does not read: 'coupon', 'churned'"])
        XCTAssertThrowsError(try table(try frame(body), strict: true)) { error in
            XCTAssertTrue("\(error)".contains("'coupon', 'churned' are not an input of the model"), "\(error)")
        }
    }

    /// One row takes a shortcut past the category dictionary; it must read text as many rows do.
    func testASingleRowReadsTextCellsAsManyRowsDo() throws {
        for (cell, expected) in [(#""pro""#, "pro" as String?), (#""""#, nil), ("null", nil), ("7", "7"), ("true", "1")] {
            let data = #"["a", 41, null, \#(cell)]"#
            let one = try table(try frame(#"{"dataframe_split": {"columns": ["cid", "age", "joined", "plan"], "data": [\#(data)]}}"#)).0
            let two = try table(try frame(#"{"dataframe_split": {"columns": ["cid", "age", "joined", "plan"], "data": [\#(data), ["b", 1, null, "basic"]]}}"#)).0
            let single = try XCTUnwrap(one["plan"]), pair = try XCTUnwrap(two["plan"])
            XCTAssertEqual(LabelText.cell(single, 0), expected, cell)
            XCTAssertEqual(LabelText.cell(single, 0), LabelText.cell(pair, 0), cell)
            XCTAssertEqual(LabelText.cell(try XCTUnwrap(one["cid"]), 0), "a")
        }
    }
}

/// The feature matrix the model would score (through the engine's transformer).
enum LoadedModelStub {
    static func features(_ table: DataTable) throws -> [Float] {
        try FeatureTransformer(spec: ScoringRequestTests.spec).features(table).values
    }
}
