import DeckStore
import DeckTestSupport
import XCTest
@testable import DeckEngine

/// The comparison's baseline deltas go the metric's better way (higher AUC, lower loss), and
/// the lineage rows mark a changed dataset version or code hash.
final class RunComparisonBaselineTests: XCTestCase {
    func testImprovementFollowsTheMetricsDirectionAndLineageDifferences() throws {
        let store = try TemporaryWorkspace(prefix: "mldeck-compare").store
        var ids: [String] = []
        for (i, (auc, loss, data)) in [(0.80, 0.40, "churn@1"), (0.90, 0.45, "churn@2"), (0.70, 0.30, "churn@2")].enumerated() {
            let h = try store.createRun(RunStart(name: "r\(i)", status: .finished,
                                                 lineage: RunLineage(datasetVersion: data, codeHash: "abc"),
                                                 owner: nil, startTime: 1_700_000_000 + Double(i),
                                                 metrics: [MetricPoint(key: "auc", value: auc, timestamp: 1),
                                                           MetricPoint(key: "logloss", value: loss, timestamp: 1)]))
            ids.append(h.id)
        }
        let c = RunComparison(try ids.map { try store.runDetails($0) })
        XCTAssertEqual(c.names, ["r0", "r1", "r2"])
        let auc = try XCTUnwrap(c.metrics.first { $0.key == "auc" })
        let loss = try XCTUnwrap(c.metrics.first { $0.key == "logloss" })
        XCTAssertEqual(auc.best, [1]); XCTAssertEqual(loss.best, [2])
        XCTAssertEqual(c.improvement(auc, item: 1, over: 0)!, 0.10, accuracy: 1e-12)
        XCTAssertEqual(c.improvement(loss, item: 1, over: 0)!, -0.05, accuracy: 1e-12, "a higher loss is worse")
        XCTAssertEqual(c.improvement(loss, item: 2, over: 0)!, 0.10, accuracy: 1e-12, "a lower loss is better")
        XCTAssertNil(c.improvement(auc, item: 0, over: 0))
        let d = try XCTUnwrap(c.delta(loss, item: 2, over: 0))
        XCTAssertEqual(d.difference, -0.10, accuracy: 1e-12); XCTAssertEqual(d.better, true)
        let rows = c.lineageRows
        XCTAssertEqual(rows.map(\.key), ["dataset", "code"])
        XCTAssertEqual(rows.map(\.differs), [true, false])
        XCTAssertEqual(rows[0].values, ["churn@1", "churn@2", "churn@2"])
    }
}
