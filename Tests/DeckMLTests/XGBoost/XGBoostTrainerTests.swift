import DeckML
import Foundation
import XCTest

final class XGBoostTrainerTests: XCTestCase {
    private var data: RoundTripData!

    override func setUpWithError() throws {
        data = try RoundTripData.load()
    }

    func testEveryRoundLogsTrainAndValidationMetrics() throws {
        let parameters = XGBoostParameters(objective: .binaryLogistic, rounds: 8, evalMetrics: ["logloss", "auc"],
                                           extra: ["max_depth": "3", "eta": "0.3"])
        let validation = try data.part(data.split.validation, labels: "binary")
        var logged: [XGBoostRoundLog] = []
        let result = try XGBoostTrainer.train(parameters: parameters, train: data.part(data.split.train, labels: "binary"),
                                              validation: validation) { logged.append($0) }
        XCTAssertEqual(logged.map(\.round), Array(0..<8))
        XCTAssertEqual(logged, result.history)
        for log in logged {
            XCTAssertEqual(Set(log.metrics.keys), ["train-logloss", "train-auc", "validation-logloss", "validation-auc"])
        }
        XCTAssertEqual(result.bestIteration, 7)
        XCTAssertEqual(result.roundsTrained, 8)
        XCTAssertEqual(result.stoppingMetric, "validation-auc")
        XCTAssertLessThan(logged[7].metrics["train-logloss"]!, logged[0].metrics["train-logloss"]!)

        // XGBoost's own validation metrics agree with DeckML's metrics on the model's predictions.
        let evaluation = try Evaluator.evaluate(result.booster.predict(validation.features), labels: validation.labels,
                                                objective: .binaryLogistic)
        XCTAssertEqual(evaluation.task, .binary)
        XCTAssertEqual(logged[7].metrics["validation-logloss"]!, evaluation.metrics["logloss"]!, accuracy: 1e-5)
        XCTAssertEqual(logged[7].metrics["validation-auc"]!, evaluation.metrics["auc"]!, accuracy: 1e-5)
    }

    func testEarlyStoppingKeepsOnlyTheBestRoundsAndSavedModelPredictsLikeBestIteration() throws {
        let (parameters, labels) = RoundTripModels.parameters(for: "binary")
        let train = try data.part(data.split.train, labels: labels)
        let validation = try data.part(data.split.validation, labels: labels)
        let result = try XGBoostTrainer.train(parameters: parameters, train: train, validation: validation)

        let patience = try XCTUnwrap(parameters.earlyStoppingRounds)
        XCTAssertLessThan(result.roundsTrained, parameters.rounds, "the fixture is meant to stop early")
        XCTAssertEqual(result.roundsTrained, result.bestIteration + 1 + patience)
        XCTAssertEqual(try result.booster.boostedRounds(), result.bestIteration + 1)
        let losses = result.history.map { $0.metrics["validation-logloss"]! }
        XCTAssertEqual(result.bestScore, losses.min())
        XCTAssertEqual(losses.firstIndex(of: losses.min()!), result.bestIteration)

        // The same training without early stopping, predicting with only the best rounds in memory…
        var full = parameters
        full.earlyStoppingRounds = nil
        full.rounds = result.roundsTrained
        let unsliced = try XGBoostTrainer.train(parameters: full, train: train, validation: validation)
        XCTAssertEqual(try unsliced.booster.boostedRounds(), result.roundsTrained)
        let everyRow = try XGBoostDMatrix(data.matrix())
        let inMemoryBest = try unsliced.booster.predict(everyRow, iterationEnd: result.bestIteration + 1)
        // …equals the saved (sliced) model once reloaded.
        let reloaded = try XGBoostBooster(modelData: result.booster.jsonData())
        XCTAssertEqual(try reloaded.predict(everyRow).values, inMemoryBest.values)
        XCTAssertNotEqual(try unsliced.booster.predict(everyRow).values, inMemoryBest.values)
    }

    func testLinearEarlyStoppingRestoresTheBestRound() throws {
        let parameters = XGBoostParameters(objective: .binaryLogistic, booster: .gblinear, rounds: 60,
                                           earlyStoppingRounds: 2, evalMetrics: ["error"],
                                           extra: ["eta": "0.8", "lambda": "0"])
        let train = try data.part(data.split.train, labels: "binary")
        let validation = try data.part(data.split.validation, labels: "binary")
        let result = try XGBoostTrainer.train(parameters: parameters, train: train, validation: validation)
        XCTAssertEqual(result.roundsTrained, result.bestIteration + 3, "stopped two rounds after the best")

        var exact = parameters
        exact.earlyStoppingRounds = nil
        exact.rounds = result.bestIteration + 1
        let reference = try XGBoostTrainer.train(parameters: exact, train: train, validation: validation)
        let rows = try data.matrix()
        XCTAssertEqual(try result.booster.predict(rows).values, try reference.booster.predict(rows).values)
        let reloaded = try XGBoostBooster(modelData: result.booster.jsonData())
        XCTAssertEqual(try reloaded.predict(rows).values, try reference.booster.predict(rows).values)
    }

