import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// The runner lease: one holder at a time; taken over only when its holder expired or its
/// process is gone; two contenders from two connections (as two processes would be).
final class RunnerLeaseTests: XCTestCase {
    var workspace: TemporaryWorkspace!
    override func setUpWithError() throws { workspace = try TemporaryWorkspace(prefix: "lease") }
    override func tearDown() { workspace.cleanup() }

    /// A live holder keeps the lease against a second contender; its renewals keep it; when it
    /// releases the lease the other takes it at once.
    func testSecondContenderWaitsWhileTheHolderLives() throws {
        let a = workspace.store, b = try workspace.reopen()
        let me = ProcessIdentity.current
        guard case .acquired(let lease, nil) = try a.acquireRunnerLease(holder: "A", role: "agent", owner: me, now: 1000, ttl: 15) else {
            return XCTFail("A should take a free lease")
        }
        XCTAssertEqual(lease.expiresAt, 1015)
        guard case .heldByOther(let other) = try b.acquireRunnerLease(holder: "B", role: "dashboard", owner: me, now: 1005, ttl: 15) else {
            return XCTFail("B must not take a live, unexpired lease")
        }
        XCTAssertEqual(other.holder, "A")
        XCTAssertTrue(try a.renewRunnerLease(holder: "A", now: 1014, ttl: 15))
        guard case .heldByOther = try b.acquireRunnerLease(holder: "B", role: "dashboard", owner: me, now: 1020, ttl: 15) else {
            return XCTFail("the renewal extended the lease to 1029")
        }
        XCTAssertFalse(try b.renewRunnerLease(holder: "B", now: 1020, ttl: 15), "B holds nothing to renew")
        try a.releaseRunnerLease(holder: "A")
        guard case .acquired(let taken, nil) = try b.acquireRunnerLease(holder: "B", role: "dashboard", owner: me, now: 1021, ttl: 15) else {
            return XCTFail("a released lease is free")
        }
        XCTAssertEqual(try a.runnerLease(), taken)
    }

    /// An expired lease is taken over, and the old holder learns it lost it on its next renewal.
    func testExpiredLeaseIsTakenOver() throws {
        let a = workspace.store, b = try workspace.reopen()
        let me = ProcessIdentity.current
        _ = try a.acquireRunnerLease(holder: "A", role: "agent", owner: me, now: 1000, ttl: 15)
        guard case .acquired(_, let previous?) = try b.acquireRunnerLease(holder: "B", role: "agent", owner: me, now: 1016, ttl: 15) else {
            return XCTFail("an expired lease must be taken over")
        }
        XCTAssertEqual(previous.holder, "A")
        XCTAssertFalse(try a.renewRunnerLease(holder: "A", now: 1017, ttl: 15))
        XCTAssertEqual(try a.runnerLease()?.holder, "B")
    }

    /// A holder whose process is gone (here: this pid with another start time, as after a crash
    /// and pid reuse) loses the lease before it expires.
    func testDeadHolderIsTakenOverBeforeExpiry() throws {
        let a = workspace.store, b = try workspace.reopen()
        let me = ProcessIdentity.current
        let dead = ProcessIdentity(pid: me.pid, token: "boot:1", host: me.host)
        _ = try a.acquireRunnerLease(holder: "A", role: "agent", owner: dead, now: 1000, ttl: 600)
        guard case .acquired(_, let previous?) = try b.acquireRunnerLease(holder: "B", role: "agent", owner: me, now: 1001, ttl: 15) else {
            return XCTFail("a dead holder's lease must be taken over")
        }
        XCTAssertEqual(previous.holder, "A")
        // On another host the pid cannot be checked: only expiry counts.
        let remote = ProcessIdentity(pid: 1, token: "x", host: "elsewhere.example")
        _ = try a.acquireRunnerLease(holder: "R", role: "agent", owner: remote, now: 2000, ttl: 15)
        guard case .heldByOther = try b.acquireRunnerLease(holder: "B", role: "agent", owner: me, now: 2010, ttl: 15) else {
            return XCTFail("a remote holder keeps its unexpired lease")
        }
    }

    /// Two contenders racing from two threads on two connections: exactly one wins each round.
    func testRacingContendersOneWins() throws {
        let stores = [workspace.store, try workspace.reopen()]
        let me = ProcessIdentity.current
        for round in 0..<20 {
            let now = Double(10_000 + round * 100)   // each round starts after the last lease expired
            let results = LockedResults()
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let r = try? stores[i].acquireRunnerLease(holder: "H\(i)-\(round)", role: "agent", owner: me, now: now, ttl: 15)
                if case .acquired? = r { results.add(i) }
            }
            XCTAssertEqual(results.count, 1, "round \(round)")
        }
    }
}

final class LockedResults: @unchecked Sendable {
    private let lock = NSLock(); private var items: [Int] = []
    func add(_ i: Int) { lock.lock(); items.append(i); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return items.count }
}
