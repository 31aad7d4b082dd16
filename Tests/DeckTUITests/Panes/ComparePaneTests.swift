import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

/// The Compare pane on the in-memory canvas: best metric marked, deltas to the baseline in the
/// metric's better direction, differing params marked and equal ones hidden, 50 items scrolling
/// sideways with the row names frozen.
final class ComparePaneTests: XCTestCase {
    @MainActor
    private static func compare(_ store: DeckStore, _ handles: [RunHandle]) -> ComparePane {
        let pane = ComparePane(context: PaneContext(store: store))
        pane.show(handles.map { CompareItem(runID: $0.id) })
        pane.waitForLoad()
        return pane
    }

    private static func line(_ canvas: Canvas, starting prefix: String) -> String {
        canvas.trimmedLines().first { $0.drop { $0 == " " }.hasPrefix(prefix) } ?? ""
    }

    func testBestMetricIsMarkedAndDeltasFollowTheBaseline() throws {
        let store = try makeTestStore()
        let runs = try seedRuns(store)
        MainActor.assumeIsolated {
            let pane = Self.compare(store, [runs["alpha"]!, runs["beta"]!, runs["gamma"]!])
            var canvas = renderView(pane, width: 140, height: 40)
            let auc = Self.line(canvas, starting: "auc ↑")
            // beta (0.93) is best; deltas against alpha (0.71), the first item and baseline.
            XCTAssertTrue(auc.contains("0.93 ★ +0.22"), auc)
            XCTAssertTrue(auc.contains("0.85 +0.14"), auc)
            XCTAssertEqual(auc.components(separatedBy: "★").count, 2, auc)
            XCTAssertTrue(canvas.text.contains("baseline alpha"))
            // Focus the third column and make it the baseline: alpha is now 0.14 worse.
            _ = pane.perform(.char("l")); _ = pane.perform(.char("l")); _ = pane.perform(.char("b"))
            XCTAssertEqual(pane.baseline, 2)
            canvas = renderView(pane, width: 140, height: 40)
            let rebased = Self.line(canvas, starting: "auc ↑")
            XCTAssertTrue(rebased.contains("0.71 -0.14"), rebased)
            XCTAssertTrue(rebased.contains("0.93 ★ +0.08"), rebased)
            // The delta of a worse value is drawn as removed (red), of a better one as added.
            let worse = canvas.find("0.71 -0.14")!
            XCTAssertEqual(canvas.style(at: worse).fg, Theme.defaultTheme[.diffRemoved].fg)
        }
    }

    func testLowerIsBetterForLossesAndParamsThatDifferAreMarked() throws {
        let store = try makeTestStore()
        var handles: [RunHandle] = []
        for (name, loss, depth) in [("a", 0.40, "3"), ("b", 0.30, "6")] {
            handles.append(try store.createRun(RunStart(name: name, status: .finished, params: ["max_depth": depth, "eta": "0.1"], owner: nil,
                                                        startTime: 1_700_000_000, metrics: [MetricPoint(key: "logloss", value: loss, timestamp: 1_700_000_000)])))
        }
        MainActor.assumeIsolated {
            let pane = Self.compare(store, handles)
            var canvas = renderView(pane, width: 120, height: 30)
            let loss = Self.line(canvas, starting: "logloss ↓")
            XCTAssertTrue(loss.contains("0.3 ★ -0.1"), loss)
            XCTAssertTrue(Self.line(canvas, starting: "≠ max_depth").contains("6"), canvas.text)
            XCTAssertTrue(canvas.text.contains("  eta"))
            XCTAssertEqual(canvas.style(at: canvas.find("≠ max_depth")!).fg, Theme.defaultTheme[.diffChanged].fg)
            _ = pane.perform(.char("e"))
            canvas = renderView(pane, width: 120, height: 30)
            XCTAssertFalse(canvas.text.contains("  eta"), canvas.text)
            XCTAssertTrue(canvas.text.contains("≠ max_depth"))
        }
    }

