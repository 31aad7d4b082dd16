@testable import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest

/// The `evaluate` step records its charts in `evaluation.json`, and `EvaluationSummary` reads
/// them back from the run's artifacts.
final class EvaluateChartsTests: XCTestCase {
    static let yaml = """
        pipelines:
          bin:
            dataset: data.csv
            steps:
              prepare:  {uses: split, with: {target: label, exclude: [id], test_size: 0.25, seed: 3, positive: "yes"}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: 8, nthread: 1}}
              evaluate: {uses: evaluate, needs: [train]}
          reg:
            dataset: data.csv
            steps:
              prepare:  {uses: split, with: {target: x1, exclude: [id], test_size: 0.25, seed: 3}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: 8, nthread: 1}}
              evaluate: {uses: evaluate, needs: [train]}
          lin:
            dataset: data.csv
            steps:
              prepare:  {uses: split, with: {target: label, exclude: [id], test_size: 0.25, seed: 3}}
              train:    {uses: linear, needs: [prepare], with: {rounds: 10}}
              evaluate: {uses: evaluate, needs: [train]}
          multi:
            dataset: data.csv
            steps:
              prepare:  {uses: split, with: {target: colour, exclude: [id], test_size: 0.25, seed: 3}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: 5, nthread: 1}}
              evaluate: {uses: evaluate, needs: [train]}
        """

    func summary(_ ws: PipelineTestWorkspace, _ outcome: PipelineOutcome) throws -> (EvaluationSummary, EvaluationReport) {
        XCTAssertEqual(outcome.status, .finished, outcome.reason ?? "")
        let details = try ws.store.runDetails(outcome.runID)
        let loaded = try XCTUnwrap(EvaluationReport.load(from: ws.store, artifacts: details.artifacts))
        XCTAssertEqual(loaded.step, "evaluate")
        return (try XCTUnwrap(EvaluationSummary.load(from: ws.store, artifacts: details.artifacts)), loaded.report)
    }

    func testBinaryRecordsCurvesMatrixAndGainImportance() throws {
        let ws = try PipelineTestWorkspace(yaml: Self.yaml)
        let (summary, report) = try summary(ws, try ws.run("bin"))
        XCTAssertEqual(summary.classes, ["no", "yes"])
        XCTAssertEqual(summary.confusionMatrix?.flatMap { $0 }.reduce(0, +), report.rows)
        XCTAssertEqual(summary.auc, report.result.metrics["auc"])
        let charts = try XCTUnwrap(report.charts)
        let roc = try XCTUnwrap(charts.roc)
        XCTAssertEqual(roc.thresholds.first, .infinity, "+inf survives the JSON round trip")
        XCTAssertEqual(roc.fpr.last, 1)
        XCTAssertNotNil(charts.precisionRecall)
        XCTAssertEqual(charts.calibration?.counts.reduce(0, +), report.rows)
        XCTAssertNil(charts.residuals)
        XCTAssertTrue(summary.importance.contains { $0.feature == "x1" }, "\(summary.importance)")
        XCTAssertEqual(summary.importance.map(\.score), summary.importance.map(\.score).sorted(by: >))
    }

    func testRegressionRecordsResidualsAndPointsLinearHasNoImportanceMulticlassHasMatrix() throws {
        let ws = try PipelineTestWorkspace(yaml: Self.yaml)
        let (regression, regressionReport) = try summary(ws, try ws.run("reg"))
        XCTAssertNil(regression.confusionMatrix)
        XCTAssertEqual(regression.residuals?.count, regressionReport.rows)
        XCTAssertEqual(regressionReport.charts?.predictedVsActual?.actual.count, regressionReport.rows)
        XCTAssertNil(regressionReport.charts?.roc)

        let (linear, linearReport) = try summary(ws, try ws.run("lin"))
        XCTAssertTrue(linear.importance.isEmpty, "gblinear has no gain")
        XCTAssertNotNil(linearReport.charts?.roc)

        let (multi, multiReport) = try summary(ws, try ws.run("multi"))
        XCTAssertEqual(multi.classes, ["blue", "green", "red"])
        XCTAssertEqual(multi.confusionMatrix?.count, 3)
        XCTAssertNil(multiReport.charts?.roc)
        XCTAssertFalse(multi.importance.isEmpty)
    }

    func testACachedRunCarriesTheSameEvaluation() throws {
        let ws = try PipelineTestWorkspace(yaml: Self.yaml)
        let (first, _) = try summary(ws, try ws.run("bin"))
        let again = try ws.run("bin")
        XCTAssertEqual(PipelineTestWorkspace.statuses(again)["evaluate"], .cached)
        let (second, report) = try summary(ws, again)
        XCTAssertEqual(second, first)
        XCTAssertNotNil(report.charts?.roc)
    }
}
