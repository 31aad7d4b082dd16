import DeckML
import XCTest

/// Binary and multiclass metrics against scikit-learn (fixtures from make_metrics_fixtures.py).
final class ClassificationMetricsTests: XCTestCase {
    func testBinaryMetricsMatchScikitLearn() throws {
        let fixture = try loadMetricsFixture("metrics_binary", as: ClassificationFixture.self)
        XCTAssertGreaterThanOrEqual(fixture.cases.count, 6)
        for testCase in fixture.cases {
            let result = try Evaluator.binary(labels: testCase.labels, probabilities: testCase.probabilities)
            XCTAssertEqual(result.task, .binary)
            XCTAssertEqual(result.rowCount, testCase.labels.count)
            assertMetrics(result.metrics, testCase.expected, context: testCase.name)
            XCTAssertEqual(result.confusionMatrix, testCase.confusionMatrix, testCase.name)
        }
    }

    func testMulticlassMetricsMatchScikitLearn() throws {
        let fixture = try loadMetricsFixture("metrics_multiclass", as: ClassificationFixture.self)
        XCTAssertGreaterThanOrEqual(fixture.cases.count, 4)
        for testCase in fixture.cases {
            let classCount = try XCTUnwrap(testCase.classCount)
            let result = try Evaluator.multiclass(labels: testCase.labels, probabilities: testCase.probabilities,
                                                  classCount: classCount)
            XCTAssertEqual(result.task, .multiclass)
            assertMetrics(result.metrics, testCase.expected, context: testCase.name)
            XCTAssertEqual(result.confusionMatrix, testCase.confusionMatrix, testCase.name)
        }
    }

    func testAUCTreatsTiedScoresAsOneThreshold() {
        // One positive and one negative share a score: that step is a diagonal worth half.
        let auc = ROCAUC.binary(positives: [true, false, true, false], scores: [0.9, 0.5, 0.5, 0.1])
        XCTAssertEqual(auc, 0.875)
    }

    func testLogLossClipsAtFloat64Epsilon() {
        // A confidently wrong prediction costs -log(eps) = 36.04…, not infinity.
        let loss = LogLoss.binary(labels: [1], probabilities: [0])
        XCTAssertEqual(loss, -log(Double.ulpOfOne), accuracy: 1e-12)
    }

    func testRejectsMismatchedAndInvalidInput() {
        XCTAssertThrowsError(try Evaluator.binary(labels: [0, 1], probabilities: [0.2])) { error in
            XCTAssertEqual(error as? MetricsError, .lengthMismatch(truth: 2, predictions: 1))
        }
        XCTAssertThrowsError(try Evaluator.binary(labels: [0, 2], probabilities: [0.2, 0.3])) { error in
            XCTAssertEqual(error as? MetricsError, .labelOutOfRange(row: 1, label: 2, classCount: 2))
        }
        XCTAssertThrowsError(try Evaluator.binary(labels: [0, 1], probabilities: [0.2, .nan]))
        XCTAssertThrowsError(try Evaluator.binary(labels: [], probabilities: [])) { error in
            XCTAssertEqual(error as? MetricsError, .empty)
        }
        XCTAssertThrowsError(try Evaluator.multiclass(labels: [0, 1], probabilities: [0.5, 0.5, 1], classCount: 2))
    }

    func testResultEncodesAsJSONWithConfusionMatrix() throws {
        let result = try Evaluator.binary(labels: [0, 1, 1], probabilities: [0.2, 0.8, 0.4])
        let data = try JSONEncoder().encode(result)
        let decoded = try JSONDecoder().decode(EvaluationResult.self, from: data)
        XCTAssertEqual(decoded, result)
        XCTAssertEqual(decoded.confusionMatrix, [[1, 0], [1, 1]])
    }
}
