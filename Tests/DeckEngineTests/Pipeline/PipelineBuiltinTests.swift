@testable import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest

/// The built-in steps beyond the standard pipeline: `linear`, multiclass targets, time splits,
/// early stopping (the stored model holds only the trees up to the best round).
final class PipelineBuiltinTests: XCTestCase {
    func testLinearAndMulticlassAndTimeSplit() throws {
        let ws = try PipelineTestWorkspace(yaml: """
            pipelines:
              lin:
                dataset: data.csv
                steps:
                  prepare:  {uses: split, with: {target: label, time_column: id, test_size: 0.25}}
                  train:    {uses: linear, needs: [prepare], with: {rounds: 20, eta: 0.5}}
                  evaluate: {uses: evaluate, needs: [train]}
              multi:
                dataset: data.csv
                steps:
                  prepare:  {uses: split, with: {target: colour, test_size: 0.25}}
                  train:    {uses: xgboost, needs: [prepare], with: {rounds: 5, nthread: 1}}
                  evaluate: {uses: evaluate, needs: [train], with: {metrics: [accuracy, f1, logloss]}}
                  register: {uses: register, needs: [evaluate], with: {model: colours, alias: staging}}
            """)
        let linear = try ws.run("lin")
        XCTAssertEqual(linear.status, .finished, linear.reason ?? "")
        XCTAssertGreaterThan(linear.metrics["auc"] ?? 0, 0.7)
        // Split by time: the test rows are the latest ids.
        let split = try SplitFile.read(ws.store.workspace.runDirectory(linear.runID).appendingPathComponent("steps/prepare"))
        XCTAssertEqual(split.test.min(), split.train.max()! + split.validation.count + 1)
        let info = try String(contentsOf: ws.store.workspace.runDirectory(linear.runID).appendingPathComponent("steps/train/training.json"), encoding: .utf8)
        XCTAssertTrue(info.contains("\"booster\" : \"gblinear\""), info)

        let multi = try ws.run("multi")
        XCTAssertEqual(multi.status, .finished, multi.reason ?? "")
        XCTAssertEqual(Set(multi.metrics.keys), ["accuracy", "f1", "logloss"])
        let version = try ws.store.modelVersion(ModelReference(parsing: "colours@staging"))
        XCTAssertEqual(version.task, "multiclass")
        let loaded = try LoadedModel.load(store: ws.store, version: version)
        XCTAssertEqual(loaded.spec.classes, ["blue", "green", "red"])
        let table = try DataTable.load(path: ws.root.appendingPathComponent("data.csv").path)
        let predictions = try loaded.predict(table, rows: [0, 1, 2])
        XCTAssertEqual(predictions.probabilities?.count, 3)
        XCTAssertTrue(predictions.labels!.allSatisfy { ["blue", "green", "red"].contains($0) })
        // Reference data: the training split's input columns.
        let reference = try ReferenceData.decode(try ws.store.objects.read(try XCTUnwrap(version.referenceObject)))
        XCTAssertEqual(reference.columns.map(\.name), loaded.spec.inputs.map(\.name))
        let x1 = try XCTUnwrap(reference.column("x1"))
        XCTAssertEqual(x1.sortedValues, x1.sortedValues.sorted())
        XCTAssertEqual(x1.count + x1.missing, reference.rows)
    }

    func testEarlyStoppingKeepsTheBestTrees() throws {
        let ws = try PipelineTestWorkspace(yaml: """
            pipelines:
              es:
                dataset: data.csv
                steps:
                  prepare: {uses: split, with: {target: label, validation_size: 0.3, test_size: 0.2}}
                  train:   {uses: xgboost, needs: [prepare], with: {rounds: 200, eta: 0.9, max_depth: 6, early_stopping_rounds: 3, nthread: 1}}
            """)
        let outcome = try ws.run("es")
        XCTAssertEqual(outcome.status, .finished, outcome.reason ?? "")
        let dir = ws.store.workspace.runDirectory(outcome.runID).appendingPathComponent("steps/train")
        let booster = try XGBoostBooster(contentsOf: dir.appendingPathComponent("model.json"))
        struct Info: Decodable { var roundsTrained: Int; var bestIteration: Int }
        let info = try JSONDecoder().decode(Info.self, from: Data(contentsOf: dir.appendingPathComponent("training.json")))
        XCTAssertLessThan(info.roundsTrained, 200)
        XCTAssertEqual(try booster.boostedRounds(), info.bestIteration + 1)
        // The curves hold every round trained, with step = round.
        let curve = try ws.store.metricSeries(run: ws.store.handle(for: outcome.runID), key: "validation-auc")
        XCTAssertEqual(curve.map(\.step), (0..<Int64(info.roundsTrained)).map { $0 })
    }

