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

    /// With `renewEvery`, the holder writes its heartbeat at most that often (each write wakes
    /// every open dashboard), yet always before the lease could lapse; the lease state is reported.
    func testRenewalsAreSpacedButKeepTheLease() throws {
        let workspace = try TemporaryWorkspace(prefix: "runner-renew")
        defer { workspace.cleanup() }
        let clock = TestClock(1_800_000_000)
        let runner = TriggerRunner(store: workspace.store, engine: nil, role: "agent", clock: clock.date)
        runner.renewEvery = 5
        XCTAssertEqual(runner.leaseState, .unknown)
        XCTAssertTrue(runner.round())
        XCTAssertEqual(runner.leaseState, .this(role: "agent"))
        let taken = try XCTUnwrap(try workspace.store.runnerLease())
        for _ in 0..<4 {
            clock.now += 1
            XCTAssertTrue(runner.round())
            XCTAssertEqual(try workspace.store.runnerLease()?.heartbeatAt, taken.heartbeatAt, "no write within 5 s")
        }
        clock.now += 1
        XCTAssertTrue(runner.round())
        XCTAssertEqual(try workspace.store.runnerLease()?.heartbeatAt, taken.heartbeatAt + 5, "renewed after 5 s")
        XCTAssertEqual(try workspace.store.runnerLease()?.expiresAt, taken.heartbeatAt + 5 + runner.ttl)
        // Another runner sees it held and reports who holds it.
        let other = TriggerRunner(store: try workspace.reopen(), engine: nil, role: "dashboard", clock: clock.date)
        XCTAssertFalse(other.round())
        guard case .other(role: "agent", _, _) = other.leaseState else { return XCTFail("\(other.leaseState)") }
        runner.stop(); runner.run()
        XCTAssertEqual(runner.leaseState, .stopped)
        XCTAssertNil(try workspace.store.runnerLease())
    }
}
