import DeckStore
import XCTest
@testable import DeckTUI

/// The Pipelines pane and the launcher: steps as a tree in DAG order with their last status and
/// duration; the form's typed fields and inline validation; Enter starts the launch, `:run`
/// too (an unknown pipeline said plainly); quitting with runs in flight says they keep going.
final class PipelinesPaneTests: XCTestCase {
    static let yaml = """
    pipelines:
      churn:
        dataset: data.csv
        params: {max_depth: 6, eta: 0.1, objective: binary}
        steps:
          prepare:  {uses: split, with: {target: churn}}
          train:    {uses: xgboost, needs: [prepare], with: {max_depth: "${params.max_depth}"}}
          evaluate: {uses: evaluate, needs: [train]}
      other:
        steps:
          hello: {run: echo hi}
    """

    private func workspace() throws -> DeckStore {
        let store = try makeTestStore()
        try Self.yaml.write(to: store.workspace.configURL, atomically: true, encoding: .utf8)
        return store
    }

    func testStepsAsATreeWithTheLastRunsStatusAndDuration() throws {
        let store = try workspace()
        let run = try store.createRun(RunStart(name: "last-one", experiment: "churn", status: .running, pipeline: "churn", owner: nil,
                                               startTime: 1_700_000_000))
        try store.recordSteps([
            RunStepRecord(name: "prepare", position: 0, kind: "split", status: .finished, startTime: 1_700_000_000, endTime: 1_700_000_004),
            RunStepRecord(name: "train", position: 1, kind: "xgboost", status: .failed, startTime: 1_700_000_004, endTime: 1_700_000_016),
            RunStepRecord(name: "evaluate", position: 2, kind: "evaluate", status: .pending),
        ], run: run)
        try store.finishRun(run, status: .failed, endTime: 1_700_000_020)
        MainActor.assumeIsolated {
            let pane = PipelinesPane(context: PaneContext(store: store))
            pane.waitForLoad()
            let canvas = renderView(pane, width: 120, height: 30)
            let lines = canvas.trimmedLines()
            XCTAssertTrue(lines.contains { $0.contains("churn") && $0.contains("data.csv") && $0.contains("FAILED") }, canvas.text)
            XCTAssertTrue(lines.contains { $0.contains("other") && $0.contains("never ran") }, canvas.text)
            let prepare = lines.first { $0.contains("● prepare") } ?? ""
            let train = lines.first { $0.contains("  └ train") } ?? ""
            let evaluate = lines.first { $0.contains("    └ evaluate") } ?? ""
            XCTAssertTrue(prepare.contains("FINISHED") && prepare.contains("4.0s"), prepare)
            XCTAssertTrue(train.contains("FAILED") && train.contains("12.0s"), train)
            XCTAssertTrue(evaluate.contains("PENDING"), evaluate)
            XCTAssertLessThan(lines.firstIndex(of: prepare)!, lines.firstIndex(of: train)!)
        }
    }

    func testTheFormTypesFieldsAndValidatesInline() {
        let choices = LauncherChoices(pipelines: [
            .init(name: "churn", params: [LaunchParam(key: "max_depth", value: "6"), LaunchParam(key: "eta", value: "0.1"),
                                          LaunchParam(key: "early", value: "true")],
                  dataset: "churn", datasetVersions: ["churn@2", "churn@1"]),
            .init(name: "other", params: [], dataset: nil, datasetVersions: []),
        ])
        var form = LauncherForm(choices: choices)
        XCTAssertEqual(form.fields.map(\.kind), [.integer, .number, .boolean])
        form.moveFocus(by: 1)                      // max_depth
        form.backspace(); form.type("x")
        XCTAssertEqual(form.problems, ["max_depth: expects a whole number (default 6)"])
        guard case .failure(let e) = form.launch() else { return XCTFail("an invalid field must refuse") }
        XCTAssertTrue(e.message.contains("max_depth"))
        form.backspace(); form.type("8")
        form.moveFocus(by: 2); form.choose(by: 1)  // early: true → false
        form.moveFocus(by: 1); form.choose(by: 2)  // dataset: churn@1
        guard case .success(let launch) = form.launch() else { return XCTFail("a valid form starts") }
        XCTAssertEqual(launch.pipeline, "churn")
        XCTAssertEqual(launch.params, ["max_depth": "8", "early": "false"], "only changed params are overrides")
        XCTAssertEqual(launch.dataset, "churn@1")
        let filled = LauncherForm(choices: choices, prefill: LaunchPrefill(pipeline: "churn", params: ["max_depth": "3", "eta": "0.1"], dataset: "churn@2"))
        XCTAssertEqual(filled.fields[0].text, "3")
        XCTAssertEqual(filled.datasetText, "churn@2")
    }

