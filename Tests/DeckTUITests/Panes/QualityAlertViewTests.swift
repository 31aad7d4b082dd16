import DeckEngine
import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

/// Enter on a quality alert: the metric over time against its floor, read from the prediction
/// log's feedback join off the UI thread, drawn on the in-memory canvas.
final class QualityAlertViewTests: XCTestCase {
    static let yaml = """
    pipelines:
      churn:
        steps:
          hello: {run: echo hi}
    monitors:
      m:
        quality: {metric: accuracy, floor: 0.95, window: 30, min_labels: 10}
    """

    /// 60 labeled predictions of m@1: the first 30 right, then one in three wrong; a quality alert on them.
    private func store() throws -> (DeckStore, AlertRecord) {
        let store = try makeTestStore()
        try Self.yaml.write(to: store.workspace.configURL, atomically: true, encoding: .utf8)
        let log = try PredictionLog.open(store.workspace)
        let ids = (0..<60).map { _ in UUID().uuidString }
        try log.write([PredictionBatch(model: "m", version: 1, time: 1_700_000_000, latencies: [Double](repeating: 0.001, count: 60), classes: ["no", "yes"],
                                       columns: [LoggedColumn(name: "x", values: .numbers((0..<60).map(Double.init)))],
                                       rows: ids.map { LoggedPrediction(id: $0, callerID: nil, label: "yes", value: 0.8, probabilities: [0.2, 0.8]) })])
        try log.write([], feedback: ids.enumerated().map { i, id in
            FeedbackEntry(model: "m", predictionID: id, callerID: nil, label: i < 30 || i % 3 != 0 ? "yes" : "no", time: 1_700_000_100)
        })
        let alert = try store.raiseAlert(NewAlert(kind: .quality, severity: .critical, model: "m", version: 1, window: "last 30 labeled predictions",
                                                  message: "accuracy 0.6667 is below its floor 0.9500 over 30 labeled predictions",
                                                  features: [AlertFeature(name: "accuracy", type: "metric", test: "floor", score: 0.6667,
                                                                          threshold: 0.95, drifted: true)])).alert
        return (store, alert)
    }

    func testQualityAlertShowsTheMetricOverTimeAgainstItsFloor() throws {
        let (store, alert) = try store()
        try MainActor.assumeIsolated {
            let view = AlertDetailView(alert: alert, store: store)
            view.waitForLoad()
            _ = view.tick()
            let history = try XCTUnwrap(view.qualityHistory)
            XCTAssertEqual(history.window, 30, "the window of the monitor in mldeck.yaml")
            let canvas = renderView(view, width: 100, height: 24)
            XCTAssertTrue(canvas.text.contains("accuracy over time vs its floor 0.95 · now 0.6667 (breaks it)"), canvas.text)
            XCTAssertTrue(canvas.text.contains("━ accuracy"), canvas.text)
            XCTAssertTrue(canvas.text.contains("━ floor 0.95"), canvas.text)
            XCTAssertTrue(canvas.text.contains("labeled predictions"), canvas.text)
            // In the rightmost plot column the floor (0.95) is drawn above the newest value (0.667),
            // and in the leftmost the first value (1.0) is above the floor.
            let floorFG = Theme.defaultTheme[.severityCritical].fg, metricFG = Theme.defaultTheme[.chartSeries1].fg
            func rows(_ x: Int, _ fg: Color) -> [Int] {
                (0..<canvas.height).filter { y in
                    let c = canvas[x, y]
                    return c.style.fg == fg && (c.character.unicodeScalars.first?.value ?? 0) >= 0x2800 && (c.character.unicodeScalars.first?.value ?? 0) <= 0x28FF
                }
            }
            let plotColumns = (0..<canvas.width).filter { !rows($0, floorFG).isEmpty }
            let left = try XCTUnwrap(plotColumns.first), right = try XCTUnwrap(plotColumns.last)
            let metricRight = rows(right, metricFG) + rows(right - 1, metricFG)
            let metricLeft = rows(left, metricFG) + rows(left + 1, metricFG)
            XCTAssertFalse(metricRight.isEmpty, canvas.text)
            XCTAssertFalse(metricLeft.isEmpty, canvas.text)
            XCTAssertLessThan(try XCTUnwrap(rows(right, floorFG).min()), try XCTUnwrap(metricRight.min()), "floor above the newest value\n" + canvas.text)
            XCTAssertLessThanOrEqual(try XCTUnwrap(metricLeft.min()), try XCTUnwrap(rows(left, floorFG).min()), "first value at or above the floor\n" + canvas.text)
        }
    }

    func testADriftAlertKeepsItsFeatureTable() throws {
        let (store, _) = try store()
        let drift = try store.raiseAlert(NewAlert(kind: .drift, severity: .warning, model: "m", version: 1, window: "w", message: "drift",
                                                  features: [AlertFeature(name: "x", test: "psi", score: 0.3, threshold: 0.2, drifted: true)])).alert
        MainActor.assumeIsolated {
            let view = AlertDetailView(alert: drift, store: store)
            view.waitForLoad()
            XCTAssertNil(view.qualityHistory)
            let canvas = renderView(view, width: 120, height: 24)
            XCTAssertTrue(canvas.text.contains("Threshold"), canvas.text)
            XCTAssertFalse(canvas.text.contains("over time"), canvas.text)
        }
    }
}