    func testFiftyItemsScrollSidewaysWithTheNamesFrozen() throws {
        let store = try makeTestStore()
        var handles: [RunHandle] = []
        for i in 0..<60 {
            handles.append(try store.createRun(RunStart(name: String(format: "run-%02d", i), status: .finished, params: ["i": "\(i)"], owner: nil,
                                                        startTime: 1_700_000_000 + Double(i),
                                                        metrics: [MetricPoint(key: "auc", value: 0.5 + Double(i) / 200, timestamp: 1_700_000_000)])))
        }
        MainActor.assumeIsolated {
            let pane = Self.compare(store, handles)
            XCTAssertEqual(pane.data?.labels.count, 50, "at most 50 items")
            var canvas = renderView(pane, width: 120, height: 30)
            XCTAssertTrue(canvas.text.contains("run-00"))
            XCTAssertFalse(canvas.text.contains("run-49"))
            for _ in 0..<49 { _ = pane.perform(.char("l")) }
            canvas = renderView(pane, width: 120, height: 30)
            XCTAssertTrue(canvas.text.contains("▸run-49"), canvas.text)
            XCTAssertFalse(canvas.text.contains("run-00 "), "scrolled past the first item")
            // The row names stay.
            XCTAssertTrue(Self.line(canvas, starting: "auc ↑").contains("0.745 ★"), canvas.text)
        }
    }

    /// A binary evaluation with charts, as the evaluate step records it.
    static func logEvaluation(_ store: DeckStore, run: RunHandle) throws {
        let labels = RunEvaluationTabTests.labels, probabilities = RunEvaluationTabTests.probabilities
        let report = EvaluationReport(split: "test", rows: labels.count, result: try Evaluator.binary(labels: labels, probabilities: probabilities),
                                      classes: ["stays", "leaves"], charts: EvaluationCharts.binary(labels: labels, probabilities: probabilities))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("evaluation-\(UUID()).json")
        try report.jsonData().write(to: file)
        try store.logArtifact(run: run, path: "steps/evaluate/evaluation.json", file: file)
    }

    func testROCCurvesAreOverlaidWhenTheEvaluationsRecordedThem() throws {
        let store = try makeTestStore()
        let runs = try seedRuns(store)
        try Self.logEvaluation(store, run: runs["alpha"]!)
        try Self.logEvaluation(store, run: runs["beta"]!)
        MainActor.assumeIsolated {
            let pane = Self.compare(store, [runs["alpha"]!, runs["beta"]!])
            XCTAssertEqual(pane.data?.rocs.map { $0 != nil }, [true, true])
            XCTAssertEqual(pane.curveKey, "validation-auc", "validation curves come first")
            let canvas = renderView(pane, width: 140, height: 40)
            XCTAssertTrue(canvas.text.contains("ROC curves"), canvas.text)
            XCTAssertTrue(canvas.text.contains("false positive rate"))
            // Without two evaluations there is no ROC chart.
            let single = Self.compare(store, [runs["alpha"]!, runs["gamma"]!])
            XCTAssertFalse(renderView(single, width: 140, height: 40).text.contains("ROC curves"))
        }
    }

    func testCompareOpensFromMarkedRuns() throws {
        let store = try makeTestStore()
        try seedRuns(store)
        MainActor.assumeIsolated {
            var options = Dashboard.Options(); options.rememberSettings = false
            let dash = Dashboard(store: store, options: options)
            dash.app.size = Size(width: 140, height: 40)
            let canvas = Canvas(size: dash.app.size)
            HeadlessDashboard.settle(dash, canvas: canvas)
            dash.app.send(.char(" ")); dash.app.send(.char(" "))
            dash.app.send(.char("c"))
            XCTAssertTrue(dash.app.topView === dash.compare)
            XCTAssertEqual(dash.compare.items.count, 2)
            dash.compare.waitForLoad()
            _ = dash.app.render(into: canvas)
            XCTAssertTrue(canvas.text.contains("★"), canvas.text)
            XCTAssertTrue(canvas.text.contains("4 Compare"))
            XCTAssertTrue(canvas.text.contains("6 Pipelines"))
        }
    }
}
