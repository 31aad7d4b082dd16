import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

/// The Evaluation tab of a run: curves in braille, the heat-mapped confusion matrix and the
/// importance bars, read from the run's `evaluation.json` off the UI thread.
final class RunEvaluationTabTests: XCTestCase {
    static let labels: [Int] = (0..<200).map { $0 % 3 == 0 ? 1 : 0 }
    static let probabilities: [Double] = labels.indices.map { i in
        let score: Double = Double(labels[i]) * 0.45 + Double(i % 10) * 0.05
        return min(0.99, max(0.01, score))
    }

    /// Logs a binary evaluation with charts as `steps/evaluate/evaluation.json` of `run`.
    func logEvaluation(_ store: DeckStore, run: RunHandle) throws {
        let labels = Self.labels, probabilities = Self.probabilities
        let result = try Evaluator.binary(labels: labels, probabilities: probabilities)
        var charts = EvaluationCharts.binary(labels: labels, probabilities: probabilities)
        charts.importance = FeatureImportance(type: "gain", scores: ["tenure": 12.5, "contract=Month-to-month": 30.25, "monthly_charges": 4])
        let report = EvaluationReport(split: "test", rows: labels.count, result: result, classes: ["stays", "leaves"], charts: charts)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("evaluation-\(UUID()).json")
        try report.jsonData().write(to: file)
        try store.logArtifact(run: run, path: "steps/evaluate/evaluation.json", file: file)
    }

    func testEvaluationTabDrawsCurvesMatrixAndImportance() throws {
        let store = try makeTestStore()
        let runs = try seedRuns(store)
        try logEvaluation(store, run: runs["beta"]!)
        try MainActor.assumeIsolated {
            let view = RunDetailView(context: PaneContext(store: store), runID: runs["beta"]!.id, name: "beta")
            for _ in 0..<4 { _ = view.press(.char("]")) }
            XCTAssertEqual(view.tab, .evaluation)
            view.waitForEvaluation()
            guard case .loaded(let panel)? = view.evaluation else { return XCTFail("evaluation not loaded: \(String(describing: view.evaluation))") }
            XCTAssertEqual(panel.step, "evaluate")
            let canvas = renderView(view, width: 130, height: 40)
            let text = canvas.text
            XCTAssertTrue(text.contains("ROC curve"), text)
            XCTAssertTrue(text.contains("Precision-recall"), text)
            XCTAssertTrue(text.contains("Calibration"), text)
            let braille = text.unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }.count
            XCTAssertGreaterThan(braille, 40, "curves are drawn in braille")
            XCTAssertTrue(text.contains("Confusion matrix"), text)
            XCTAssertTrue(text.contains("stays") && text.contains("leaves"), text)
            let matrix = try XCTUnwrap(try Evaluator.binary(labels: Self.labels, probabilities: Self.probabilities).confusionMatrix)
            for count in matrix.flatMap({ $0 }) where count > 0 { XCTAssertTrue(text.contains(" \(count) "), "count \(count) in \(text)") }
            // Heat map: shaded cells, the diagonal in the success colour.
            XCTAssertTrue(text.contains("█") || text.contains("▓"), text)
            let diagonal = try XCTUnwrap(canvas.find(" \(matrix[0][0]) "))
            XCTAssertEqual(canvas.style(at: Point(x: diagonal.x - 1, y: diagonal.y)).fg, Theme.defaultTheme[.success].fg)
            // Importance: largest first, as bars.
            let first = try XCTUnwrap(canvas.find("contract=Month-to-month"))
            let second = try XCTUnwrap(canvas.find("tenure"))
            XCTAssertLessThan(first.y, second.y)
            XCTAssertTrue(text.contains("Feature importance (gain)"), text)
        }
    }

    func testRunWithoutEvaluationSaysSo() throws {
        let store = try makeTestStore()
        let runs = try seedRuns(store)
        MainActor.assumeIsolated {
            let view = RunDetailView(context: PaneContext(store: store), runID: runs["alpha"]!.id, name: "alpha")
            for _ in 0..<4 { _ = view.press(.char("]")) }
            view.waitForEvaluation()
            XCTAssertTrue(renderView(view).text.contains("This run has no evaluation"))
        }
    }

    func testRegressionPanelDrawsPredictedAgainstActualAndResiduals() throws {
        let targets = (0..<300).map { Double($0) }
        let predictions = targets.map { $0 * 0.9 + 10 }
        let result = try Evaluator.regression(targets: targets, predictions: predictions)
        let report = EvaluationReport(split: "test", rows: 300, result: result,
                                      charts: EvaluationCharts.regression(targets: targets, predictions: predictions, pointLimit: 100))
        let canvas = draw(100, 30) { EvaluationPanel(step: "evaluate", report: report).render(into: $0, theme: theme) }
        let text = canvas.text
        XCTAssertTrue(text.contains("Predicted vs actual (100 of 300 rows)"), text)
        XCTAssertTrue(text.contains("Residuals (actual − predicted)"), text)
        XCTAssertTrue(text.contains("rmse"), text)
        XCTAssertFalse(text.contains("Confusion matrix"), text)
        let braille = text.unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }.count
        XCTAssertGreaterThan(braille, 20, text)
    }

    func testXYChartDrawsTheDiagonalCornerToCorner() {
        let chart = XYChart(series: [XYSeries("d", x: [0, 1], y: [0, 1])], xRange: 0...1, yRange: 0...1)
        let (dots, _) = chart.plot(width: 4, height: 2)
        // Bottom-left cell has its bottom-left dot; top-right cell its top-right dot.
        XCTAssertNotEqual(dots[1 * 4 + 0] & (1 << 6), 0)
        XCTAssertNotEqual(dots[0 * 4 + 3] & (1 << 1), 0)
        XCTAssertEqual(dots.filter { $0 != 0 }.count, 4, "a connected line crosses every column")
    }
}
