@testable import DeckEngine
import DeckML
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// Monitors over the prediction log: windows of one version, drift against the version's stored
/// reference, alerts raised once and resolved by a clean window, quality from feedback labels.
final class ModelMonitorTests: XCTestCase {
    var ws: TemporaryWorkspace!
    var log: PredictionLog!

    override func setUpWithError() throws {
        ws = try TemporaryWorkspace(prefix: "monitor")
        log = try PredictionLog.open(ws.store.workspace)
    }

    override func tearDownWithError() throws { ws?.cleanup() }

    /// 1,000 reference rows: x = 0…99 ten times, c = a/b alternating.
    func register(_ model: String = "m") throws -> ModelVersionRecord {
        let xs = (0..<1000).map { Double($0 % 100) }.sorted()
        let reference = ReferenceData(rows: 1000, columns: [
            ReferenceData.Column(name: "x", type: "float", count: 1000, missing: 0, sortedValues: xs, categories: nil,
                                 statistics: ReferenceData.numericStatistics(xs)),
            ReferenceData.Column(name: "c", type: "categorical", count: 1000, missing: 0, sortedValues: [],
                                 categories: [.init(value: "a", count: 500), .init(value: "b", count: 500)], statistics: .empty),
        ])
        return try ws.store.registerModelVersion(NewModelVersion(
            model: model, modelObject: try ws.store.objects.put(Data("model".utf8)), referenceObject: try ws.store.objects.put(try reference.encoded()),
            task: "binary", signature: [SignatureColumn(name: "x", type: "float"), SignatureColumn(name: "c", type: "categorical")]))
    }

    /// Logs `rows` predictions of `model@version`; x shifted by `shift`; predicted `yes` for x ≥ 50.
    @discardableResult
    func logRows(_ rows: Int, version: Int, shift: Double = 0, time: Double = 1_000, model: String = "m") throws -> [String] {
        let xs = (0..<rows).map { Double($0 % 100) + shift }
        let ids = (0..<rows).map { _ in UUID().uuidString }
        let predictions = zip(ids, xs).map { id, x in
            LoggedPrediction(id: id, callerID: nil, label: x >= 50 ? "yes" : "no", value: x >= 50 ? 0.8 : 0.2, probabilities: x >= 50 ? [0.2, 0.8] : [0.8, 0.2])
        }
        try log.write([PredictionBatch(model: model, version: version, time: time, latencies: [Double](repeating: 0.001, count: rows), classes: ["no", "yes"],
                                       columns: [LoggedColumn(name: "x", values: .numbers(xs)),
                                                 LoggedColumn(name: "c", values: .text((0..<rows).map { $0 % 2 == 0 ? "a" : "b" }))],
                                       rows: predictions)])
        return ids
    }

    func testWindowHoldsTheNewestRowsOfOneVersionOnly() throws {
        try logRows(300, version: 1, time: 1)
        try logRows(200, version: 2, shift: 1000, time: 2)
        try logRows(100, version: 1, shift: 5, time: 3)
        let window = try log.window(model: "m", version: 1, limit: 150, since: nil)
        XCTAssertEqual(window.rows, 150)
        guard case .numbers(let xs)? = window.columns.first(where: { $0.name == "x" })?.values else { return XCTFail("no x") }
        XCTAssertEqual(xs.count, 150)
        XCTAssertTrue(xs.allSatisfy { $0 < 1000 }, "no row of version 2")
        XCTAssertEqual(Array(xs.suffix(100)), (0..<100).map { Double($0) + 5 }, "the newest batch last")
        XCTAssertEqual(Array(xs.prefix(50)), (250..<300).map { Double($0 % 100) }, "the tail of the older batch")
        XCTAssertEqual(window.lastSeq, 600)
        XCTAssertEqual(window.firstSeq, 251)
        XCTAssertEqual(try log.window(model: "m", version: 1, limit: nil, since: 2.5).rows, 100, "a time span")
        XCTAssertEqual(try log.latestVersion(model: "m"), 1)
        XCTAssertNil(try log.latestVersion(model: "other"))
    }

