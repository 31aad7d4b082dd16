import DeckEngine
import DeckML
import XCTest
@testable import DeckServe
import DeckTestSupport

/// One builder serves request after request: the plan of the last request's columns is reused
/// only while the names are the same, so another order, an extra column, a repeated or a missing
/// name each get their own answer, and concurrent requests with different layouts never mix.
final class ColumnPlanTests: XCTestCase {
    let builder = InputTableBuilder(spec: ScoringRequestTests.spec, strictColumns: false)

    func split(_ columns: [String], _ row: String) throws -> (DataTable, [String]) {
        try Self.split(builder, columns, row)
    }

    static func split(_ builder: InputTableBuilder, _ columns: [String], _ row: String) throws -> (DataTable, [String]) {
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let body = #"{"dataframe_split": {"columns": [\#(names)], "data": [\#(row)]}}"#
        return try builder.build(try ScoringRequestParser.parse(Array(body.utf8), contentType: nil))
    }

    func age(_ table: DataTable) throws -> Double {
        guard case .numeric(let values)? = table["age"] else { throw XCTSkip("no numeric age column") }
        return values[0]
    }

    func testEachLayoutIsReadByItsOwnNamesAndProblemsAreStillFound() throws {
        let first = try split(["cid", "age", "joined", "plan"], #"["a", 41, "2021-03-04", "pro"]"#)
        XCTAssertEqual(try age(first.0), 41)
        XCTAssertEqual(first.1, [])
        XCTAssertEqual(try age(split(["cid", "age", "joined", "plan"], #"["b", 23, null, "basic"]"#).0), 23)

        let reordered = try split(["plan", "joined", "age", "cid"], #"["basic", null, 30, "c"]"#)
        XCTAssertEqual(try age(reordered.0), 30)
        XCTAssertEqual(reordered.0.names, ["age", "joined", "plan", "cid"], "the spec's order, then the id")
        XCTAssertEqual(LabelText.cell(try XCTUnwrap(reordered.0["plan"]), 0), "basic")
        XCTAssertEqual(LabelText.cell(try XCTUnwrap(reordered.0["cid"]), 0), "c")

        let extra = try split(["cid", "age", "joined", "plan", "zzz"], #"["d", 50, null, "pro", 1]"#)
        XCTAssertEqual(extra.1, ["ignored column the model does not read: 'zzz'"])
        XCTAssertEqual(try split(["cid", "age", "joined", "plan"], #"["e", 51, null, "pro"]"#).1, [], "no warning carried over")

        for (columns, row, fragment) in [(["age", "age", "joined", "plan"], #"[1, 2, null, "pro"]"#, "column 'age' is given twice"),
                                         (["cid", "age", "plan"], #"["f", 1, "pro"]"#, "missing input column 'joined'")] {
            XCTAssertThrowsError(try split(columns, row)) { error in
                XCTAssertTrue((error as? HTTPAPIError)?.message.contains(fragment) == true, "\(error)")
            }
        }
        XCTAssertEqual(try age(split(["cid", "age", "joined", "plan"], #"["g", 52, null, "pro"]"#).0), 52)
    }

    func testConcurrentRequestsWithTwoLayoutsNeverMix() throws {
        let failures = Shared(0), builder = self.builder
        @Sendable func split(_ columns: [String], _ row: String) throws -> (DataTable, [String]) { try Self.split(builder, columns, row) }
        DispatchQueue.concurrentPerform(iterations: 400) { i in
            let value = Double(i)
            let result = i % 2 == 0
                ? try? split(["cid", "age", "joined", "plan"], #"["a", \#(i), null, "pro"]"#)
                : try? split(["joined", "plan", "cid", "age"], #"[null, "basic", "b", \#(i)]"#)
            guard let result, case .numeric(let ages)? = result.0["age"], ages == [value] else { return failures.update { $0 += 1 } }
        }
        XCTAssertEqual(failures.read { $0 }, 0)
    }
}
