@testable import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// The trigger engine with an injected clock and a fake launcher: debounce coalescing, one
/// triggered run of a pipeline at a time, and restarts that neither lose nor repeat a firing.
final class TriggerEngineTests: XCTestCase {
    var workspace: TemporaryWorkspace!
    var clock: TestClock!
    override func setUpWithError() throws {
        workspace = try TemporaryWorkspace(prefix: "triggers")
        clock = TestClock(1_800_000_000)
    }
    override func tearDown() { workspace.cleanup() }

    func engine(_ yaml: String, store: DeckStore? = nil, launcher: FakeLauncher, alerts: FakeAlerts? = nil,
                codeHash: ((PipelineSpec, WorkspaceConfig) throws -> String)? = nil) throws -> TriggerEngine {
        let config = try TriggerTestConfig.parse(yaml)
        return TriggerEngine(store: store ?? workspace.store, launcher: launcher, alerts: alerts, clock: clock.date,
                             localTimeZone: TimeZone(identifier: "UTC") ?? .current, configProvider: { config }, codeHash: codeHash)
    }

    /// A runner that starts sees the current version as its baseline; new versions within the
    /// debounce coalesce into one run, started when the debounce of the first has passed, with the
    /// trigger and its reason recorded on the run.
    func testDatasetUpdateDebouncesIntoOneRunWithItsReason() throws {
        let store = workspace.store
        let launcher = FakeLauncher(store: store)
        let engine = try engine(TriggerTestConfig.yaml(TriggerTestConfig.pipeline(["{on: dataset-update, debounce: 30}"])), launcher: launcher)
        try TriggerTestConfig.addVersion(store, n: 1)
        try engine.tick()
        XCTAssertTrue(launcher.queued.isEmpty, "the existing version is a baseline, not a firing")
        try TriggerTestConfig.addVersion(store, n: 2)
        clock.now += 10; try engine.tick()
        try TriggerTestConfig.addVersion(store, n: 3)
        clock.now += 10; try engine.tick()
        clock.now += 19; try engine.tick()
        XCTAssertTrue(launcher.queued.isEmpty, "29 s after the first firing: still inside its 30 s debounce")
        let open = try store.openTriggerFirings()
        XCTAssertEqual(open.map(\.count), [2])
        clock.now += 2; try engine.tick()
        XCTAssertEqual(launcher.queued.count, 1)
        XCTAssertEqual(launcher.started, launcher.queued.map(\.runID))
        let run = try store.runDetails(try XCTUnwrap(launcher.queued.first?.runID))
        XCTAssertEqual(run.run.lineage.trigger, "dataset-update")
        XCTAssertEqual(run.tags[TriggerEngine.reasonTag], "new dataset version d@3 (+1 coalesced)")
        clock.now += 100; try engine.tick()
        XCTAssertEqual(launcher.queued.count, 1, "no new event, no new run")
    }

    /// While a triggered run of the pipeline is going, a new firing waits (reported `queued`); it
    /// starts its run when the first run ends.
    func testSecondFiringWaitsForTheRunningTriggeredRun() throws {
        let store = workspace.store
        let launcher = FakeLauncher(store: store)
        let config = TriggerTestConfig.yaml(TriggerTestConfig.pipeline(["{on: dataset-update, debounce: 1}"]))
        let engine = try engine(config, launcher: launcher)
        try TriggerTestConfig.addVersion(store, n: 1)
        try engine.tick()
        try TriggerTestConfig.addVersion(store, n: 2)
        clock.now += 1; try engine.tick()
        clock.now += 1; try engine.tick()
        XCTAssertEqual(launcher.queued.count, 1)
        try TriggerTestConfig.addVersion(store, n: 3)
        clock.now += 1; try engine.tick()
        clock.now += 60; try engine.tick()
        XCTAssertEqual(launcher.queued.count, 1, "the first triggered run is still RUNNING")
        let report = try TriggerStatusReport.build(config: try TriggerTestConfig.parse(config), store: store, now: Date(timeIntervalSince1970: clock.now))
        XCTAssertEqual(report.first?.state, "QUEUED")
        XCTAssertTrue(report.first?.next.contains("waits for triggered run") == true, report.first?.next ?? "")
        try store.finishRun(RunHandle(id: launcher.queued[0].runID), status: .finished)
        clock.now += 1; try engine.tick()
        XCTAssertEqual(launcher.queued.count, 2)
        XCTAssertEqual(launcher.queued.last?.launch.tags[TriggerEngine.reasonTag], "new dataset version d@3")
        XCTAssertEqual(try store.recentTriggerFirings(limit: 10).last?.runStatus, "FINISHED")
    }

