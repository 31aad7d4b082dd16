import DeckStore
import XCTest
@testable import DeckTUI

/// The Alerts pane: open alerts first by severity colour with their drifted features; Enter
/// opens every feature's test, score, threshold and verdict sorted by score with the selected
/// feature's histogram pair; `a` acknowledges with a note; `r` starts the pipeline that
/// retrains the model; the header counts open alerts and links to the pane.
final class AlertsPaneTests: XCTestCase {
    static let yaml = """
    pipelines:
      churn:
        steps:
          hello: {run: echo hi}
          register: {uses: register, needs: [hello], with: {model: churn-model}}
    """

    private func store() throws -> (DeckStore, resolved: AlertRecord, open: AlertRecord) {
        let store = try makeTestStore()
        try Self.yaml.write(to: store.workspace.configURL, atomically: true, encoding: .utf8)
        let old = try store.raiseAlert(NewAlert(kind: .drift, severity: .warning, model: "churn-model", version: 2, window: "last 500 predictions",
                                                message: "1 of 3 features drifted",
                                                features: [AlertFeature(name: "plan", test: "chi-square", score: 0.01, threshold: 0.05, drifted: true)]),
                                       now: 1_700_000_000).alert
        try store.resolveAlerts(kind: .drift, model: "churn-model", version: 2, reason: "a later window was clean", now: 1_700_000_100)
        let tenure = AlertFeature(name: "tenure", type: "num", test: "wasserstein", score: 0.42, threshold: 0.1, drifted: true,
                                  histogram: AlertHistogram(labels: ["0-12", "12-24", "24-72"], reference: [0.3, 0.3, 0.4], current: [0.7, 0.2, 0.1]))
        let charges = AlertFeature(name: "monthly_charges", type: "num", test: "wasserstein", score: 0.21, threshold: 0.1, drifted: true)
        let calm = AlertFeature(name: "senior_citizen", type: "num", test: "z", score: 0.9, threshold: 0.05, drifted: false)
        let open = try store.raiseAlert(NewAlert(kind: .drift, severity: .critical, model: "churn-model", version: 3, window: "last 500 predictions",
                                                 message: "dataset drift: 2 of 3 features drifted", features: [calm, charges, tenure]),
                                        now: 1_700_000_200).alert
        return (store, try store.alert(id: old.id), open)
    }

    @MainActor
    private static func dashboard(_ store: DeckStore, started: PipelinesPaneTests.Recorder, readOnly: Bool = false) -> Dashboard {
        var options = Dashboard.Options(readOnly: readOnly)
        options.rememberSettings = false
        options.starter = { launch, store in
            started.record(launch.pipeline, ["trigger": launch.trigger])
            return try store.createRun(RunStart(name: "retrain", experiment: launch.pipeline, status: .running, pipeline: launch.pipeline,
                                                owner: nil)).id
        }
        let dash = Dashboard(store: store, options: options)
        dash.app.size = Size(width: 140, height: 36)
        return dash
    }

    func testOpenAlertsFirstThenTheFeatureTableAndHistogram() throws {
        let (store, resolved, open) = try store()
        try MainActor.assumeIsolated {
            let dash = Self.dashboard(store, started: PipelinesPaneTests.Recorder())
            let canvas = Canvas(size: dash.app.size)
            HeadlessDashboard.settle(dash, canvas: canvas)
            XCTAssertTrue(canvas.text.contains("▲ 1 alert"), "the header counts open alerts\n" + canvas.text)
            dash.app.send(.char("5"))
            HeadlessDashboard.settle(dash, canvas: canvas)
            let lines = canvas.trimmedLines()
            let first = try XCTUnwrap(lines.firstIndex { $0.contains("critical") && $0.contains("churn-model v3") }, canvas.text)
            let second = try XCTUnwrap(lines.firstIndex { $0.contains("warning") && $0.contains("churn-model v2") }, canvas.text)
            XCTAssertLessThan(first, second, "open before resolved")
            XCTAssertTrue(lines[first].contains("tenure 0.42, monthly_charges 0.21"), lines[first])
            XCTAssertTrue(lines[second].contains("resolved"), lines[second])
            let p = try XCTUnwrap(canvas.find("▲ critical"))
            XCTAssertEqual(canvas.style(at: p).fg, Theme.defaultTheme[.severityCritical].fg)
            XCTAssertTrue(canvas.text.contains("#\(open.id) critical drift on churn-model v3"), "the selected alert's detail\n" + canvas.text)
            _ = resolved

            dash.app.send(.enter)
            let view = try XCTUnwrap(dash.app.topView as? AlertDetailView)
            XCTAssertEqual(view.features.map(\.name), ["tenure", "monthly_charges", "senior_citizen"], "drifted first, by score")
            dash.app.render(into: canvas)
            XCTAssertTrue(canvas.text.contains("tenure: reference vs current"), canvas.text)
            XCTAssertTrue(canvas.text.contains("0-12"), canvas.text)
            let row = try XCTUnwrap(canvas.trimmedLines().first { $0.contains("senior_citizen") })
            XCTAssertTrue(row.contains("ok"), row)
            dash.app.send(.char("j"))
            dash.app.render(into: canvas)
            XCTAssertTrue(canvas.text.contains("no histogram stored for this feature"), canvas.text)
        }
    }

    func testAcknowledgeWithANoteAndRetrainStartsTheModelsPipeline() throws {
        let (store, _, open) = try store()
        let started = PipelinesPaneTests.Recorder()
        try MainActor.assumeIsolated {
            let dash = Self.dashboard(store, started: started)
            let canvas = Canvas(size: dash.app.size)
            dash.app.send(.char("5"))
            HeadlessDashboard.settle(dash, canvas: canvas)
            dash.app.send(.char("a"))
            XCTAssertTrue(dash.app.isCommandLineOpen, "a asks for an optional note on the command line")
            for c in "on it" { dash.app.send(.char(c)) }
            dash.app.send(.enter)
            dash.context.writes.waitForWrites()
            HeadlessDashboard.settle(dash, canvas: canvas)
            let acked = try store.alert(id: open.id)
            XCTAssertEqual(acked.acknowledgeNote, "on it")
            XCTAssertNotNil(acked.acknowledgedBy)
            XCTAssertTrue(canvas.text.contains("acknowledged"), canvas.text)

            dash.app.send(.char("r"))
            dash.launches.waitForWork()
            _ = dash.tick()
            XCTAssertEqual(started.launches.map(\.0), ["churn"], "the pipeline whose register step registers churn-model")
            XCTAssertEqual(started.launches.first?.1["trigger"], "retrain for alert #\(open.id)")
            XCTAssertTrue(dash.app.topView is RunDetailView, "the run is followed in Runs")
        }
    }

    func testReadOnlyRefusesAckAndRetrain() throws {
        let (store, _, open) = try store()
        let started = PipelinesPaneTests.Recorder()
        try MainActor.assumeIsolated {
            let dash = Self.dashboard(store, started: started, readOnly: true)
            let canvas = Canvas(size: dash.app.size)
            dash.app.send(.char("5"))
            HeadlessDashboard.settle(dash, canvas: canvas)
            dash.app.send(.char("a"))
            XCTAssertFalse(dash.app.isCommandLineOpen)
            dash.app.send(.char("r"))
            dash.launches.waitForWork()
            XCTAssertTrue(started.launches.isEmpty)
            XCTAssertNil(try store.alert(id: open.id).acknowledgedAt)
        }
    }
}
