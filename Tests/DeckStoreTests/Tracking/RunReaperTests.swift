@testable import DeckStore
import Foundation
import XCTest

final class RunReaperTests: XCTestCase {
    var ws: TestWorkspace!
    override func setUpWithError() throws { ws = try TestWorkspace() }
    override func tearDown() { ws.cleanup() }

    /// Starts `sleep` and returns its identity (pid + start time).
    func startSleeper() throws -> (Process, ProcessIdentity) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["60"]
        try process.run()
        let pid = process.processIdentifier
        return (process, ProcessIdentity(pid: pid, token: try XCTUnwrap(ProcessIdentity.token(of: pid)), host: ProcessIdentity.hostName))
    }

    func testRunOfADeadOwnerIsMarkedFailedWhenTheWorkspaceOpens() throws {
        let (sleeper, identity) = try startSleeper()
        let run = try ws.store.createRun(RunStart(name: "orphan", owner: identity))
        let alive = try ws.store.createRun(RunStart(name: "alive", owner: .current))
        XCTAssertEqual(try ws.reopen().resolveRun(run.id).status, .running, "the owner is alive")
        sleeper.terminate(); sleeper.waitUntilExit()
        let reopened = try ws.reopen()
        let record = try reopened.resolveRun(run.id)
        XCTAssertEqual(record.status, .failed)
        XCTAssertTrue(record.statusReason?.contains("owner process \(identity.pid)") == true, record.statusReason ?? "")
        XCTAssertNotNil(record.endTime)
        XCTAssertEqual(try reopened.resolveRun(alive.id).status, .running)
    }

    func testAReusedPidIsNotMistakenForTheOwner() throws {
        // Same pid as a live process, but another start time: the owner is dead.
        let me = ProcessIdentity.current
        let impostor = ProcessIdentity(pid: me.pid, token: me.token + "0", host: me.host)
        let run = try ws.store.createRun(RunStart(owner: impostor))
        XCTAssertEqual(try ws.reopen().resolveRun(run.id).status, .failed)
    }

    func testAnotherHostsRunFailsOnlyAfterItsHeartbeatGoesStale() throws {
        let remote = ProcessIdentity(pid: 1, token: "x:1", host: "some-other-host")
        let run = try ws.store.createRun(RunStart(owner: remote))
        XCTAssertEqual(try RunReaper(store: ws.store).reap(), 0)
        var reaper = RunReaper(store: ws.store)
        reaper.staleAfter = 300
        XCTAssertEqual(try reaper.reap(now: Date().timeIntervalSince1970 + 301), 1)
        XCTAssertEqual(try ws.store.resolveRun(run.id).status, .failed)
    }
}
