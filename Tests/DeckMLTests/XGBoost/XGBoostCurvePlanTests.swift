import DeckML
import Foundation
import XCTest

/// The training curve on a fixed sample and curves every k-th round: the rounds evaluated are the
/// ones the plan names (always the last), the sampled curve is the metric of exactly the sampled
/// rows, and the model is the one trained with full curves.
final class XGBoostCurvePlanTests: XCTestCase {
    private var data: RoundTripData!

    override func setUpWithError() throws {
        data = try RoundTripData.load()
    }

    func testSampledAndSparseCurvesLeaveTheModelUnchanged() throws {
        let parameters = XGBoostParameters(objective: .binaryLogistic, rounds: 10, threads: 1, evalMetrics: ["logloss"],
                                           extra: ["max_depth": "3", "eta": "0.3", "tree_method": "hist"])
        let train = try data.part(data.split.train, labels: "binary")
        let validation = try data.part(data.split.validation, labels: "binary")
        let full = try XGBoostTrainer.train(parameters: parameters, train: train, validation: validation, curves: .full)
        let plan = XGBoostCurvePlan(trainRows: 40, trainEvery: 3, validationEvery: 4)
        let sampled = try XGBoostTrainer.train(parameters: parameters, train: train, validation: validation, curves: plan)

        // Same trees: same predictions on every row, and the same saved model.
        let everyRow = try XGBoostDMatrix(data.matrix())
        XCTAssertEqual(try sampled.booster.predict(everyRow).values, try full.booster.predict(everyRow).values)
        XCTAssertEqual(try sampled.booster.jsonData(), try full.booster.jsonData())

        // Training curve after rounds 3, 6, 9 and the last (10); validation after 4, 8 and the last.
        XCTAssertEqual(sampled.history.map(\.round), Array(0..<10))
        let trainRounds = sampled.history.filter { $0.metrics["train-logloss"] != nil }.map(\.round)
        let validationRounds = sampled.history.filter { $0.metrics["validation-logloss"] != nil }.map(\.round)
        XCTAssertEqual(trainRounds, [2, 5, 8, 9])
        XCTAssertEqual(validationRounds, [3, 7, 9])
        // The validation curve is the full one where evaluated.
        for round in validationRounds {
            XCTAssertEqual(sampled.history[round].metrics["validation-logloss"], full.history[round].metrics["validation-logloss"])
        }
        // The sampled training curve is the log loss of exactly the sampled rows.
        let rows = try XCTUnwrap(plan.sampleRows(of: train.features.rows)).map(Int.init)
        XCTAssertEqual(rows.count, 40)
        let sample = train.selectingRows(rows)
        let predicted = try full.booster.predict(XGBoostDMatrix(sample.features)).values.map(Double.init)
        let expected = LogLoss.binary(labels: sample.labels.map { Int($0) }, probabilities: predicted)
        XCTAssertEqual(try XCTUnwrap(sampled.history[9].metrics["train-logloss"]), expected, accuracy: 1e-5)
        XCTAssertNotEqual(sampled.history[9].metrics["train-logloss"], full.history[9].metrics["train-logloss"])
    }

    func testTrainingCurveOffAndSampleLargerThanTheTrainingSet() throws {
        let parameters = XGBoostParameters(objective: .binaryLogistic, rounds: 4, threads: 1, evalMetrics: ["logloss"],
                                           extra: ["max_depth": "2"])
        let train = try data.part(data.split.train, labels: "binary")
        let validation = try data.part(data.split.validation, labels: "binary")
        let off = try XGBoostTrainer.train(parameters: parameters, train: train, validation: validation,
                                           curves: XGBoostCurvePlan(trainEvery: 0))
        XCTAssertTrue(off.history.allSatisfy { $0.metrics.keys.sorted() == ["validation-logloss"] })

        // A sample as large as the training set is the training set: the full curve.
        let everyRow = XGBoostCurvePlan(trainRows: train.features.rows + 5)
        XCTAssertNil(everyRow.sampleRows(of: train.features.rows))
        let full = try XGBoostTrainer.train(parameters: parameters, train: train, validation: validation, curves: .full)
        let same = try XGBoostTrainer.train(parameters: parameters, train: train, validation: validation, curves: everyRow)
        XCTAssertEqual(same.history, full.history)
    }

    func testSampleRowsAreEvenlySpacedAndDistinct() throws {
        let rows = try XCTUnwrap(XGBoostCurvePlan(trainRows: 4).sampleRows(of: 10))
        XCTAssertEqual(rows, [0, 2, 5, 7])
        let many = try XCTUnwrap(XGBoostCurvePlan.standard.sampleRows(of: 720_000))
        XCTAssertEqual(many.count, 10_000)
        XCTAssertEqual(Set(many).count, 10_000)
        XCTAssertEqual(many.last, 719_928)
    }

    func testInvalidPlansAreRefusedByName() throws {
        let parameters = XGBoostParameters(objective: .binaryLogistic, rounds: 4, earlyStoppingRounds: 2, threads: 1)
        let train = try data.part(data.split.train, labels: "binary")
        let validation = try data.part(data.split.validation, labels: "binary")
        XCTAssertThrowsError(try XGBoostTrainer.train(parameters: parameters, train: train, validation: validation,
                                                      curves: XGBoostCurvePlan(validationEvery: 2))) { error in
            XCTAssertTrue("\(error)".contains("validation_curve_every"), "\(error)")
        }
        XCTAssertThrowsError(try XGBoostCurvePlan(trainRows: 0).validate(earlyStopping: false))
        XCTAssertThrowsError(try XGBoostCurvePlan(trainEvery: -1).validate(earlyStopping: false))
        XCTAssertThrowsError(try XGBoostCurvePlan(validationEvery: 0).validate(earlyStopping: false))
        XCTAssertNoThrow(try XGBoostCurvePlan.standard.validate(earlyStopping: true))
    }
}
