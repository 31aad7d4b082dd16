@testable import DeckStore
import DeckTestSupport
import Foundation
import GRDB
import XCTest

/// `RawInsert` shares GRDB's statement cache: a statement GRDB ran last (and left stepped, still
/// bound) must take RawInsert's values, not run again with GRDB's.
final class RawInsertTests: XCTestCase {
    var ws: TestWorkspace!
    override func setUpWithError() throws { ws = try TestWorkspace() }
    override func tearDown() { ws.cleanup() }

    func testAStatementGRDBRanLastTakesTheNewValues() throws {
        let sql = "INSERT INTO experiments(name, created_at) VALUES (?, ?)"
        try ws.store.writeImmediate { db in
            try db.cachedStatement(sql: sql).execute(arguments: ["by-grdb", 1])
            var insert = try RawInsert(db, sql: sql)
            insert.bind("by-raw-insert"); insert.bind(2.0)
            try insert.run()
        }
        let rows = try ws.store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, created_at FROM experiments WHERE name LIKE 'by-%' ORDER BY id").map { "\($0[0] as String)@\($0[1] as Double)" }
        }
        XCTAssertEqual(rows, ["by-grdb@1.0", "by-raw-insert@2.0"])
    }

    /// The case that found it: appending a series runs the same chunk INSERT through GRDB that a
    /// new run with one metric key runs through RawInsert.
    func testCreatingARunWithOneMetricAfterLoggingMetrics() throws {
        let store = ws.store
        let first = try store.createRun(RunStart(name: "first"))
        try store.logMetrics([MetricPoint(key: "loss", value: 0.5, step: 1, timestamp: 1_700_000_000)], run: first)
        let second = try store.createRun(RunStart(name: "second", params: ["lr": "0.1"],
                                                  metrics: [MetricPoint(key: "auc", value: 0.9, step: 0, timestamp: 1_700_000_001)]))
        let details = try store.runDetails(second.id)
        XCTAssertEqual(details.metrics.map(\.key), ["auc"])
        XCTAssertEqual(details.metrics.first?.last, 0.9)
        XCTAssertEqual(try store.metricSeries(run: second, key: "auc").map(\.value), [0.9])
        XCTAssertEqual(details.params, ["lr": "0.1"])
        XCTAssertEqual(try store.metricSeries(run: first, key: "loss").map(\.value), [0.5])
    }
}