    func testShiftedWindowRaisesOnceAndACleanWindowResolves() throws {
        let version = try register()
        let monitor = ModelMonitor(store: ws.store, spec: MonitorSpec(model: "m", window: .lastPredictions(200)))
        try logRows(200, version: 1, shift: 30, time: 10)
        let first = try monitor.checkPredictions(version, log: log, now: 100)
        XCTAssertTrue(first.judged)
        XCTAssertEqual(first.driftedFeatures, ["x"])
        XCTAssertEqual(first.drift?["x"]?.test, .ks, "1,000 reference rows: KS")
        XCTAssertEqual(first.alerts.map(\.action), [.raised])
        let alert = try XCTUnwrap(first.alerts.first?.alert)
        XCTAssertEqual(alert.severity, .critical, "1 of 2 columns drifted: share 0.5 ≥ drift_share 0.5")
        XCTAssertEqual(alert.features.first?.name, "x", "strongest first")
        XCTAssertEqual(alert.features.first?.histogram?.labels.count, 10)
        XCTAssertTrue(alert.window.contains("last 200 predictions of m@1: 200 rows, seq 1–200"), alert.window)

        try logRows(200, version: 1, shift: 30, time: 20)
        let second = try monitor.checkPredictions(version, log: log, now: 200)
        XCTAssertEqual(second.alerts.map(\.action), [.updated], "the open condition is not re-raised")
        XCTAssertEqual(second.alerts.first?.alert.id, alert.id)

        try logRows(200, version: 1, time: 30)
        let clean = try monitor.checkPredictions(version, log: log, now: 300)
        XCTAssertEqual(clean.driftedFeatures, [])
        XCTAssertEqual(clean.alerts.map(\.action), [.resolved])
        XCTAssertFalse(try ws.store.alert(id: alert.id).isOpen)
        XCTAssertEqual(try ws.store.alerts(AlertQuery()).count, 1)
    }

    func testAfterAHotSwapTheWindowHoldsOnlyTheNewVersionAgainstItsOwnReference() throws {
        _ = try register()
        _ = try register()
        try ws.store.setModelAlias(model: "m", alias: "production", version: 1)
        try logRows(300, version: 1, shift: 30, time: 1)
        let config = MonitoringConfig(monitors: [MonitorSpec(model: "m", window: .lastPredictions(500))])
        let before = try MonitorRun.check("m", batch: nil, store: ws.store, config: config, now: 10)
        XCTAssertEqual(before.version, 1)
        XCTAssertEqual(before.driftedFeatures, ["x"])
        XCTAssertEqual(before.alerts.map(\.action), [.raised])

        // The alias moves to version 2 (a hot swap); its first predictions are clean.
        try ws.store.setModelAlias(model: "m", alias: "production", version: 2)
        try logRows(100, version: 2, time: 2)
        let after = try MonitorRun.check("m", batch: nil, store: ws.store, config: config, now: 20)
        XCTAssertEqual(after.version, 2)
        XCTAssertEqual(after.rows, 100, "no row of version 1 in version 2's window")
        XCTAssertEqual(after.driftedFeatures, [])
        XCTAssertTrue(after.window.contains("of m@2"), after.window)
        XCTAssertEqual(after.alerts, [], "version 1's alert is another condition: left as it is")
        XCTAssertEqual(try ws.store.alerts(AlertQuery(openOnly: true)).map(\.version), [1])
        XCTAssertEqual(try MonitorRun.check("m@1", batch: nil, store: ws.store, config: config, now: 30).rows, 300, "NAME@V picks a version")
        XCTAssertEqual(try MonitorRun.checkAll(store: ws.store, config: config, now: 40).map(\.version), [2])
        XCTAssertThrowsError(try MonitorRun.check("nope", batch: nil, store: ws.store, config: config)) {
            XCTAssertEqual(($0 as? CategorizedError)?.category, .notFound)
        }
    }

    func testAgentPassChecksOnlyWhenTheLogChangedAndNotifiesNewAlertsOnce() throws {
        _ = try register()
        let root = ws.store.workspace.root
        try """
            monitors:
              m: {window: 200}
            on_alert: "cat >> hook.jsonl"
            """.write(to: ws.store.workspace.configURL, atomically: true, encoding: .utf8)
        let pass = MonitorPass(store: ws.store)
        XCTAssertEqual(try pass.tick(now: 1).count, 0, "no prediction log yet")
        try logRows(200, version: 1, shift: 30, time: 1)
        let first = try pass.tick(now: 2)
        XCTAssertEqual(first.flatMap(\.alerts).map(\.action), [.raised])
        XCTAssertEqual(try pass.tick(now: 3).count, 0, "nothing new in the log: not checked again")
        try logRows(50, version: 1, shift: 30, time: 2)
        XCTAssertEqual(try pass.tick(now: 4).flatMap(\.alerts).map(\.action), [.updated])
        XCTAssertTrue(pass.waitForNotifications(timeout: 10))
        let hook = try String(contentsOf: root.appendingPathComponent("hook.jsonl"), encoding: .utf8)
        XCTAssertEqual(hook.split(separator: "\n").count, 1, "one notification for the one new alert")
        XCTAssertTrue(hook.contains("\"kind\":\"drift\""), hook)
    }

