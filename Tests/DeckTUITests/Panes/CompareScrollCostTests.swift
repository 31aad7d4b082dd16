import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

/// Scrolling a 50-item Compare sideways (`l` / `h`) must not rebuild the table on every frame:
/// the table model is built once per answer of the store and per baseline / param filter, and a
/// frame only places the visible cells. The frame times are printed (the bench measures them in
/// a real terminal); the test asserts the work, which does not depend on the machine's load.
/// The overlaid curves are plotted once per metric, not per frame, too.
final class CompareScrollCostTests: XCTestCase {
    /// 50 finished runs with a 30-step validation curve, a final AUC, three params and a dataset version.
    static func fiftyRuns(_ store: DeckStore) throws -> [RunHandle] {
        var starts: [RunStart] = []
        for i in 0..<50 {
            let t = 1_700_000_000 + Double(i) * 60
            var points = (0..<30).map { step in
                MetricPoint(key: "validation-logloss", value: 0.6 * exp(-Double(step) * (0.05 + Double(i) / 500)), step: Int64(step), timestamp: t + Double(step))
            }
            points.append(MetricPoint(key: "auc", value: 0.7 + Double(i) / 250, step: 29, timestamp: t + 30))
            points.append(MetricPoint(key: "logloss", value: 0.5 - Double(i) / 250, step: 29, timestamp: t + 30))
            starts.append(RunStart(name: String(format: "bench-%02d", i), experiment: "churn", status: .finished, pipeline: "churn",
                                   params: ["max_depth": "\(3 + i % 6)", "eta": ["0.03", "0.1", "0.3"][i % 3], "rounds": "120"],
                                   lineage: RunLineage(datasetVersion: "churn@\(1 + i % 2)", trigger: "manual"), owner: nil, startTime: t, metrics: points))
        }
        return try store.createRuns(starts)
    }

    func testScrollingFiftyColumnsBuildsTheTableOncePerAnswer() throws {
        let store = try makeTestStore()
        let runs = try Self.fiftyRuns(store)
        MainActor.assumeIsolated {
            let pane = ComparePane(context: PaneContext(store: store))
            pane.show(runs.map { CompareItem(runID: $0.id) })
            pane.waitForLoad()
            _ = renderView(pane, width: 120, height: 32)
            let clock = ContinuousClock()
            var times: [Double] = []
            var canvas = Canvas(width: 1, height: 1)
            for i in 0..<40 {
                let start = clock.now
                _ = pane.perform(.char(i < 20 ? "l" : "h"))
                canvas = renderView(pane, width: 120, height: 32)
                let d = clock.now - start
                times.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
                if i == 19 { XCTAssertTrue(canvas.text.contains("▸bench-20"), canvas.text) }
            }
            XCTAssertTrue(canvas.text.contains("▸bench-00"), canvas.text)
            XCTAssertEqual(pane.tableModelBuilds, 1, "40 frames of sideways scrolling build the table once")
            XCTAssertEqual(pane.curvePlot.stores, 1, "and plot the 50 overlaid curves once")
            _ = pane.perform(.char("l")); _ = pane.perform(.char("l"))
            _ = renderView(pane, width: 120, height: 32)
            XCTAssertEqual(pane.tableModelBuilds, 1)
            _ = pane.perform(.char("b"))
            canvas = renderView(pane, width: 120, height: 32)
            XCTAssertEqual(pane.tableModelBuilds, 2, "a new baseline rebuilds it (the deltas change)")
            XCTAssertTrue(canvas.text.contains("◆▸bench-02"), canvas.text)
            _ = pane.perform(.char("e"))
            canvas = renderView(pane, width: 120, height: 32)
            XCTAssertEqual(pane.tableModelBuilds, 3, "hiding equal params rebuilds it")
            XCTAssertEqual(pane.curvePlot.stores, 1, "the curves did not change")
            _ = pane.perform(.char("]"))
            pane.waitForLoad()
            canvas = renderView(pane, width: 120, height: 32)
            XCTAssertEqual(pane.curvePlot.stores, 2, "another metric's curves are plotted anew")
            XCTAssertTrue(canvas.text.contains("≠ max_depth"), canvas.text)
            XCTAssertFalse(canvas.text.contains("  rounds"), canvas.text)
            let sorted = times.sorted()
            print(String(format: "compare l/h over 50 columns at 120x32: mean %.2f ms, median %.2f ms, max %.2f ms per key+frame",
                         times.reduce(0, +) / Double(times.count), sorted[sorted.count / 2], sorted.last ?? 0))
        }
    }
}
