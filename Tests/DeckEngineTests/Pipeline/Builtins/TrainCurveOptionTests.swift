@testable import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest

/// `train_curve_rows`, `train_curve_every` and `validation_curve_every` of the `xgboost` /
/// `linear` steps: range-checked by `validate`, refused with early stopping when they would
/// starve it, and the recorded curves hold the rounds they should.
final class TrainCurveOptionTests: XCTestCase {
    func problems(_ with: String) throws -> [String] {
        let yaml = """
            pipelines:
              p:
                dataset: data.csv
                steps:
                  prepare: {uses: split, with: {target: label}}
                  s: {uses: xgboost, needs: [prepare], with: \(with)}
            """
        let config = try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse(yaml, file: "mldeck.yaml"))
        let pipeline = try XCTUnwrap(config.pipeline("p"))
        return PipelineValidator(file: "mldeck.yaml").problems(in: pipeline, overrides: [:]).map(\.description)
    }

    func testOptionsAreInTheCatalogAndRangeChecked() throws {
        let keys = try XCTUnwrap(BuiltinCatalog.entry("xgboost")).keys
        for key in ["train_curve_rows", "train_curve_every", "validation_curve_every"] { XCTAssertTrue(keys.contains(key), key) }
        XCTAssertEqual(try problems("{train_curve_rows: 0, train_curve_every: 0, validation_curve_every: 5}"), [])
        let bad = [("train_curve_rows", "-1"), ("train_curve_rows", "1e400"), ("train_curve_every", "-2"),
                   ("train_curve_every", "2.5"), ("validation_curve_every", "0"), ("validation_curve_every", "inf")]
        for (key, value) in bad {
            let found = try problems("{\(key): \(value)}")
            XCTAssertTrue(found.contains { $0.contains("with.\(key): expected a whole number") }, "\(key)=\(value): \(found)")
        }
    }

    func testCurvesHoldTheRoundsTheOptionsName() throws {
        let ws = try PipelineTestWorkspace(yaml: """
            pipelines:
              p:
                dataset: data.csv
                steps:
                  prepare: {uses: split, with: {target: label, validation_size: 0.2, test_size: 0.2}}
                  train: {uses: xgboost, needs: [prepare], with: {rounds: 10, max_depth: 2, nthread: 1, eval_metric: logloss,
                          train_curve_rows: 50, train_curve_every: 4, validation_curve_every: 3}}
            """)
        let outcome = try ws.run("p")
        XCTAssertEqual(outcome.status, .finished, outcome.reason ?? "")
        let run = try ws.store.handle(for: outcome.runID)
        XCTAssertEqual(try ws.store.metricSeries(run: run, key: "train-logloss").map(\.step), [3, 7, 9])
        XCTAssertEqual(try ws.store.metricSeries(run: run, key: "validation-logloss").map(\.step), [2, 5, 8, 9])
        let dir = ws.store.workspace.runDirectory(outcome.runID).appendingPathComponent("steps/train")
        struct Info: Decodable { var curves: XGBoostCurvePlan? }
        let info = try JSONDecoder().decode(Info.self, from: Data(contentsOf: dir.appendingPathComponent("training.json")))
        XCTAssertEqual(info.curves, XGBoostCurvePlan(trainRows: 50, trainEvery: 4, validationEvery: 3))

        // Defaults: both curves every round (the training one on a sample of up to 10,000 rows).
        try ws.writeConfig("""
            pipelines:
              p:
                dataset: data.csv
                steps:
                  prepare: {uses: split, with: {target: label, validation_size: 0.2, test_size: 0.2}}
                  train: {uses: xgboost, needs: [prepare], with: {rounds: 6, max_depth: 2, nthread: 1}}
            """)
        let plain = try ws.run("p")
        XCTAssertEqual(plain.status, .finished, plain.reason ?? "")
        let handle = try ws.store.handle(for: plain.runID)
        XCTAssertEqual(try ws.store.metricSeries(run: handle, key: "train-auc").map(\.step), (0..<6).map { Int64($0) })
        XCTAssertEqual(try ws.store.metricSeries(run: handle, key: "validation-auc").map(\.step), (0..<6).map { Int64($0) })
    }

    func testSparseValidationCurveIsRefusedWithEarlyStopping() throws {
        let ws = try PipelineTestWorkspace(yaml: """
            pipelines:
              p:
                dataset: data.csv
                steps:
                  prepare: {uses: split, with: {target: label, validation_size: 0.2, test_size: 0.2}}
                  train: {uses: xgboost, needs: [prepare], with: {rounds: 10, nthread: 1, early_stopping_rounds: 3, validation_curve_every: 2}}
            """)
        let outcome = try ws.run("p")
        XCTAssertEqual(outcome.status, .failed)
        XCTAssertTrue((outcome.reason ?? "").contains("validation_curve_every"), outcome.reason ?? "")
    }
}