    func testTooSmallAWindowIsNotJudgedAndResolvesNothing() throws {
        let version = try register()
        _ = try ws.store.raiseAlert(NewAlert(kind: .drift, severity: .warning, model: "m", version: 1, window: "w", message: "x"))
        try logRows(10, version: 1)
        let result = try ModelMonitor(store: ws.store, spec: MonitorSpec(model: "m")).checkPredictions(version, log: log)
        XCTAssertFalse(result.judged)
        XCTAssertTrue(result.note?.contains("min_rows 30") ?? false)
        XCTAssertEqual(result.alerts, [])
        XCTAssertEqual(try ws.store.alerts(AlertQuery(openOnly: true)).count, 1)
    }

    func testQualityBelowItsFloorRaisesACriticalAlertAndRecoveryResolvesIt() throws {
        let version = try register()
        let spec = MonitorSpec(model: "m", window: .lastPredictions(100),
                               quality: QualitySpec(metric: "accuracy", bound: 0.9, higherIsBetter: true, window: 100, minLabels: 10))
        let monitor = ModelMonitor(store: ws.store, spec: spec)
        // 100 predictions; labels agree with the prediction for 60 of them: accuracy 0.6.
        let ids = try logRows(100, version: 1, time: 1)
        let window = try log.window(model: "m", version: 1, limit: 100, since: nil)
        guard case .numbers(let xs)? = window.columns.first(where: { $0.name == "x" })?.values else { return XCTFail("no x") }
        let feedback = zip(ids, xs).enumerated().map { k, pair in
            FeedbackEntry(model: "m", predictionID: pair.0, callerID: nil, label: (pair.1 >= 50) == (k < 60) ? "yes" : "no", time: 2)
        }
        try log.write([], feedback: feedback)
        let low = try monitor.checkPredictions(version, log: log, now: 10)
        XCTAssertEqual(low.quality?.labeled, 100)
        XCTAssertEqual(try XCTUnwrap(low.quality?.value), 0.6, accuracy: 1e-12)
        XCTAssertEqual(low.quality?.breached, true)
        let raised = try XCTUnwrap(low.alerts.first { $0.alert.kind == .quality })
        XCTAssertEqual(raised.action, .raised)
        XCTAssertEqual(raised.alert.severity, .critical)
        XCTAssertTrue(raised.alert.message.contains("accuracy 0.6000 is below its floor 0.9000"), raised.alert.message)

        // Corrected labels arrive (the newest label per prediction counts): accuracy 1.0.
        try log.write([], feedback: zip(ids, xs).map { FeedbackEntry(model: "m", predictionID: $0.0, callerID: nil, label: $0.1 >= 50 ? "yes" : "no", time: 3) })
        let fixed = try monitor.checkPredictions(version, log: log, now: 20)
        XCTAssertEqual(fixed.quality?.value, 1.0)
        XCTAssertEqual(fixed.alerts.first { $0.alert.kind == .quality }?.action, .resolved)
    }

    func testQualityMetricsAgainstHandComputedValues() {
        func row(_ predicted: String, _ p: Double, _ actual: String) -> LabeledWindowRow {
            LabeledWindowRow(predicted: predicted, value: p, probabilities: [1 - p, p], classes: ["no", "yes"], actual: actual)
        }
        let rows = [row("yes", 0.9, "yes"), row("yes", 0.6, "no"), row("no", 0.4, "yes"), row("no", 0.1, "no")]
        func value(_ metric: String) -> Double? {
            QualityMonitor.evaluate(rows, spec: QualitySpec(metric: metric, bound: 0, higherIsBetter: true, minLabels: 1)).value
        }
        XCTAssertEqual(value("accuracy"), 0.5)
        // Positive scores 0.9, 0.4 vs negative 0.6, 0.1: 3 of 4 pairs ordered.
        XCTAssertEqual(value("auc"), 0.75)
        XCTAssertEqual(value("precision"), 0.5)
        XCTAssertEqual(value("recall"), 0.5)
        XCTAssertEqual(value("f1"), 0.5)
        let sum: Double = Foundation.log(0.9) + Foundation.log(0.4) + Foundation.log(0.4) + Foundation.log(0.9)
        XCTAssertEqual(try XCTUnwrap(value("logloss")), -sum / 4, accuracy: 1e-12)
        XCTAssertNotNil(QualityMonitor.evaluate(rows, spec: QualitySpec(metric: "rmse", bound: 1, higherIsBetter: false, minLabels: 1)).note)
        let regression = [("3", 2.0), ("5", 5.0)].map { LabeledWindowRow(predicted: nil, value: $0.1, probabilities: nil, classes: nil, actual: $0.0) }
        let rmse = QualityMonitor.evaluate(regression, spec: QualitySpec(metric: "rmse", bound: 0.5, higherIsBetter: false, minLabels: 1))
        XCTAssertEqual(try XCTUnwrap(rmse.value), (0.5).squareRoot(), accuracy: 1e-12)
        XCTAssertTrue(rmse.breached)
    }
}
