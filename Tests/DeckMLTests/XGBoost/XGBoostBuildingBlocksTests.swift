import DeckML
import XCTest

final class XGBoostBuildingBlocksTests: XCTestCase {
    func testFeatureMatrixValidatesShapeAndNames() throws {
        XCTAssertThrowsError(try FeatureMatrix(rows: 2, columns: 2, values: [1, 2, 3]))
        XCTAssertThrowsError(try FeatureMatrix(rows: 1, columns: 2, values: [1, 2], featureNames: ["a", "a"])) { error in
            XCTAssertTrue("\(error)".contains("'a' appears more than once"))
        }
        XCTAssertThrowsError(try FeatureMatrix(rows: 1, columns: 2, values: [1, 2], featureNames: ["a"]))
        let unnamed = try FeatureMatrix(rows: 1, columns: 2, values: [1, 2])
        XCTAssertEqual(unnamed.featureNames, ["f0", "f1"])
    }

    func testFeatureMatrixFromColumnsIsRowMajor() throws {
        let matrix = try FeatureMatrix(columns: [[1, 2, 3], [10, 20, 30]], featureNames: ["a", "b"])
        XCTAssertEqual(matrix.values, [1, 10, 2, 20, 3, 30])
        XCTAssertEqual(matrix[2, 1], 30)
        let subset = matrix.selectingRows([2, 0])
        XCTAssertEqual(subset.values, [3, 30, 1, 10])
        XCTAssertEqual(subset.featureNames, ["a", "b"])
        XCTAssertThrowsError(try FeatureMatrix(columns: [[1, 2], [1]]))
    }

    func testDMatrixKeepsFeatureNamesAndMissingValues() throws {
        let matrix = try FeatureMatrix(rows: 2, columns: 2, values: [1, .nan, 3, 4], featureNames: ["x", "y"])
        let dmatrix = try XGBoostDMatrix(matrix, labels: [0, 1])
        XCTAssertEqual(try dmatrix.featureNames(), ["x", "y"])
        XCTAssertThrowsError(try dmatrix.setLabels([1]))
    }

    func testEvaluationLineParsing() {
        let metrics = EvaluationLineParser.parse("[12]\ttrain-logloss:0.0538\ttrain-auc:0.99890\tvalidation-ndcg@5:0.5\tvalidation-rmse:1e-3")
        XCTAssertEqual(metrics, ["train-logloss": 0.0538, "train-auc": 0.9989, "validation-ndcg@5": 0.5, "validation-rmse": 0.001])
    }

    func testEarlyStoppingDirectionAndPatience() throws {
        var auc = EarlyStoppingTracker(metric: "validation-auc", patience: 2)
        XCTAssertTrue(auc.maximize)
        XCTAssertTrue(try auc.record(XGBoostRoundLog(round: 0, metrics: ["validation-auc": 0.7])))
        XCTAssertTrue(try auc.record(XGBoostRoundLog(round: 1, metrics: ["validation-auc": 0.8])))
        XCTAssertFalse(try auc.record(XGBoostRoundLog(round: 2, metrics: ["validation-auc": 0.8])), "equal is no improvement")
        XCTAssertFalse(auc.shouldStop)
        XCTAssertFalse(try auc.record(XGBoostRoundLog(round: 3, metrics: ["validation-auc": 0.75])))
        XCTAssertTrue(auc.shouldStop)
        XCTAssertEqual(auc.bestRound, 1)
        XCTAssertEqual(auc.bestScore, 0.8)

        XCTAssertFalse(EarlyStoppingTracker(metric: "validation-logloss", patience: 1).maximize)
        XCTAssertFalse(EarlyStoppingTracker(metric: "validation-mape", patience: 1).maximize)
        XCTAssertTrue(EarlyStoppingTracker(metric: "validation-ndcg@5", patience: 1).maximize)
        var missing = EarlyStoppingTracker(metric: "validation-auc", patience: 1)
        XCTAssertThrowsError(try missing.record(XGBoostRoundLog(round: 0, metrics: ["train-auc": 1])))
    }

    func testParametersPassThroughAndDefaults() {
        let parameters = XGBoostParameters(objective: .multiSoftprob(classes: 4), booster: .gblinear,
                                           evalMetrics: ["merror", "mlogloss"], extra: ["eta": "0.1"])
        let pairs = parameters.boosterParameterPairs.map { "\($0.0)=\($0.1)" }
        XCTAssertEqual(pairs, ["objective=multi:softprob", "booster=gblinear", "nthread=\(ProcessInfo.processInfo.activeProcessorCount)",
                               "num_class=4", "updater=coord_descent", "eta=0.1", "eval_metric=merror", "eval_metric=mlogloss"])
        XCTAssertEqual(XGBoostParameters(objective: .squaredError).effectiveEvalMetrics, ["rmse"])
    }
}