    /// A runner killed after recording a firing (before starting its run) and started again runs
    /// it exactly once; a third start finds nothing to do.
    func testRestartAfterRecordingRunsTheFiringOnce() throws {
        let yaml = TriggerTestConfig.yaml(TriggerTestConfig.pipeline(["{on: dataset-update, debounce: 5}"]))
        let first = FakeLauncher(store: workspace.store)
        let dying = try engine(yaml, launcher: first)
        try TriggerTestConfig.addVersion(workspace.store, n: 1)
        try dying.tick()
        try TriggerTestConfig.addVersion(workspace.store, n: 2)
        clock.now += 1
        try dying.checkTriggers(try TriggerTestConfig.parse(yaml))   // recorded, then "kill -9"
        XCTAssertTrue(first.queued.isEmpty)

        clock.now += 10
        let reopened = try workspace.reopen()
        let second = FakeLauncher(store: reopened)
        try engine(yaml, store: reopened, launcher: second).tick()
        XCTAssertEqual(second.queued.count, 1, "the recorded firing is not lost")
        let third = FakeLauncher(store: reopened)
        clock.now += 10
        try engine(yaml, store: reopened, launcher: third).tick()
        XCTAssertTrue(third.queued.isEmpty, "nor run twice")
        XCTAssertEqual(try reopened.listRuns(RunQuery()).count, 1)
    }

    /// Killed after creating the run but before recording it: the restarted runner finds the run
    /// by its tag and starts it instead of creating a second. Killed after recording it but before
    /// starting its process: the restarted runner starts that process.
    func testRestartAfterCreatingTheRunAdoptsIt() throws {
        let yaml = TriggerTestConfig.yaml(TriggerTestConfig.pipeline(["{on: dataset-update, debounce: 1}"]))
        let store = workspace.store
        let first = FakeLauncher(store: store)
        let dying = try engine(yaml, launcher: first)
        try TriggerTestConfig.addVersion(store, n: 1)
        try dying.tick()
        try TriggerTestConfig.addVersion(store, n: 2)
        clock.now += 1; try dying.checkTriggers(try TriggerTestConfig.parse(yaml))
        clock.now += 5
        let firing = try XCTUnwrap(try store.openTriggerFirings().first)
        try store.updateTriggerFirings([firing.id], status: .launching, runID: nil, at: clock.now)
        let runID = try first.queue(dying.launchRequest(for: [firing], pipeline: "p"), config: try TriggerTestConfig.parse(yaml))   // then "kill -9"

        let second = FakeLauncher(store: store)
        try engine(yaml, launcher: second).tick()
        XCTAssertTrue(second.queued.isEmpty, "no second run")
        XCTAssertEqual(second.started, [runID], "the orphaned QUEUED run is started")
        XCTAssertEqual(try store.resolveRun(runID).status, .running)
        XCTAssertEqual(try store.listRuns(RunQuery()).count, 1)
    }

    /// The default code hash: editing the pipeline's `triggers:` is not a code change; editing a step is.
    func testCodeChangeIgnoresTriggerEditsButNotStepEdits() throws {
        let yaml = LockedText(TriggerTestConfig.yaml(TriggerTestConfig.pipeline(["{on: code-change, debounce: 1}"])))
        let launcher = FakeLauncher(store: workspace.store)
        let engine = TriggerEngine(store: workspace.store, launcher: launcher, clock: clock.date,
                                   configProvider: { try TriggerTestConfig.parse(yaml.value) })
        try engine.tick()
        yaml.value = TriggerTestConfig.yaml(TriggerTestConfig.pipeline(["{on: code-change, debounce: 1}", "{on: dataset-update}"]))
        clock.now += 5; try engine.tick()
        clock.now += 5; try engine.tick()
        XCTAssertTrue(launcher.queued.isEmpty, "a trigger edit is not a code change")
        yaml.value = yaml.value.replacingOccurrences(of: "{run: \"true\"}", with: "{run: \"true --again\"}")
        clock.now += 5; try engine.tick()
        clock.now += 5; try engine.tick()
        XCTAssertEqual(launcher.queued.map(\.launch.trigger), ["code-change"])
        XCTAssertTrue(launcher.queued.first?.launch.tags[TriggerEngine.reasonTag]?.hasPrefix("pipeline code changed (") == true)
    }

