@testable import DeckStore
import DeckTestSupport
import Foundation
import GRDB
import XCTest

/// The writer's checkpoints run on the checkpointer's queue (issue 9: a commit no longer waits for
/// one), still every 1,000 WAL pages, and the WAL stays bounded when they fall behind.
final class WALCheckpointerTests: XCTestCase {
    var ws: TestWorkspace!
    override func setUpWithError() throws { ws = try TestWorkspace() }
    override func tearDown() { ws.cleanup() }

    private func createRuns(_ range: Range<Int>, in store: DeckStore) throws {
        for i in range {
            var params: [String: String] = [:]
            for p in 0..<10 { params["p\(p)"] = "\(i % (p + 2))" }
            let metrics = (0..<5).map { MetricPoint(key: "m\($0)", value: Double(i % 97) / 97, step: 0, timestamp: 1_700_000_000) }
            _ = try store.createRun(RunStart(name: "r\(i)", params: params, metrics: metrics))
        }
    }

    /// WAL pages written so far (the WAL file is reused from its start after a checkpoint, not shrunk).
    private func walPages(_ store: DeckStore) throws -> Int {
        let size = try FileManager.default.attributesOfItem(atPath: store.workspace.databaseURL.path + "-wal")[.size] as? Int ?? 0
        return max(0, size - 32) / (4096 + 24)
    }

    /// Bytes of the database file itself (pages reach it only through checkpoints).
    private func databaseBytes(_ store: DeckStore) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: store.workspace.databaseURL.path)[.size] as? Int ?? 0
    }

    func testCheckpointsRunOnTheQueue() throws {
        let store = ws.store
        XCTAssertNotNil(store.checkpointer)
        let before = try databaseBytes(store)
        try createRuns(0..<400, in: store)   // ~16 pages a run: ~6,400 pages, under the writer's own 8,000
        store.checkpointer?.drain()
        let after = try databaseBytes(store)
        XCTAssertGreaterThan(after - before, 200_000, "the queue copied the runs' pages into the database file")
        XCTAssertEqual(try store.listRuns(RunQuery(limit: 1_000)).count, 400)
        let reopened = try DeckStore.open(store.workspace)
        XCTAssertEqual(try reopened.listRuns(RunQuery(limit: 1_000)).count, 400)
    }

    /// A checkpoint already due when the store closes (a short command that crossed 1,000 pages
    /// just before it ended) is done, not dropped.
    func testClosingRunsTheCheckpointAlreadyDue() throws {
        let store = ws.store
        let checkpointer = try XCTUnwrap(store.checkpointer)
        let before = try databaseBytes(store)
        checkpointer.suspendQueue()
        try createRuns(0..<100, in: store)   // ~1,600 pages: one checkpoint queued, held back
        let closed = expectation(description: "closed")
        DispatchQueue.global().async { checkpointer.close(); closed.fulfill() }
        Thread.sleep(forTimeInterval: 0.2)   // close() has marked the checkpointer closed and waits
        checkpointer.resumeQueue()
        wait(for: [closed], timeout: 10)
        XCTAssertGreaterThan(try databaseBytes(store) - before, 50_000, "the queued checkpoint copied the pages")
    }

    /// A writer faster than the queue's checkpoints (the queue restarts the WAL only when it has
    /// copied every page, which a writer that never pauses does not leave time for) checkpoints
    /// itself at `backPressurePages`.
    func testTheWriterCheckpointsItselfWhenTheQueueFallsBehind() throws {
        let store = ws.store
        store.checkpointer?.close()   // the queue checkpoints nothing from here on
        try createRuns(0..<700, in: store)   // ~11,000 pages
        let extent = try walPages(store)
        XCTAssertLessThan(extent, 8 * DeckStore.walAutocheckpointPages + 100, "the WAL stays bounded (\(extent) pages)")
        XCTAssertGreaterThan(extent, DeckStore.walAutocheckpointPages, "the queue's checkpoints did not run")
    }
}
