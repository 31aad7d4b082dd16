import DeckML
import Foundation
import XCTest

/// ROC, precision-recall and calibration curves and the confusion matrix against scikit-learn
/// (fixtures from scripts/fixtures/make_evaluation_fixtures.py).
final class EvaluationChartsTests: XCTestCase {
    struct CurvesFixture: Decodable {
        struct Case: Decodable {
            let name: String
            let labels: [Int]
            let probabilities: [Double]
            let roc: [String: [Double]]?
            let precisionRecall: [String: [Double]]
            let calibration: [String: [Double]]
            let confusionMatrix: [[Int]]
        }
        let sklearn: String
        let cases: [Case]
    }

    func fixture() throws -> CurvesFixture {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "evaluation_curves", withExtension: "json", subdirectory: "Fixtures"))
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(CurvesFixture.self, from: Data(contentsOf: url))
    }

    func assertClose(_ actual: [Double]?, _ expected: [Double]?, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let actual, let expected else {
            XCTAssertEqual(actual == nil, expected == nil, "\(context): presence", file: file, line: line)
            return
        }
        XCTAssertEqual(actual.count, expected.count, "\(context): length", file: file, line: line)
        for (i, (a, e)) in zip(actual, expected).enumerated() {
            if e.isInfinite { XCTAssertEqual(a, e, "\(context)[\(i)]", file: file, line: line); continue }
            XCTAssertEqual(a, e, accuracy: 1e-9 * max(1, abs(e)), "\(context)[\(i)]", file: file, line: line)
        }
    }

    func testROCCurveMatchesScikitLearn() throws {
        let cases = try fixture().cases
        XCTAssertGreaterThanOrEqual(cases.count, 7)
        for c in cases {
            let roc = ROCCurve.binary(positives: c.labels.map { $0 == 1 }, scores: c.probabilities)
            XCTAssertEqual(roc == nil, c.roc == nil, "\(c.name): an undefined curve is nil")
            assertClose(roc?.fpr, c.roc?["fpr"], "\(c.name) fpr")
            assertClose(roc?.tpr, c.roc?["tpr"], "\(c.name) tpr")
            assertClose(roc?.thresholds, c.roc?["thresholds"], "\(c.name) thresholds")
        }
    }

    func testPrecisionRecallCurveMatchesScikitLearn() throws {
        for c in try fixture().cases {
            let pr = try XCTUnwrap(PrecisionRecallCurve.binary(positives: c.labels.map { $0 == 1 }, scores: c.probabilities))
            assertClose(pr.precision, c.precisionRecall["precision"], "\(c.name) precision")
            assertClose(pr.recall, c.precisionRecall["recall"], "\(c.name) recall")
            assertClose(pr.thresholds, c.precisionRecall["thresholds"], "\(c.name) thresholds")
        }
    }

    func testCalibrationCurveMatchesScikitLearnWithTenUniformBins() throws {
        for c in try fixture().cases {
            let curve = CalibrationCurve.binary(positives: c.labels.map { $0 == 1 }, probabilities: c.probabilities, binCount: 10)
            assertClose(curve.fractionPositive, c.calibration["fractionPositive"], "\(c.name) prob_true")
            assertClose(curve.meanPredicted, c.calibration["meanPredicted"], "\(c.name) prob_pred")
            XCTAssertEqual(curve.counts.reduce(0, +), c.labels.count, c.name)
        }
    }

    func testConfusionMatrixAtThresholdMatchesScikitLearn() throws {
        for c in try fixture().cases {
            let result = try Evaluator.binary(labels: c.labels, probabilities: c.probabilities)
            XCTAssertEqual(result.confusionMatrix, c.confusionMatrix, c.name)
        }
    }

    func testBinaryChartsCombineTheCurves() throws {
        let charts = EvaluationCharts.binary(labels: [0, 1, 1, 0], probabilities: [0.1, 0.9, 0.4, 0.35])
        XCTAssertEqual(charts.roc?.thresholds.first, .infinity)
        XCTAssertEqual(charts.precisionRecall?.recall.last, 0)
        XCTAssertEqual(charts.calibration?.bins, [0, 3, 8])
        XCTAssertNil(charts.residuals)
    }

    func testRegressionChartsSummariseResidualsAndSamplePoints() throws {
        let targets = (0..<2500).map(Double.init)
        let predictions = targets.map { $0 + ($0.truncatingRemainder(dividingBy: 2) == 0 ? 1 : -1) }
        let charts = EvaluationCharts.regression(targets: targets, predictions: predictions, pointLimit: 1000)
        let residuals = try XCTUnwrap(charts.residuals)
        XCTAssertEqual(residuals.count, 2500)
        XCTAssertEqual(residuals.mean, 0, accuracy: 1e-12)
        XCTAssertEqual(residuals.standardDeviation, 1, accuracy: 1e-12)
        XCTAssertEqual(residuals.min, -1)
        XCTAssertEqual(residuals.max, 1)
        XCTAssertEqual(residuals.meanAbsolute, 1)
        let points = try XCTUnwrap(charts.predictedVsActual)
        XCTAssertEqual(points.actual.count, 1000)
        XCTAssertEqual(points.totalRows, 2500)
        XCTAssertTrue(points.isSampled)
        XCTAssertEqual(points.actual.first, 0)
        XCTAssertEqual(points.actual.last, 2497)
    }

    func testResidualQuantilesInterpolateAsNumpy() throws {
        // numpy.quantile([-3, 0, 1, 10] residuals, [.25, .5, .75]) = -0.75, 0.5, 3.25
        let summary = try XCTUnwrap(ResidualSummary.of(targets: [0, 0, 0, 0], predictions: [3, 0, -1, -10]))
        XCTAssertEqual(summary.q1, -0.75, accuracy: 1e-12)
        XCTAssertEqual(summary.median, 0.5, accuracy: 1e-12)
        XCTAssertEqual(summary.q3, 3.25, accuracy: 1e-12)
    }

    func testChartsRoundTripThroughJSONWithInfiniteThreshold() throws {
        let charts = EvaluationCharts.binary(labels: [0, 1], probabilities: [0.2, 0.7])
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        XCTAssertEqual(try decoder.decode(EvaluationCharts.self, from: encoder.encode(charts)), charts)
    }
}
