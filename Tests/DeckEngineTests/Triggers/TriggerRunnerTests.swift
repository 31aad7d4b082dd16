@testable import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// Two runners on one workspace (an agent and a dashboard, each with its own connection): only
/// the lease holder ticks its engine, so an event fires once; the other takes over when the
/// holder stops.
final class TriggerRunnerTests: XCTestCase {
    func testOnlyTheLeaseHolderFires() throws {
        let workspace = try TemporaryWorkspace(prefix: "runner")
        defer { workspace.cleanup() }
        let clock = TestClock(1_800_000_000)
        let config = try TriggerTestConfig.parse(TriggerTestConfig.yaml(TriggerTestConfig.pipeline(["{on: dataset-update, debounce: 1}"])))
        func runner(_ store: DeckStore, _ launcher: FakeLauncher, role: String) -> TriggerRunner {
            let engine = TriggerEngine(store: store, launcher: launcher, clock: clock.date, configProvider: { config })
            return TriggerRunner(store: store, engine: engine, role: role, clock: clock.date)
        }
        let agentLauncher = FakeLauncher(store: workspace.store)
        let other = try workspace.reopen()
        let dashboardLauncher = FakeLauncher(store: other)
        let agent = runner(workspace.store, agentLauncher, role: "agent")
        let dashboard = runner(other, dashboardLauncher, role: "dashboard")
        try TriggerTestConfig.addVersion(workspace.store, n: 1)
        XCTAssertTrue(agent.round())
        XCTAssertFalse(dashboard.round())
        try TriggerTestConfig.addVersion(workspace.store, n: 2)
        for _ in 0..<3 {
            clock.now += 1
            agent.round(); dashboard.round()
        }
        XCTAssertEqual(agentLauncher.queued.count, 1)
        XCTAssertTrue(dashboardLauncher.queued.isEmpty, "the dashboard does not hold the lease")
        XCTAssertTrue(agent.holdsLease)
        XCTAssertFalse(dashboard.holdsLease)

        // The agent stops (gives the lease up); the dashboard takes over and sees nothing new to fire.
        agent.stop(); agent.run()
        XCTAssertFalse(agent.holdsLease)
        clock.now += 1
        XCTAssertTrue(dashboard.round())
        XCTAssertEqual(try other.runnerLease()?.role, "dashboard")
        XCTAssertTrue(dashboardLauncher.queued.isEmpty)
    }
}