    func testMulticlassAndRegressionPredictions() throws {
        let multiclass = try RoundTripModels.train("multiclass", data: data)
        let prediction = try multiclass.booster.predict(data.matrix())
        let multiclassTest = try data.part(data.split.test, labels: "multiclass")
        let multiclassEvaluation = try Evaluator.evaluate(multiclass.booster.predict(multiclassTest.features),
                                                          labels: multiclassTest.labels, objective: .multiSoftprob(classes: 3))
        XCTAssertEqual(multiclassEvaluation.confusionMatrix?.count, 3)
        XCTAssertEqual(multiclassEvaluation.metrics["logloss"]!, multiclass.history.last!.metrics["validation-mlogloss"]!,
                       accuracy: 0.5, "test and validation losses are of the same order")
        XCTAssertEqual(prediction.outputsPerRow, 3)
        XCTAssertEqual(prediction.rows, data.rows.count)
        for row in 0..<prediction.rows {
            XCTAssertEqual(prediction.row(row).reduce(0, +), 1, accuracy: 1e-5)
        }
        let regression = try RoundTripModels.train("regression", data: data)
        XCTAssertEqual(Set(regression.history[0].metrics.keys), ["train-rmse", "train-mae", "validation-rmse", "validation-mae"])
        let test = try data.part(data.split.test, labels: "regression")
        let values = try regression.booster.predict(test.features).doubles
        let evaluation = try Evaluator.regression(targets: test.labels.map(Double.init), predictions: values)
        XCTAssertGreaterThan(evaluation.metrics["r2"]!, 0.5, "the model learned something")
    }

    func testSingleRowPredictionOnOneThreadMatchesBatch() throws {
        let matrix = try data.matrix()
        for name in ["binary", "linear"] {
            let batch = try RoundTripModels.committedModel(name).predict(matrix)
            let url = try XCTUnwrap(Bundle.module.url(forResource: "xgb_model_\(name)", withExtension: "json", subdirectory: "Fixtures"))
            let serving = try XGBoostBooster(contentsOf: url, threads: 1)
            for row in [0, 1, 17, 599] {
                let single = try serving.predict(row: Array(matrix.row(row)))
                XCTAssertEqual(single.values, [batch.values[row]], "\(name) row \(row)")
            }
        }
    }

    func testCallbackErrorStopsTraining() throws {
        let parameters = XGBoostParameters(objective: .squaredError, rounds: 50)
        var seen = 0
        XCTAssertThrowsError(try XGBoostTrainer.train(parameters: parameters, train: data.part(data.split.train, labels: "regression")) { log in
            seen += 1
            if log.round == 2 { throw CancellationError() }
        }) { error in
            XCTAssertTrue(error is CancellationError)
        }
        XCTAssertEqual(seen, 3)
    }

    func testRejectsBadLabelsAndParameters() throws {
        let train = try data.part(data.split.train, labels: "multiclass")
        XCTAssertThrowsError(try XGBoostTrainer.train(parameters: XGBoostParameters(objective: .binaryLogistic), train: train)) { error in
            guard case .invalidLabels(let message)? = error as? XGBoostError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("labels 0 or 1"), message)
        }
        let earlyWithoutValidation = XGBoostParameters(objective: .multiSoftprob(classes: 3), earlyStoppingRounds: 5)
        XCTAssertThrowsError(try XGBoostTrainer.train(parameters: earlyWithoutValidation, train: train)) { error in
            XCTAssertTrue("\(error)".contains("needs a validation set"), "\(error)")
        }
        let badDepth = XGBoostParameters(objective: .multiSoftprob(classes: 3), rounds: 2, extra: ["max_depth": "deep"])
        XCTAssertThrowsError(try XGBoostTrainer.train(parameters: badDepth, train: train)) { error in
            XCTAssertTrue("\(error)".contains("max_depth"), "\(error)")
        }
        let reserved = XGBoostParameters(objective: .squaredError, extra: ["objective": "reg:tweedie"])
        XCTAssertThrowsError(try reserved.validate())
    }

    func testLoadingAMissingModelFileNamesIt() {
        XCTAssertThrowsError(try XGBoostBooster(contentsOf: URL(fileURLWithPath: "/nonexistent/model.json"))) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/model.json"))
        }
        XCTAssertThrowsError(try XGBoostBooster(modelData: Data("not a model".utf8)))
    }
}