    /// A schedule missed while no runner was up is not replayed, except the latest one with `catch_up: true`.
    func testMissedSchedulesAreNotReplayedExceptTheLatestWithCatchUp() throws {
        clock.now = 1_768_442_400   // 2026-01-15 02:00 UTC
        let yaml = TriggerTestConfig.yaml(
            TriggerTestConfig.pipeline(["{on: schedule, cron: \"0 3 * * *\", timezone: UTC, debounce: 1}"], name: "plain"),
            TriggerTestConfig.pipeline(["{on: schedule, cron: \"0 3 * * *\", timezone: UTC, catch_up: true, debounce: 1}"], name: "catchup"))
        let launcher = FakeLauncher(store: workspace.store)
        let engine = try engine(yaml, launcher: launcher)
        try engine.tick()
        clock.now = 1_768_446_000 + 20; try engine.tick()   // 03:00:20: on time
        clock.now += 2; try engine.tick()
        XCTAssertEqual(Set(launcher.queued.map(\.launch.pipeline)), ["plain", "catchup"])
        for (_, id) in launcher.queued { try workspace.store.finishRun(RunHandle(id: id), status: .finished) }
        clock.now += 1; try engine.tick()
        // Down until 2026-01-18 10:00 UTC: the 16th, 17th and 18th at 03:00 were missed.
        clock.now = 1_768_730_400; try engine.tick()
        clock.now += 2; try engine.tick()
        XCTAssertEqual(launcher.queued.count, 3, "only the catch-up pipeline runs, once")
        XCTAssertEqual(launcher.queued.last?.launch.pipeline, "catchup")
        XCTAssertEqual(launcher.queued.last?.launch.tags[TriggerEngine.reasonTag],
                       "schedule 0 3 * * * at 2026-01-18 03:00 UTC, missed while no runner was up (catch_up)")
    }

    /// A failed triggered run raises one `run_failed` alert, even when runners restart.
    func testFailedTriggeredRunRaisesOneAlert() throws {
        let yaml = TriggerTestConfig.yaml(TriggerTestConfig.pipeline(["{on: dataset-update, debounce: 1}"]))
        let launcher = FakeLauncher(store: workspace.store), alerts = FakeAlerts()
        let engine = try engine(yaml, launcher: launcher, alerts: alerts)
        try TriggerTestConfig.addVersion(workspace.store, n: 1)
        try engine.tick()
        try TriggerTestConfig.addVersion(workspace.store, n: 2)
        clock.now += 1; try engine.tick()
        clock.now += 1; try engine.tick()
        let runID = try XCTUnwrap(launcher.queued.first?.runID)
        try workspace.store.finishRun(RunHandle(id: runID), status: .failed, reason: "step train failed")
        clock.now += 1; try engine.tick()
        clock.now += 1; try engine.tick()
        try self.engine(yaml, launcher: FakeLauncher(store: workspace.store), alerts: alerts).tick()
        XCTAssertEqual(alerts.runFailed, [runID])
    }

    /// `drift` fires on an alert newer than the ones there when the runner started; `code-change`
    /// on a changed code hash.
    func testDriftAndCodeChangeTriggers() throws {
        let yaml = TriggerTestConfig.yaml(TriggerTestConfig.pipeline(["{on: drift, model: m, debounce: 1}", "{on: code-change, debounce: 1}"]))
        let launcher = FakeLauncher(store: workspace.store), alerts = FakeAlerts()
        alerts.add(kind: "drift", model: "m", id: 4, summary: "old")
        let hash = LockedText("aaaa")
        let engine = try engine(yaml, launcher: launcher, alerts: alerts, codeHash: { _, _ in hash.value })
        try engine.tick()
        clock.now += 5; try engine.tick()
        XCTAssertTrue(launcher.queued.isEmpty)
        alerts.add(kind: "drift", model: "other", id: 5, summary: "not ours")
        alerts.add(kind: "drift", model: "m", id: 6, summary: "critical drift on m: x1, x2")
        clock.now += 1; try engine.tick()
        clock.now += 1; try engine.tick()
        XCTAssertEqual(launcher.queued.count, 1)
        XCTAssertEqual(launcher.queued[0].launch.trigger, "drift")
        XCTAssertEqual(launcher.queued[0].launch.tags[TriggerEngine.reasonTag], "alert #6: critical drift on m: x1, x2")
        try workspace.store.finishRun(RunHandle(id: launcher.queued[0].runID), status: .finished)
        hash.value = "bbbb"
        clock.now += 1; try engine.tick()
        clock.now += 1; try engine.tick()
        XCTAssertEqual(launcher.queued.count, 2)
        XCTAssertEqual(launcher.queued[1].launch.trigger, "code-change")
    }
}

final class LockedText: @unchecked Sendable {
    private let lock = NSLock(); private var text: String
    init(_ text: String) { self.text = text }
    var value: String {
        get { lock.lock(); defer { lock.unlock() }; return text }
        set { lock.lock(); text = newValue; lock.unlock() }
    }
}
