import DeckML
import Foundation
import XCTest

/// Gain importance through XGBoosterFeatureScore against Python xgboost's
/// `Booster.get_score(importance_type='gain')` on the committed models
/// (fixture from scripts/fixtures/make_evaluation_fixtures.py).
final class FeatureImportanceTests: XCTestCase {
    struct ImportanceFixture: Decodable {
        struct Case: Decodable {
            let name: String
            let model: String
            let gain: [String: Double]
        }
        let xgboost: String
        let cases: [Case]
    }

    func testGainMatchesPythonGetScore() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "evaluation_importance", withExtension: "json", subdirectory: "Fixtures"))
        let fixture = try JSONDecoder().decode(ImportanceFixture.self, from: Data(contentsOf: url))
        XCTAssertEqual(fixture.cases.count, 3)
        for c in fixture.cases {
            let modelURL = try XCTUnwrap(Bundle.module.url(forResource: c.model, withExtension: "json", subdirectory: "Fixtures"))
            let booster = try XGBoostBooster(contentsOf: modelURL)
            let gain = try booster.featureScores(.gain)
            XCTAssertEqual(Set(gain.keys), Set(c.gain.keys), c.name)
            for (feature, expected) in c.gain {
                XCTAssertEqual(try XCTUnwrap(gain[feature]), expected, accuracy: 1e-6 * max(1, abs(expected)), "\(c.name) \(feature)")
            }
            let importance = FeatureImportance(type: "gain", scores: gain)
            XCTAssertEqual(importance.features.map(\.score), importance.features.map(\.score).sorted(by: >), c.name)
        }
    }

    func testLinearBoosterHasNoGainImportance() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "xgb_model_linear", withExtension: "json", subdirectory: "Fixtures"))
        XCTAssertThrowsError(try XGBoostBooster(contentsOf: url).featureScores(.gain))
    }
}
