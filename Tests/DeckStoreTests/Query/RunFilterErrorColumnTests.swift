@testable import DeckStore
import XCTest

/// Errors found while compiling a parsed filter (a text compared with a number, a date that is
/// not a date, a pipeline-only field) point at the offending field or value, as syntax errors do.
final class RunFilterErrorColumnTests: XCTestCase {
    var ws: TestWorkspace!

    override func setUpWithError() throws {
        ws = try TestWorkspace()
        let run = try ws.store.createRun(RunStart(name: "a", params: ["depth": "6"], tags: [:], owner: nil, startTime: 1_800_000_000,
                                                  metrics: [MetricPoint(key: "auc", value: 0.9, timestamp: 1_800_000_000)]))
        try ws.store.finishRun(run, status: .finished, endTime: 1_800_000_010)
    }
    override func tearDown() { ws.cleanup() }

    func error(_ filter: String, file: StaticString = #filePath, line: UInt = #line) -> FilterError? {
        do { _ = try ws.store.listRuns(RunQuery(filter: filter)); XCTFail("no error for \(filter)", file: file, line: line); return nil }
        catch let e as FilterError { return e }
        catch { XCTFail("\(error)", file: file, line: line); return nil }
    }

    /// 1-based column of `needle` in `text`.
    func column(of needle: String, in text: String) -> Int {
        text.distance(from: text.startIndex, to: text.range(of: needle)!.lowerBound) + 1
    }

    func testValueErrorsPointAtTheValue() throws {
        let cases: [(String, String)] = [
            ("metrics.auc > 0.5 AND start_time > 'yesterday'", "'yesterday'"),
            ("status = 'FINISHED' OR metrics.auc IN (1, 'abc')", "'abc'"),
            ("metrics.auc > 0.5 AND end_time = TRUE", "TRUE"),
            ("name = 'a' AND metrics.auc < 'high'", "'high'"),
        ]
        for (filter, value) in cases {
            let e = try XCTUnwrap(error(filter))
            XCTAssertEqual(e.column, column(of: value, in: filter), "\(e)")
        }
    }

    func testFieldErrorsPointAtTheField() throws {
        let filter = "metrics.auc > 0.5 AND production.metrics.auc > 0.8"
        let e = try XCTUnwrap(error(filter))
        XCTAssertEqual(e.column, column(of: "production", in: filter), "\(e)")
        XCTAssertTrue(e.description.hasPrefix("filter error at column 23: "), e.description)
        let bare = "name = 'a' AND production.exists"
        XCTAssertEqual(error(bare)?.column, column(of: "production", in: bare))
    }
}
