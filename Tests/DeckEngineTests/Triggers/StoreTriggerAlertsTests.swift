@testable import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// The trigger engine over the real alert store: a new `critical` drift alert fires the `drift`
/// trigger (an `info` one does not), and a failed triggered run opens one `run_failed` alert.
final class StoreTriggerAlertsTests: XCTestCase {
    func testDriftAlertFiresAndFailedRunRaisesRunFailed() throws {
        let workspace = try TemporaryWorkspace(prefix: "trigger-alerts")
        defer { workspace.cleanup() }
        let store = workspace.store
        let clock = TestClock(1_800_000_000)
        let config = try TriggerTestConfig.parse(TriggerTestConfig.yaml(TriggerTestConfig.pipeline(["{on: drift, model: churn-model, debounce: 1}"])))
        let launcher = FakeLauncher(store: store)
        let engine = TriggerEngine(store: store, launcher: launcher, alerts: StoreTriggerAlerts(store: store), clock: clock.date,
                                   configProvider: { config })
        try engine.tick()   // baseline: no alerts yet
        try store.raiseAlert(NewAlert(kind: .drift, severity: .info, model: "churn-model", version: 1, window: "w1", message: "nothing drifted"),
                             now: clock.now)
        clock.now += 5; try engine.tick()
        XCTAssertTrue(launcher.queued.isEmpty, "an info alert is history, not a firing")
        try store.raiseAlert(NewAlert(kind: .drift, severity: .critical, model: "churn-model", version: 2, window: "w2",
                                      message: "3 of 4 features drifted"), now: clock.now)
        clock.now += 1; try engine.tick()
        clock.now += 1; try engine.tick()
        XCTAssertEqual(launcher.queued.count, 1)
        let reason = launcher.queued.first?.launch.tags[TriggerEngine.reasonTag] ?? ""
        XCTAssertTrue(reason.hasSuffix("critical drift on churn-model v2: 3 of 4 features drifted"), reason)

        let runID = try XCTUnwrap(launcher.queued.first?.runID)
        try store.finishRun(RunHandle(id: runID), status: .failed, reason: "step train failed")
        clock.now += 1; try engine.tick()
        clock.now += 1; try engine.tick()
        let failed = try store.alerts(AlertQuery(kind: .runFailed))
        XCTAssertEqual(failed.count, 1)
        XCTAssertEqual(failed.first?.model, "p")
        XCTAssertEqual(failed.first?.runID, runID)
        XCTAssertEqual(failed.first?.severity, .critical)
        XCTAssertTrue(failed.first?.message.contains("step train failed") == true)
    }
}
