@testable import DeckEngine
import DeckStore
import XCTest

/// The quality monitor's metrics on labeled predictions equal scikit-learn's
/// (scripts/fixtures/make_quality_fixtures.py → QualityFixtures.swift).
final class QualityMonitorFixtureTests: XCTestCase {
    func value(_ metric: String, _ rows: [LabeledWindowRow], higherIsBetter: Bool = true) -> Double? {
        QualityMonitor.evaluate(rows, spec: QualitySpec(metric: metric, bound: 0, higherIsBetter: higherIsBetter, minLabels: 1)).value
    }

    func check(classes: [String], predicted: [String], actual: [String], probabilities: [[Double]], expected: [String: Double]) {
        let rows = (0..<actual.count).map {
            LabeledWindowRow(predicted: predicted[$0], value: probabilities[$0].last ?? .nan, probabilities: probabilities[$0], classes: classes, actual: actual[$0])
        }
        XCTAssertEqual(Set(expected.keys), ["accuracy", "auc", "precision", "recall", "f1", "logloss"])
        for (metric, reference) in expected {
            guard let got = value(metric, rows, higherIsBetter: metric != "logloss") else { XCTFail("no \(metric)"); continue }
            XCTAssertEqual(got, reference, accuracy: 1e-9, "\(metric) with \(classes.count) classes")
        }
    }

    func testBinaryMetricsEqualScikitLearn() {
        check(classes: QualityFixtures.binaryClasses, predicted: QualityFixtures.binaryPredicted, actual: QualityFixtures.binaryActual,
              probabilities: QualityFixtures.binaryProbabilities, expected: QualityFixtures.binaryExpected)
    }

    func testMulticlassMetricsEqualScikitLearn() {
        check(classes: QualityFixtures.multiclassClasses, predicted: QualityFixtures.multiclassPredicted, actual: QualityFixtures.multiclassActual,
              probabilities: QualityFixtures.multiclassProbabilities, expected: QualityFixtures.multiclassExpected)
    }

    func testRegressionMetricsEqualScikitLearn() {
        let rows = zip(QualityFixtures.regressionActual, QualityFixtures.regressionPredicted).map {
            LabeledWindowRow(predicted: nil, value: $1, probabilities: nil, classes: nil, actual: $0)
        }
        for (metric, reference) in QualityFixtures.regressionExpected {
            XCTAssertEqual(try XCTUnwrap(value(metric, rows, higherIsBetter: metric == "r2")), reference, accuracy: 1e-9, metric)
        }
    }
}
