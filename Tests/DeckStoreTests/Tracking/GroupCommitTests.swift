@testable import DeckStore
import XCTest

/// ``GroupCommit``: concurrent writes share transactions, each answered after its commit; a write
/// that fails is rolled back alone (its caller gets its error, the others commit), including the
/// keys it created.
final class GroupCommitTests: XCTestCase {
    var ws: TestWorkspace!
    override func setUpWithError() throws { ws = try TestWorkspace() }
    override func tearDown() { ws.cleanup() }

    func testConcurrentWritesShareTransactionsAndAFailingWriteIsRolledBackAlone() async throws {
        let store = ws.store
        let run = try store.createRun(RunStart(name: "r", experiment: "e", params: ["lr": "0.1"]))
        let committer = GroupCommit(store: store)
        defer { committer.stop() }
        let writers = 200
        let outcomes = await withTaskGroup(of: String?.self) { group -> [String?] in
            for i in 0..<writers {
                group.addTask {
                    do {
                        try await committer.write { w in
                            try w.logMetrics([MetricPoint(key: "loss", value: Double(i), step: Int64(i), timestamp: 1)], run: run)
                            // Every 10th write interns a key of its own, then fails: both must vanish.
                            if i % 10 == 0 { try w.logParams(["only-\(i)": "x", "lr": "0.\(i + 2)"], run: run) }
                        }
                        return nil
                    } catch TrackingError.paramChanged(_, let key, let old, _) {
                        return "\(key)=\(old)"
                    } catch {
                        return "unexpected \(error)"
                    }
                }
            }
            var all: [String?] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        XCTAssertEqual(outcomes.compactMap { $0 }, Array(repeating: "lr=0.1", count: writers / 10), "each failing write gets its own error")
        let details = try store.runDetails(run.id)
        XCTAssertEqual(details.params, ["lr": "0.1"], "nothing of a failed write is kept")
        let loss = try XCTUnwrap(details.metrics.first { $0.key == "loss" })
        XCTAssertEqual(loss.count, writers - writers / 10, "every successful write is committed, no failed one")
        let counts = committer.counts
        XCTAssertEqual(counts.writes, writers - writers / 10)
        XCTAssertLessThan(counts.groups, counts.writes, "concurrent writes shared transactions")
        // The keys the failed writes created were rolled back; using them again works (no stale cached id).
        try await committer.write { w in try w.logParams(["only-0": "y"], run: run) }
        try store.logParams(["only-10": "z"], run: run)
        XCTAssertEqual(try store.runDetails(run.id).params, ["lr": "0.1", "only-0": "y", "only-10": "z"])
    }

    func testAWriteAfterStopFailsAndTheQueueDrains() async throws {
        let store = ws.store
        let run = try store.createRun(RunStart(name: "r", experiment: "e"))
        let committer = GroupCommit(store: store)
        try await committer.write { w in try w.setTags(["a": "1"], run: run) }
        committer.stop()
        do {
            try await committer.write { w in try w.setTags(["b": "2"], run: run) }
            XCTFail("a write after stop must fail")
        } catch let error as WorkspaceError {
            XCTAssertTrue("\(error)".contains("stopping"), "\(error)")
        }
        XCTAssertEqual(try store.runDetails(run.id).tags, ["a": "1"])
    }

    /// A group whose transaction cannot begin (here: a read-only store) answers every write with
    /// that error; none is left waiting.
    func testEveryWriteIsAnsweredWhenTheTransactionCannotBegin() async throws {
        let run = try ws.store.createRun(RunStart(name: "r", experiment: "e"))
        let readOnly = try DeckStore.open(ws.store.workspace, access: .readOnly)
        let committer = GroupCommit(store: readOnly)
        defer { committer.stop() }
        let refusals = await withTaskGroup(of: Bool.self) { group -> Int in
            for i in 0..<20 {
                group.addTask {
                    do {
                        if i % 2 == 0 {
                            try await committer.write { w in try w.setTags(["t": "\(i)"], run: run) }
                        } else {
                            try await committer.write(merging: i, key: run.id) { w, items in
                                try w.logMetrics(items.map { MetricPoint(key: "m", value: Double($0), step: Int64($0), timestamp: 1) }, run: run)
                            }
                        }
                        return false
                    } catch WorkspaceError.readOnly {
                        return true
                    } catch {
                        return false
                    }
                }
            }
            var count = 0
            for await refused in group where refused { count += 1 }
            return count
        }
        XCTAssertEqual(refusals, 20, "every write gets the read-only error")
    }

    func testMergedWritesShareOneCallAndAFailingItemIsRetriedAlone() async throws {
        let store = ws.store
        let run = try store.createRun(RunStart(name: "r", experiment: "e"))
        let committer = GroupCommit(store: store)
        defer { committer.stop() }
        let calls = LockedCalls()
        let writers = 300
        let failures = await withTaskGroup(of: Int?.self) { group -> [Int] in
            for i in 0..<writers {
                group.addTask {
                    do {
                        try await committer.write(merging: i, key: run.id) { w, items in
                            calls.record(items.count)
                            // Item 7 is refused: the call holding it throws, and its items are retried alone.
                            if items.contains(7) { throw TrackingError.invalidKey("bad-7") }
                            try w.logMetrics(items.map { MetricPoint(key: "loss", value: Double($0), step: Int64($0), timestamp: 1) }, run: run)
                        }
                        return nil
                    } catch {
                        return i
                    }
                }
            }
            var all: [Int] = []
            for await failed in group { if let failed { all.append(failed) } }
            return all
        }
        XCTAssertEqual(failures, [7], "only the refused item's caller gets an error")
        let loss = try XCTUnwrap(try store.runDetails(run.id).metrics.first { $0.key == "loss" })
        XCTAssertEqual(loss.count, writers - 1, "every other item is written once")
        XCTAssertGreaterThan(calls.largest, 1, "items waiting together were written by one call")
        XCTAssertEqual(committer.counts.writes, writers - 1)
        let steps = try store.metricSeries(run: run, key: "loss").map(\.step)
        XCTAssertEqual(Set(steps), Set((0..<Int64(writers)).filter { $0 != 7 }), "no point lost or repeated")
    }
}

/// How many items each merged call received (written from the committer's thread).
private final class LockedCalls: @unchecked Sendable {
    private let lock = NSLock()
    private var sizes: [Int] = []
    func record(_ count: Int) { lock.lock(); sizes.append(count); lock.unlock() }
    var largest: Int { lock.lock(); defer { lock.unlock() }; return sizes.max() ?? 0 }
}
