@testable import DeckStore
import XCTest

final class RunQueryTests: XCTestCase {
    var ws: TestWorkspace!

    override func setUpWithError() throws {
        ws = try TestWorkspace()
        // name, status, auc, depth, model, start offset, duration
        let rows: [(String, RunStatus, Double?, String, String, Double, Double)] = [
            ("a", .finished, 0.91, "6", "xgb-hist", 0, 10),
            ("b", .finished, 0.85, "4", "XGB-approx", 100, 700),
            ("c", .failed, nil, "8", "linear", 200, 5),
            ("d", .finished, 0.95, "x", "xgb-hist", 300, 30),
        ]
        let base = 1_800_000_000.0
        for (name, status, auc, depth, model, offset, duration) in rows {
            let run = try ws.store.createRun(RunStart(name: name, params: ["depth": depth, "model": model], tags: ["team": name == "d" ? "ml" : "ds"],
                                                      owner: nil, startTime: base + offset,
                                                      metrics: auc.map { [MetricPoint(key: "auc", value: $0, timestamp: base)] } ?? []))
            try ws.store.finishRun(run, status: status, endTime: base + offset + duration)
        }
    }
    override func tearDown() { ws.cleanup() }

    func names(_ filter: String?, order: String = "", limit: Int? = nil) throws -> [String] {
        try ws.store.listRuns(RunQuery(filter: filter, orderBy: try RunOrder.parseList(order), limit: limit)).map(\.run.name)
    }

    func testDefaultOrderIsNewestFirst() throws {
        XCTAssertEqual(try names(nil), ["d", "c", "b", "a"])
        XCTAssertEqual(try names(nil, limit: 2), ["d", "c"])
    }

    func testFiltersOnMetricsParamsTagsAndAttributes() throws {
        XCTAssertEqual(try names("metrics.auc > 0.9"), ["d", "a"])
        XCTAssertEqual(try names("params.depth = '6'"), ["a"])
        XCTAssertEqual(try names("params.depth >= 6"), ["c", "a"], "numeric comparison skips non-numbers")
        XCTAssertEqual(try names("tags.team = 'ml'"), ["d"])
        XCTAssertEqual(try names("status = 'failed'"), ["c"], "status compares case-insensitively")
        XCTAssertEqual(try names("duration > 600"), ["b"])
        XCTAssertEqual(try names("name IN ('a', 'c')"), ["c", "a"])
        XCTAssertEqual(try names("start_time > '2027-01-15T08:03:00Z'"), ["d", "c"])
        XCTAssertEqual(try names("start_time >= 1800000200000"), ["d", "c"], "numbers are milliseconds, as in MLflow")
        XCTAssertEqual(try names("metrics.nope > 0"), [], "an unknown key matches nothing")
    }

    /// A data set's bare name matches every version of it; a version matches only itself.
    func testDatasetNameMatchesEveryVersion() throws {
        for (name, dataset) in [("v1", "churn@1"), ("v2", "churn@2"), ("other", "churn2@1"), ("glob", "ch*rn@1")] {
            var start = RunStart(name: name, params: [:], tags: [:], owner: nil, startTime: 1_900_000_000, metrics: [])
            start.lineage = RunLineage(datasetVersion: dataset)
            try ws.store.finishRun(try ws.store.createRun(start), status: .finished, endTime: 1_900_000_001)
        }
        XCTAssertEqual(Set(try names("dataset = 'churn'")), ["v1", "v2"])
        XCTAssertEqual(try names("dataset = 'churn@2'"), ["v2"])
        XCTAssertEqual(Set(try names("dataset != 'churn'")), ["other", "glob"])
        XCTAssertEqual(try names("dataset = 'ch*rn'"), ["glob"], "the name is matched literally, not as a pattern")
    }

    func testOrNotAndParentheses() throws {
        XCTAssertEqual(try names("metrics.auc > 0.92 or status = 'FAILED'"), ["d", "c"])
        XCTAssertEqual(try names("not (params.model LIKE 'xgb%')"), ["c", "b"], "LIKE is case-sensitive")
        XCTAssertEqual(try names("params.model ILIKE 'xgb%' and not metrics.auc < 0.9"), ["d", "a"])
        XCTAssertEqual(try names("(metrics.auc > 0.9 or duration > 600) and tags.team = 'ds'"), ["b", "a"])
        XCTAssertEqual(try names("metrics.auc IS NULL"), ["c"])
    }

    func testOrderingByMetricsParamsAndAttributesWithMissingLast() throws {
        XCTAssertEqual(try names(nil, order: "metrics.auc DESC"), ["d", "a", "b", "c"])
        XCTAssertEqual(try names(nil, order: "metrics.auc"), ["b", "a", "d", "c"], "runs missing the key sort last both ways")
        XCTAssertEqual(try names(nil, order: "params.model ASC, name DESC"), ["b", "c", "d", "a"])
        XCTAssertEqual(try names(nil, order: "duration"), ["c", "a", "d", "b"])
        XCTAssertEqual(try names("metrics.auc > 0.8", order: "metrics.auc", limit: 2), ["b", "a"])
    }

    func testDeletedRunsAreHiddenUntilAsked() throws {
        try ws.store.setDeleted(true, run: ws.store.handle(for: "a"))
        XCTAssertEqual(try names(nil), ["d", "c", "b"])
        XCTAssertEqual(try ws.store.listRuns(RunQuery(deleted: .only)).map(\.run.name), ["a"])
        XCTAssertEqual(try ws.store.countRuns(RunQuery(deleted: .include)), 4)
        try ws.store.setDeleted(false, run: ws.store.handle(for: "a"))
        XCTAssertEqual(try ws.store.countRuns(RunQuery(filter: "metrics.auc > 0")), 3)
    }

    func testFilterErrorsAreReportedNotSwallowed() {
        XCTAssertThrowsError(try names("metrics.auc >")) { XCTAssertTrue($0 is FilterError) }
        XCTAssertThrowsError(try names("metrics.auc > 'high'")) { XCTAssertTrue("\($0)".contains("compare it with a number")) }
        XCTAssertThrowsError(try names("production.metrics.auc > 1")) { XCTAssertTrue("\($0)".contains("pipeline conditions")) }
    }

    func testFieldToFieldComparison() throws {
        XCTAssertEqual(try names("end_time > start_time and duration < 100"), ["d", "c", "a"])
    }
}

extension RunQueryTests {
    func testOrderingWalksTheIndexAndPagesAcrossRunsMissingTheKey() throws {
        _ = try ws.store.createRun(RunStart(name: "e", owner: nil, startTime: 1_800_000_400))
        func page(_ order: String, limit: Int, offset: Int) throws -> [String] {
            try ws.store.listRuns(RunQuery(orderBy: try RunOrder.parseList(order), limit: limit, offset: offset)).map(\.run.name)
        }
        XCTAssertEqual(try names(nil, order: "params.depth"), ["b", "a", "c", "d", "e"])
        XCTAssertEqual(try names(nil, order: "params.depth DESC"), ["d", "c", "a", "b", "e"])
        XCTAssertEqual(try page("params.depth", limit: 2, offset: 3), ["d", "e"])
        XCTAssertEqual(try page("params.depth", limit: 2, offset: 4), ["e"])
        XCTAssertEqual(try page("metrics.auc DESC", limit: 2, offset: 2), ["b", "e"], "c lacks auc too; newest missing first")
        XCTAssertEqual(try page("metrics.auc DESC", limit: 10, offset: 4), ["c"])
        XCTAssertEqual(try names("params.model LIKE 'xgb%'", order: "params.depth DESC"), ["d", "a"])
    }
}
