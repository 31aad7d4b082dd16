import DeckML
import Foundation
import XCTest

/// The synthetic dataset of `xgb_roundtrip_data.json` (made by make_xgboost_fixtures.py data).
struct RoundTripData: Decodable {
    struct Split: Decodable {
        let train: [Int]
        let validation: [Int]
        let test: [Int]
    }
    let featureNames: [String]
    let rows: [[Double?]]
    let labels: [String: [Double]]
    let split: Split

    static func load() throws -> RoundTripData {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "xgb_roundtrip_data", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(RoundTripData.self, from: Data(contentsOf: url))
    }

    /// All rows as a feature matrix (null → NaN).
    func matrix() throws -> FeatureMatrix {
        let values = rows.flatMap { $0.map { $0.map(Float.init) ?? .nan } }
        return try FeatureMatrix(rows: rows.count, columns: featureNames.count, values: values, featureNames: featureNames)
    }

    /// The labelled rows of one split part for one label set.
    func part(_ indices: [Int], labels name: String) throws -> LabeledMatrix {
        let all = try LabeledMatrix(features: matrix(), labels: labels[name]!.map(Float.init))
        return all.selectingRows(indices)
    }
}

/// Python's predictions for the committed models (make_xgboost_fixtures.py predict).
struct PythonPredictions: Decodable {
    struct Model: Decodable {
        let boostedRounds: Int
        let featureNames: [String]
        let predictions: [Double]
        let outputsPerRow: Int
    }
    let xgboost: String
    let models: [String: Model]

    static func load() throws -> PythonPredictions {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "xgb_python_predictions", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(PythonPredictions.self, from: Data(contentsOf: url))
    }
}

/// The committed model fixtures and how MLDeck trains each of them.
enum RoundTripModels {
    static let names = ["binary", "multiclass", "regression", "linear"]

    static func parameters(for name: String) -> (XGBoostParameters, labels: String) {
        switch name {
        case "binary":
            // Early stopping on validation log loss, so the committed model is a slice.
            return (XGBoostParameters(objective: .binaryLogistic, rounds: 200, earlyStoppingRounds: 10,
                                      evalMetrics: ["auc", "logloss"],
                                      extra: ["tree_method": "hist", "max_depth": "3", "eta": "0.1"]), "binary")
        case "multiclass":
            return (XGBoostParameters(objective: .multiSoftprob(classes: 3), rounds: 30,
                                      extra: ["tree_method": "hist", "max_depth": "3", "eta": "0.3"]), "multiclass")
        case "regression":
            return (XGBoostParameters(objective: .squaredError, rounds: 50, evalMetrics: ["rmse", "mae"],
                                      extra: ["tree_method": "hist", "max_depth": "4", "eta": "0.2"]), "regression")
        default:
            return (XGBoostParameters(objective: .binaryLogistic, booster: .gblinear, rounds: 40,
                                      extra: ["eta": "0.5", "lambda": "0.01"]), "binary")
        }
    }

    /// Trains the named model on the fixture's train / validation split.
    static func train(_ name: String, data: RoundTripData) throws -> XGBoostTrainingResult {
        let (parameters, labels) = parameters(for: name)
        return try XGBoostTrainer.train(parameters: parameters,
                                        train: data.part(data.split.train, labels: labels),
                                        validation: data.part(data.split.validation, labels: labels))
    }

    static func committedModel(_ name: String) throws -> XGBoostBooster {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "xgb_model_\(name)", withExtension: "json", subdirectory: "Fixtures"))
        return try XGBoostBooster(contentsOf: url)
    }
}