    /// A fake start: creates the QUEUED run in the store as the real one does, and remembers it.
    final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var launches: [(String, [String: String])] = []
        func record(_ p: String, _ params: [String: String]) { lock.lock(); launches.append((p, params)); lock.unlock() }
    }

    @MainActor
    private static func dashboard(_ store: DeckStore, recorder: Recorder, readOnly: Bool = false) -> Dashboard {
        var options = Dashboard.Options(readOnly: readOnly)
        options.rememberSettings = false
        options.starter = { launch, store in
            recorder.record(launch.pipeline, launch.params)
            guard launch.pipeline == "churn" || launch.pipeline == "other" else {
                throw NSError(domain: "x", code: 1, userInfo: [NSLocalizedDescriptionKey: "no pipeline '\(launch.pipeline)' in mldeck.yaml"])
            }
            return try store.createRun(RunStart(name: "launched", experiment: launch.pipeline, status: .running, pipeline: launch.pipeline,
                                                params: launch.params, owner: nil)).id
        }
        let dash = Dashboard(store: store, options: options)
        dash.app.size = Size(width: 120, height: 30)
        return dash
    }

    @MainActor
    private static func settleLaunch(_ dash: Dashboard) {
        dash.launches.waitForWork()
        _ = dash.tick()
    }

    func testEnterInTheLauncherStartsTheRunAndOpensIt() throws {
        let store = try workspace()
        let recorder = Recorder()
        try MainActor.assumeIsolated {
            let dash = Self.dashboard(store, recorder: recorder)
            dash.app.send(.char("L"))
            let launcher = try XCTUnwrap(dash.app.topView as? LauncherView)
            launcher.waitForLoad()
            dash.app.send(.mouse(MouseEvent(.click, x: 3, y: 1 + 4)))   // eta (content starts on screen row 1)
            XCTAssertEqual(launcher.form?.focus, 2)
            dash.app.send(.mouse(MouseEvent(.click, x: 3, y: 1 + 2)))   // the pipeline row
            XCTAssertEqual(launcher.form?.focus, 0)
            dash.app.send(.down)                     // max_depth
            dash.app.send(.backspace); dash.app.send(.char("q"))
            XCTAssertTrue(dash.app.topView === launcher, "q is typed into the field, not quit")
            let canvas = Canvas(size: dash.app.size)
            _ = dash.app.render(into: canvas)
            XCTAssertTrue(canvas.text.contains("✗ expects a whole number"), canvas.text)
            dash.app.send(.enter)
            XCTAssertTrue(dash.app.currentToast?.message.contains("max_depth") == true)
            XCTAssertTrue(recorder.launches.isEmpty)
            dash.app.send(.backspace); dash.app.send(.char("8"))
            dash.app.send(.enter)
            Self.settleLaunch(dash)
            XCTAssertEqual(recorder.launches.first?.0, "churn")
            XCTAssertEqual(recorder.launches.first?.1, ["max_depth": "8"])
            XCTAssertEqual(dash.app.activePane, 0)
            let view = try XCTUnwrap(dash.app.topView as? RunDetailView)
            XCTAssertEqual(view.title, "launched")
            // Quitting now asks, and says the run keeps going.
            dash.app.send(.escape)
            dash.app.send(.char("q"))
            XCTAssertFalse(dash.app.quitRequested)
            guard case .dialog(let d, _) = dash.app.overlay else { return XCTFail("q should ask first") }
            XCTAssertTrue(d.body.contains("1 run started here is still in flight (launched)"), d.body)
            XCTAssertTrue(d.body.contains("keeps going"), d.body)
            dash.app.send(.char("y"))
            XCTAssertTrue(dash.app.quitRequested)
        }
    }

    func testRunCommandLaunchesAndNamesAnUnknownPipeline() throws {
        let store = try workspace()
        let recorder = Recorder()
        MainActor.assumeIsolated {
            let dash = Self.dashboard(store, recorder: recorder)
            dash.app.runCommand("run churn max_depth=8 eta=0.2")
            Self.settleLaunch(dash)
            XCTAssertEqual(recorder.launches.first?.1, ["max_depth": "8", "eta": "0.2"])
            XCTAssertTrue(dash.app.topView is RunDetailView)
            dash.app.runCommand("run nope")
            Self.settleLaunch(dash)
            XCTAssertTrue(dash.app.currentToast?.message.contains("no pipeline 'nope'") == true, dash.app.currentToast?.message ?? "")
            dash.app.runCommand("run churn max_depth")
            XCTAssertTrue(dash.app.currentToast?.message.contains("not key=value") == true)
            dash.app.runCommand("run")
            XCTAssertTrue(dash.app.topView is LauncherView)
        }
    }

    func testRReRunsARunWithItsParamsAndAnEndedRunToasts() throws {
        let store = try workspace()
        let recorder = Recorder()
        let old = try store.createRun(RunStart(name: "old", experiment: "churn", status: .finished, pipeline: "churn",
                                               params: ["max_depth": "3", "eta": "0.1", "objective": "binary"], owner: nil,
                                               startTime: 1_700_000_000))
        try MainActor.assumeIsolated {
            let dash = Self.dashboard(store, recorder: recorder)
            HeadlessDashboard.settle(dash, canvas: Canvas(size: dash.app.size))
            XCTAssertEqual(dash.runs.selectedRun?.run.id, old.id)
            dash.app.send(.char("R"))
            let launcher = try XCTUnwrap(dash.app.topView as? LauncherView)
            launcher.waitForLoad()
            XCTAssertEqual(launcher.form?.fields.first?.text, "3", "the run's params fill the form")
            dash.app.send(.enter)
            Self.settleLaunch(dash)
            XCTAssertEqual(recorder.launches.first?.1, ["max_depth": "3"])
            let started = try XCTUnwrap(dash.launches.inFlight.keys.first)
            // Looking elsewhere when it ends: a toast says so, and quitting no longer asks.
            dash.app.apply(.switchPane(1))
            let record = try store.resolveRun(started)
            try store.finishRun(record.handle, status: .finished)
            dash.context.storeChanged()
            _ = dash.tick(); Self.settleLaunch(dash)
            XCTAssertEqual(dash.app.currentToast?.message, "run launched ended FINISHED")
            XCTAssertNil(dash.launches.quitWarning)
        }
    }

    func testLaunchingIsRefusedReadOnly() throws {
        let store = try workspace()
        let recorder = Recorder()
        MainActor.assumeIsolated {
            let dash = Self.dashboard(store, recorder: recorder, readOnly: true)
            dash.app.send(.char("L"))
            XCTAssertFalse(dash.app.topView is LauncherView)
            XCTAssertTrue(dash.app.currentToast?.message.contains("read-only") == true)
            dash.app.runCommand("run churn")
            XCTAssertTrue(dash.app.currentToast?.message.contains("read-only") == true)
        }
    }
}