    /// No rows are held out for validation unless something uses them (early stopping) or the
    /// user asks: the model trains on everything but the test split, and the test split's curve
    /// is drawn instead of a validation curve.
    func testValidationIsHeldOutOnlyWhenUsed() throws {
        let ws = try PipelineTestWorkspace(yaml: PipelineYAML.standard())
        let plain = try ws.run("p")
        XCTAssertEqual(plain.status, .finished, plain.reason ?? "")
        let split = try SplitFile.read(ws.store.workspace.runDirectory(plain.runID).appendingPathComponent("steps/prepare"))
        XCTAssertEqual(split.validation.count, 0)
        XCTAssertEqual(split.train.count + split.test.count, 240)
        XCTAssertEqual(split.test.count, 60)
        let handle = try ws.store.handle(for: plain.runID)
        XCTAssertEqual(try ws.store.metricSeries(run: handle, key: "test-auc").count, 8)
        XCTAssertTrue(try ws.store.metricSeries(run: handle, key: "validation-auc").isEmpty)

        try ws.writeConfig(PipelineYAML.standard().replacingOccurrences(of: "nthread: 1}", with: "nthread: 1, early_stopping_rounds: 3}"))
        let stopping = try ws.run("p")
        XCTAssertEqual(stopping.status, .finished, stopping.reason ?? "")
        let held = try SplitFile.read(ws.store.workspace.runDirectory(stopping.runID).appendingPathComponent("steps/prepare"))
        XCTAssertEqual(held.validation.count, 24)
        XCTAssertFalse(try ws.store.metricSeries(run: ws.store.handle(for: stopping.runID), key: "validation-auc").isEmpty)
    }

    /// `positive:` chooses the positive class: the model is trained for it, F1 / precision /
    /// recall are its own (checked against a count by hand of the model's predictions), and
    /// AUC does not change. A class that does not exist, or `evaluate` asking for another, is refused.
    func testPositiveClassIsChosen() throws {
        func yaml(_ positive: String?, evaluate: String? = nil) -> String {
            let split = positive.map { ", positive: \($0)" } ?? ""
            let eval = evaluate.map { ", positive: \($0)" } ?? ""
            return """
            pipelines:
              p:
                dataset: data.csv
                steps:
                  prepare:  {uses: split, with: {target: label, test_size: 0.25, seed: 3\(split)}}
                  train:    {uses: xgboost, needs: [prepare], with: {max_depth: 3, rounds: 8, nthread: 1}}
                  evaluate: {uses: evaluate, needs: [train], with: {metrics: [auc, f1, precision, recall]\(eval)}}
            """
        }
        let ws = try PipelineTestWorkspace(yaml: yaml(nil))
        let byDefault = try ws.run("p")
        XCTAssertTrue(byDefault.notices.contains { $0.contains("positive class 'yes' (the last label in sorted order") }, "\(byDefault.notices)")
        try ws.writeConfig(yaml("no"))
        let chosen = try ws.run("p")
        XCTAssertEqual(chosen.status, .finished, chosen.reason ?? "")
        let dir = ws.store.workspace.runDirectory(chosen.runID).appendingPathComponent("steps")
        let spec = try StepFiles.preprocessing(dir.appendingPathComponent("train"))
        XCTAssertEqual(spec.classes, ["yes", "no"])
        XCTAssertEqual(spec.positiveClass, "no")
        XCTAssertEqual(try XCTUnwrap(chosen.metrics["auc"]), try XCTUnwrap(byDefault.metrics["auc"]), accuracy: 0.02)

        // F1 of 'no', counted by hand from the model's own labels on the test rows.
        let booster = try XGBoostBooster(modelData: try Data(contentsOf: dir.appendingPathComponent("train/model.json")))
        let model = LoadedModel(version: EvaluateStep.placeholder, spec: spec, booster: booster)
        let table = try DataTable.load(path: ws.root.appendingPathComponent("data.csv").path)
        let test = try SplitFile.read(dir.appendingPathComponent("prepare")).test
        let predicted = try XCTUnwrap(try model.predict(table, rows: test).labels)
        let column = try XCTUnwrap(table["label"])
        let truth = test.map { LabelText.cell(column, $0) ?? "" }
        let tp = Double(zip(predicted, truth).filter { $0 == "no" && $1 == "no" }.count)
        let fp = Double(zip(predicted, truth).filter { $0 == "no" && $1 != "no" }.count)
        let fn = Double(zip(predicted, truth).filter { $0 != "no" && $1 == "no" }.count)
        XCTAssertEqual(try XCTUnwrap(chosen.metrics["precision"]), tp / (tp + fp), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(chosen.metrics["recall"]), tp / (tp + fn), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(chosen.metrics["f1"]), 2 * tp / (2 * tp + fp + fn), accuracy: 1e-12)

        try ws.writeConfig(yaml("maybe"))
        let unknown = try ws.run("p")
        XCTAssertEqual(unknown.status, .failed)
        XCTAssertTrue((unknown.reason ?? "").contains("with.positive: expected one of the classes no, yes, found 'maybe'"), unknown.reason ?? "")
        try ws.writeConfig(yaml("no", evaluate: "yes"))
        let mismatch = try ws.run("p")
        XCTAssertEqual(mismatch.status, .failed)
        XCTAssertTrue((mismatch.reason ?? "").contains("the model's positive class 'no'"), mismatch.reason ?? "")
    }
}
