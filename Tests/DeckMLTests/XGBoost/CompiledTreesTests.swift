import DeckML
import Foundation
import XCTest

/// Compiled trees (``CompiledTrees``) score small batches in place of XGBoost only when they give
/// XGBoost's answer bit for bit, so serving and `models predict` cannot disagree.
final class CompiledTreesTests: XCTestCase {
    func testTreeModelsCompileAndPredictExactlyAsXGBoostAndPython() throws {
        let data = try RoundTripData.load()
        let matrix = try data.matrix()
        let python = try PythonPredictions.load()
        for name in ["binary", "multiclass", "regression"] {
            let reference = try XGBoostBooster(modelData: RoundTripModels.committedModel(name).jsonData(), threads: 1)
            let served = try XGBoostBooster(modelData: reference.jsonData(), threads: 1)
            XCTAssertTrue(served.useCompiledTrees(), "\(name): the trees should reproduce XGBoost")
            XCTAssertTrue(served.usesCompiledTrees, name)
            XCTAssertFalse(reference.usesCompiledTrees, name)
            let expected = try XCTUnwrap(python.models[name])
            for row in 0..<matrix.rows {
                let values = Array(matrix.row(row))
                let compiled = try served.predict(row: values)
                let xgboost = try reference.predict(row: values)
                XCTAssertEqual(compiled.outputsPerRow, xgboost.outputsPerRow, name)
                XCTAssertEqual(compiled.values.map(\.bitPattern), xgboost.values.map(\.bitPattern), "\(name): row \(row)")
                for (k, value) in compiled.values.enumerated() {
                    XCTAssertEqual(Double(value), expected.predictions[row * expected.outputsPerRow + k], accuracy: 1e-6, "\(name): row \(row)")
                }
            }
            // A batch larger than compiledTreesMaxRows goes through XGBoost and agrees too.
            XCTAssertEqual(try served.predict(matrix).values, try reference.predict(matrix).values, name)
        }
    }

    func testALinearBoosterKeepsXGBoostsPath() throws {
        let booster = try XGBoostBooster(modelData: RoundTripModels.committedModel("linear").jsonData(), threads: 1)
        XCTAssertFalse(booster.useCompiledTrees())
        XCTAssertNil(CompiledTrees.compile(modelJSON: try booster.jsonData()))
    }

    func testModelsTheTreesDoNotCoverCompileToNil() throws {
        let json = try RoundTripModels.committedModel("binary").jsonData()
        var model = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [String: Any])
        XCTAssertNotNil(CompiledTrees.compile(modelJSON: json))
        // An objective whose transform the trees do not implement.
        var learner = try XCTUnwrap(model["learner"] as? [String: Any])
        learner["objective"] = ["name": "count:poisson"]
        model["learner"] = learner
        XCTAssertNil(CompiledTrees.compile(modelJSON: try JSONSerialization.data(withJSONObject: model)))
        // A vector intercept (XGBoost 3.1's multi-output base score).
        learner["objective"] = ["name": "binary:logistic"]
        var parameters = try XCTUnwrap(learner["learner_model_param"] as? [String: Any])
        parameters["base_score"] = "[5E-1,5E-1]"
        learner["learner_model_param"] = parameters
        model["learner"] = learner
        XCTAssertNil(CompiledTrees.compile(modelJSON: try JSONSerialization.data(withJSONObject: model)))
    }
}
