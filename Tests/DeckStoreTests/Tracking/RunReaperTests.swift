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

/// Item 13 of issue 8: a reaped run ends at its last known activity, not at its start.
final class RunReaperEndTimeTests: XCTestCase {
    var ws: TestWorkspace!
    override func setUpWithError() throws { ws = try TestWorkspace() }
    override func tearDown() { ws.cleanup() }

    func deadOwner() -> ProcessIdentity {
        let me = ProcessIdentity.current
        return ProcessIdentity(pid: me.pid, token: me.token + "0", host: me.host)
    }

    func testADeadRunEndsAtItsLastMetricOrActivityNotAtItsStart() throws {
        let now = Date().timeIntervalSince1970
        let byMetric = try ws.store.createRun(RunStart(name: "metric", owner: deadOwner(), startTime: now - 100,
                                                       metrics: [MetricPoint(key: "loss", value: 1, step: 1, timestamp: now - 40)]))
        let byFile = try ws.store.createRun(RunStart(name: "file", owner: deadOwner(), startTime: now - 100))
        RunActivity.touch(byFile.id, in: ws.store.workspace)
        var times = [timespec(tv_sec: Int(now - 30), tv_nsec: 0), timespec(tv_sec: Int(now - 30), tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, ws.store.workspace.runDirectory(byFile.id).path + "/alive", &times, 0), 0)
        let future = try ws.store.createRun(RunStart(name: "future", owner: deadOwner(), startTime: now - 10,
                                                     metrics: [MetricPoint(key: "loss", value: 1, step: 1, timestamp: now + 1e12)]))
        let silent = try ws.store.createRun(RunStart(name: "silent", owner: deadOwner(), startTime: now - 5))

        XCTAssertEqual(try RunReaper(store: ws.store).reap(now: now), 4)
        let metric = try ws.store.resolveRun(byMetric.id)
        XCTAssertEqual(metric.status, .failed)
        XCTAssertEqual(metric.duration(), 60, accuracy: 0.01)
        XCTAssertEqual(try ws.store.resolveRun(byFile.id).duration(), 70, accuracy: 1, "the alive file's time, to the second")
        XCTAssertEqual(try ws.store.resolveRun(future.id).duration(), 10, accuracy: 0.5, "never past now")
        XCTAssertEqual(try ws.store.resolveRun(silent.id).duration(), 0, accuracy: 0.01, "no sign of life after the start")
    }

    func testTheIdentityOfAnotherLiveProcessCanBeRecorded() throws {
        let parent = try XCTUnwrap(ProcessIdentity.of(pid: getppid()))
        XCTAssertTrue(parent.isAlive)
        XCTAssertNil(ProcessIdentity.of(pid: 0))
        XCTAssertNil(ProcessIdentity.of(pid: -5))
    }
}

/// A detached launch records the process that will take its QUEUED run over; if that process
/// dies first the run is marked FAILED with the reason instead of staying QUEUED.
final class QueuedRunReaperTests: XCTestCase {
    var ws: TestWorkspace!
    override func setUpWithError() throws { ws = try TestWorkspace() }
    override func tearDown() { ws.cleanup() }

    func testAQueuedRunWhoseProcessDiedBeforeTakingOverIsFailedWithTheReason() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["60"]
        try process.run()
        let identity = try XCTUnwrap(ProcessIdentity.of(pid: process.processIdentifier))
        let run = try ws.store.createRun(RunStart(name: "queued", status: .queued, owner: nil))
        try ws.store.setQueuedRunOwner(run, owner: identity)
        XCTAssertEqual(try ws.reopen().resolveRun(run.id).status, .queued, "its process is alive")
        process.terminate(); process.waitUntilExit()
        let record = try ws.reopen().resolveRun(run.id)
        XCTAssertEqual(record.status, .failed)
        XCTAssertTrue(record.statusReason?.contains("(pid \(identity.pid)) ended before the run started") == true, record.statusReason ?? "")
    }

    func testTheOwnerOfARunningRunIsNotReplaced() throws {
        let run = try ws.store.createRun(RunStart(name: "running", owner: .current))
        try ws.store.setQueuedRunOwner(run, owner: ProcessIdentity(pid: 1, token: "x", host: "elsewhere"))
        XCTAssertEqual(try ws.reopen().resolveRun(run.id).status, .running)
    }
}
