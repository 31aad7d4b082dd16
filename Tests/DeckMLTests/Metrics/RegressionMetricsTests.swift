import DeckML
import XCTest

/// Regression metrics against scikit-learn (fixtures from make_metrics_fixtures.py).
final class RegressionMetricsTests: XCTestCase {
    func testRegressionMetricsMatchScikitLearn() throws {
        let fixture = try loadMetricsFixture("metrics_regression", as: RegressionFixture.self)
        XCTAssertGreaterThanOrEqual(fixture.cases.count, 4)
        for testCase in fixture.cases {
            let result = try Evaluator.regression(targets: testCase.targets, predictions: testCase.predictions)
            XCTAssertEqual(result.task, .regression)
            XCTAssertNil(result.confusionMatrix)
            assertMetrics(result.metrics, testCase.expected.mapValues { Optional($0) }, context: testCase.name)
        }
    }

    func testRejectsNonFiniteValues() {
        XCTAssertThrowsError(try Evaluator.regression(targets: [1, .infinity], predictions: [1, 2])) { error in
            XCTAssertEqual(error as? MetricsError, .notFinite(row: 1, value: .infinity))
        }
    }
}
