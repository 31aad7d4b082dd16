import DeckEngine
import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest
@testable import DeckTUI

/// The dashboard as the workspace's trigger runner: it takes the lease when nobody holds it and
/// the header says so; with an agent holding it the header names the agent and the dashboard
/// fires nothing; on quit it gives the lease up. Read-only dashboards run no triggers.
final class DashboardTriggersTests: XCTestCase {
    @MainActor
    private static func dashboard(_ store: DeckStore, readOnly: Bool = false) -> Dashboard {
        var options = Dashboard.Options(readOnly: readOnly)
        options.rememberSettings = false
        options.runTriggers = true
        let dash = Dashboard(store: store, options: options)
        dash.app.size = Size(width: 160, height: 30)
        return dash
    }

    /// Ticks until `condition` holds (up to 20 s: the runner's rounds are on their own thread).
    @MainActor
    private static func waitUntil(_ dash: Dashboard, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            dash.tick()
            if condition() { return true }
            usleep(20_000)
        }
        return false
    }

    func testTheDashboardHoldsTheLeaseWhenNobodyDoesAndGivesItUpOnQuit() throws {
        let store = try makeTestStore()
        try MainActor.assumeIsolated {
            let dash = Self.dashboard(store)
            let canvas = Canvas(size: dash.app.size)
            _ = dash.app.render(into: canvas)
            XCTAssertTrue(canvas.text.contains("triggers –"), "before the first round\n" + canvas.text)
            dash.startTriggers()
            XCTAssertTrue(Self.waitUntil(dash) { dash.status.triggers == .this(role: "dashboard") }, "\(String(describing: dash.status.triggers))")
            _ = dash.app.render(into: canvas)
            XCTAssertTrue(canvas.trimmedLines()[0].contains("triggers: this dashboard"), canvas.text)
            let lease = try XCTUnwrap(try store.runnerLease())
            XCTAssertEqual(lease.role, "dashboard")
            XCTAssertEqual(lease.pid, getpid())
            dash.stopTriggers()
            XCTAssertNil(try store.runnerLease(), "the lease is given up on quit")
            _ = dash.app.render(into: canvas)
            XCTAssertTrue(canvas.text.contains("triggers: off"), canvas.text)
        }
    }

    func testWithAnAgentHoldingTheLeaseTheHeaderNamesItAndTheDashboardWaits() throws {
        let store = try makeTestStore()
        let now = Date().timeIntervalSince1970
        // An agent of this host (alive: this process) holds the lease.
        let agent = ProcessIdentity(pid: getpid(), token: ProcessIdentity.current.token, host: ProcessIdentity.hostName)
        guard case .acquired = try store.acquireRunnerLease(holder: "agent-1", role: "agent", owner: agent, now: now, ttl: 600) else {
            return XCTFail("the agent takes the free lease")
        }
        try MainActor.assumeIsolated {
            let dash = Self.dashboard(store)
            dash.startTriggers()
            defer { dash.stopTriggers() }
            let expected = RunnerLeaseState.other(role: "agent", pid: getpid(), host: ProcessIdentity.hostName)
            XCTAssertTrue(Self.waitUntil(dash) { dash.status.triggers == expected }, "\(String(describing: dash.status.triggers))")
            let canvas = Canvas(size: dash.app.size)
            _ = dash.app.render(into: canvas)
            XCTAssertTrue(canvas.trimmedLines()[0].contains("triggers: agent pid \(getpid())"), canvas.text)
            XCTAssertEqual(try store.runnerLease()?.holder, "agent-1", "the dashboard did not take the agent's lease")
            // The agent stops: the dashboard takes over on its next round.
            try store.releaseRunnerLease(holder: "agent-1")
            XCTAssertTrue(Self.waitUntil(dash) { dash.status.triggers == .this(role: "dashboard") }, "\(String(describing: dash.status.triggers))")
            XCTAssertEqual(try store.runnerLease()?.role, "dashboard")
        }
    }

    func testAReadOnlyDashboardRunsNoTriggers() throws {
        let store = try makeTestStore()
        MainActor.assumeIsolated {
            let dash = Self.dashboard(store, readOnly: true)
            XCTAssertNil(dash.triggers)
            dash.startTriggers()
            let canvas = Canvas(size: dash.app.size)
            dash.tick()
            _ = dash.app.render(into: canvas)
            XCTAssertFalse(canvas.text.contains("triggers"), canvas.text)
            XCTAssertNil(try? store.runnerLease())
        }
    }
}
