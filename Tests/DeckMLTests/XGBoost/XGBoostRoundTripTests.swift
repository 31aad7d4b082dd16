import DeckML
import Foundation
import XCTest

/// Models trained and saved by MLDeck load in Python's xgboost.Booster and predict the same.
final class XGBoostRoundTripTests: XCTestCase {
    /// Regenerates the committed models (step 2 of make_xgboost_fixtures.py); skipped unless
    /// MLDECK_WRITE_FIXTURES=1.
    func testWriteRoundTripModels() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["MLDECK_WRITE_FIXTURES"] == "1",
                          "set MLDECK_WRITE_FIXTURES=1 to rewrite the model fixtures")
        let data = try RoundTripData.load()
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
        for name in RoundTripModels.names {
            let result = try RoundTripModels.train(name, data: data)
            try result.booster.save(to: fixtures.appendingPathComponent("xgb_model_\(name).json"))
        }
    }

    func testPythonPredictionsMatchMLDeckOnCommittedModels() throws {
        let data = try RoundTripData.load()
        let matrix = try data.matrix()
        let dmatrix = try XGBoostDMatrix(matrix)
        let python = try PythonPredictions.load()
        for name in RoundTripModels.names {
            let expected = try XCTUnwrap(python.models[name])
            let booster = try RoundTripModels.committedModel(name)
            XCTAssertEqual(try booster.featureNames(), data.featureNames, name)
            XCTAssertEqual(expected.featureNames, data.featureNames, name)
            if name != "linear" {
                XCTAssertEqual(try booster.boostedRounds(), expected.boostedRounds, name)
            }
            for prediction in [try booster.predict(dmatrix), try booster.predict(matrix)] {
                XCTAssertEqual(prediction.outputsPerRow, expected.outputsPerRow, name)
                XCTAssertEqual(prediction.values.count, expected.predictions.count, name)
                let worst = zip(prediction.values, expected.predictions).map { abs(Double($0) - $1) }.max() ?? .infinity
                XCTAssertLessThanOrEqual(worst, 1e-6, "\(name): largest difference from Python")
            }
        }
    }

    func testRetrainingReproducesCommittedModels() throws {
        // Training is deterministic (hist; coord_descent for gblinear): today's MLDeck gives the
        // predictions Python computed from the committed models.
        let data = try RoundTripData.load()
        let dmatrix = try XGBoostDMatrix(data.matrix())
        let python = try PythonPredictions.load()
        for name in RoundTripModels.names {
            let result = try RoundTripModels.train(name, data: data)
            let saved = try XGBoostBooster(modelData: result.booster.jsonData())
            let values = try saved.predict(dmatrix).values
            let expected = try XCTUnwrap(python.models[name]).predictions
            let worst = zip(values, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, 1e-6, "\(name): retrained model differs from the committed one")
        }
    }

    func testSavedModelJSONCarriesFeatureNamesAndObjective() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "xgb_model_multiclass", withExtension: "json", subdirectory: "Fixtures"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let learner = try XCTUnwrap(json["learner"] as? [String: Any])
        XCTAssertEqual(learner["feature_names"] as? [String], RoundTripData.featureNamesForTests)
        let objective = try XCTUnwrap((learner["objective"] as? [String: Any])?["name"] as? String)
        XCTAssertEqual(objective, "multi:softprob")
    }
}

extension RoundTripData {
    static let featureNamesForTests = ["age", "tenure", "plan", "charges", "usage_rate", "support_calls"]
}
