@testable import DeckStore
import XCTest

/// Filters that used to reach SQLite as text it could not take (`inf`, 45 nested NOTs, 75 ORs)
/// now run, or fail with a message about the filter that never contains SQL.
final class RunQueryLimitTests: XCTestCase {
    var ws: TestWorkspace!

    override func setUpWithError() throws {
        ws = try TestWorkspace()
        for (i, loss) in [0.1, 0.5, 0.9].enumerated() {
            let run = try ws.store.createRun(RunStart(name: "r\(i)", params: ["depth": "\(i)"], tags: [:], owner: nil, startTime: 1_800_000_000 + Double(i),
                                                      metrics: [MetricPoint(key: "loss", value: loss, timestamp: 1_800_000_000)]))
            try ws.store.finishRun(run, status: .finished, endTime: 1_800_000_010 + Double(i))
        }
    }
    override func tearDown() { ws.cleanup() }

    func names(_ filter: String, order: String = "") throws -> [String] {
        try ws.store.listRuns(RunQuery(filter: filter, orderBy: try RunOrder.parseList(order))).map(\.run.name)
    }

    func assertCleanError(_ error: Error, file: StaticString = #filePath, line: UInt = #line) {
        let text = "\(error)"
        for word in ["SELECT", "metric_summary", "SQLite error", "key_id"] {
            XCTAssertFalse(text.contains(word), "'\(word)' in: \(text)", file: file, line: line)
        }
        XCTAssertTrue(error is FilterError || error is RunQueryError, "\(type(of: error)): \(text)", file: file, line: line)
    }

    func testHugeNumbersAreRefusedOrBound() throws {
        XCTAssertThrowsError(try names("metrics.loss < 1e400")) { assertCleanError($0) }
        XCTAssertEqual(try names("metrics.loss < 1e300"), ["r2", "r1", "r0"], "a large finite number is bound, not spliced in as text")
        XCTAssertEqual(try names("metrics.loss > -1e300", order: "metrics.loss"), ["r0", "r1", "r2"], "the metric range walk binds it too")
        XCTAssertEqual(try names("metrics.loss > 0.4 AND metrics.loss < 1.5e308"), ["r2", "r1"])
        XCTAssertEqual(try ws.store.countRuns(RunQuery(filter: "metrics.loss <= 5e-324")), 0)
    }

    func testFortyFiveNotsWork() throws {
        XCTAssertEqual(try names(String(repeating: "NOT ", count: 45) + "metrics.loss > 0.3"), ["r0"])
        XCTAssertEqual(try names(String(repeating: "NOT ", count: 44) + "metrics.loss > 0.3"), ["r2", "r1"])
        XCTAssertEqual(try names(String(repeating: "NOT (", count: 30) + "metrics.loss > 0.3" + String(repeating: ")", count: 30)), ["r2", "r1"])
    }

    func testSeventyFiveAndFiveHundredOrsWork() throws {
        for count in [75, 500, 3_000] {
            let filter = (0..<count).map { "metrics.loss = \(Double($0) / 10)" }.joined(separator: " OR ")
            XCTAssertEqual(try names(filter), ["r2", "r1", "r0"], "\(count) ORs")
            XCTAssertEqual(try ws.store.countRuns(RunQuery(filter: filter)), 3)
        }
        let ands = (0..<500).map { _ in "params.depth != '7'" }.joined(separator: " AND ")
        XCTAssertEqual(try names(ands), ["r2", "r1", "r0"])
    }

    func testDeepAlternatingNestingWorksOrFailsCleanly() throws {
        for depth in [10, 20, 40, 63] {
            var filter = "metrics.loss > 0.3"
            for i in 0..<depth { filter = "(params.depth = '\(i % 3)' \(i % 2 == 0 ? "OR" : "AND") \(filter))" }
            do {
                _ = try names(filter)
                _ = try ws.store.countRuns(RunQuery(filter: filter))
            } catch {
                assertCleanError(error)
                XCTAssertTrue("\(error)".contains("too complex"), "\(error)")
            }
        }
    }
}
