@testable import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// A quality alert's metric over time: the monitor's rolling metric at points along the labeled
/// predictions (oldest first), its last point the value the monitor raised the alert with.
final class QualityHistoryTests: XCTestCase {
    /// Rows newest first, as the log returns them; `correct[i]` for the i-th oldest.
    private func rows(_ correct: [Bool]) -> [LabeledWindowRow] {
        correct.enumerated().map { i, ok in
            LabeledWindowRow(predicted: "yes", value: 0.8, probabilities: [0.2, 0.8], classes: ["no", "yes"], actual: ok ? "yes" : "no",
                             time: 1_000 + Double(i))
        }.reversed()
    }

    func testPointsAreRollingWindowsOldestFirstAgainstAHandCount() {
        // 40 correct, then 40 of which every other one is wrong.
        let correct = (0..<80).map { $0 < 40 || $0 % 2 == 0 }
        let spec = QualitySpec(metric: "accuracy", bound: 0.9, higherIsBetter: true, window: 20, minLabels: 10)
        let h = QualityHistory.compute(rows(correct), spec: spec, maxPoints: 8)
        XCTAssertEqual(h.labeled, 80)
        XCTAssertEqual(h.points.count, 8)
        XCTAssertEqual(h.points.map(\.index), h.points.map(\.index).sorted(), "oldest first")
        XCTAssertEqual(h.points.first?.index, 10, "the first point has min_labels rows")
        XCTAssertEqual(h.points.last?.index, 80, "the last point ends at the newest row")
        for p in h.points {
            // Hand count over the same window: the last min(20, index) rows up to the point.
            let window = correct[max(0, p.index - 20)..<p.index]
            let expected = Double(window.filter { $0 }.count) / Double(window.count)
            XCTAssertEqual(p.value, expected, accuracy: 1e-12, "point \(p.index)")
            XCTAssertEqual(p.breached, expected < 0.9)
            XCTAssertEqual(p.time, 1_000 + Double(p.index - 1))
        }
        XCTAssertEqual(h.points.first?.value, 1.0)
        XCTAssertEqual(h.points.last?.value, 0.5)
        // The last point is what the monitor computes over its window of the newest rows.
        let newest = Array(rows(correct).prefix(20))
        XCTAssertEqual(h.points.last?.value, QualityMonitor.evaluate(newest, spec: spec).value)
    }

    func testTooFewLabelsGiveNoPoint() {
        let spec = QualitySpec(metric: "accuracy", bound: 0.9, higherIsBetter: true, window: 20, minLabels: 10)
        XCTAssertEqual(QualityHistory.compute(rows([true, false, true]), spec: spec).points, [])
        XCTAssertEqual(QualityHistory.compute([], spec: spec).points, [])
    }

    func testLoadReadsTheAlertsModelFromThePredictionLog() throws {
        let ws = try TemporaryWorkspace(prefix: "quality-history")
        defer { ws.cleanup() }
        let log = try PredictionLog.open(ws.store.workspace)
        let ids = (0..<60).map { _ in UUID().uuidString }
        try log.write([PredictionBatch(model: "m", version: 1, time: 5, latencies: [Double](repeating: 0.001, count: 60), classes: ["no", "yes"],
                                       columns: [LoggedColumn(name: "x", values: .numbers((0..<60).map(Double.init)))],
                                       rows: ids.map { LoggedPrediction(id: $0, callerID: nil, label: "yes", value: 0.8, probabilities: [0.2, 0.8]) })])
        // The first 30 right, then one in three wrong.
        try log.write([], feedback: ids.enumerated().map { i, id in
            FeedbackEntry(model: "m", predictionID: id, callerID: nil, label: i < 30 || i % 3 != 0 ? "yes" : "no", time: 6)
        })
        let spec = QualitySpec(metric: "accuracy", bound: 0.95, higherIsBetter: true, window: 30, minLabels: 10)
        let alert = try ws.store.raiseAlert(NewAlert(kind: .quality, severity: .critical, model: "m", version: 1, window: "last 30 labeled predictions",
                                                     message: "accuracy", features: [AlertFeature(name: "accuracy", type: "metric", test: "floor",
                                                                                                  score: 0.6667, threshold: 0.95, drifted: true)])).alert
        let h = try XCTUnwrap(QualityHistory.load(alert: alert, store: ws.store, config: MonitoringConfig(monitors: [MonitorSpec(model: "m", quality: spec)])))
        XCTAssertEqual(h.metric, "accuracy")
        XCTAssertEqual(h.bound, 0.95)
        XCTAssertEqual(h.labeled, 60)
        XCTAssertEqual(h.points.first?.value, 1.0)
        XCTAssertEqual(try XCTUnwrap(h.points.last?.value), 20.0 / 30.0, accuracy: 1e-12, "10 of the last 30 are wrong")
        XCTAssertEqual(h.points.last?.breached, true)
        // A drift alert has no quality history.
        let drift = try ws.store.raiseAlert(NewAlert(kind: .drift, severity: .warning, model: "m", version: 1, window: "w", message: "x")).alert
        XCTAssertNil(try QualityHistory.load(alert: drift, store: ws.store))
    }
}
