import DeckStore
import DeckTestSupport
import XCTest
@testable import DeckServe

final class PredictionLogWriterTests: XCTestCase {
    func batch(_ n: Int, _ tag: String) -> PredictionBatch {
        PredictionBatch(model: "m", version: 1, time: Date().timeIntervalSince1970, latencies: Array(repeating: 0.001, count: n), classes: nil,
                        columns: [LoggedColumn(name: "x", values: .numbers(Array(repeating: 1, count: n)))],
                        rows: (0..<n).map { LoggedPrediction(id: "\(tag)-\($0)", callerID: nil, label: nil, value: 1, probabilities: nil) })
    }

    func testAFullQueueDropsAndCountsRowsAndAStopFlushesTheRest() throws {
        let workspace = try TemporaryWorkspace()
        defer { workspace.cleanup() }
        let log = try PredictionLog.open(workspace.store.workspace)
        // Not started: nothing is written, so the queue fills.
        let writer = PredictionLogWriter(log: log, capacity: 10)
        XCTAssertTrue(writer.enqueue(batch(4, "a")))
        XCTAssertTrue(writer.enqueue(batch(6, "b")))
        XCTAssertFalse(writer.enqueue(batch(1, "c")))
        XCTAssertFalse(writer.enqueue(batch(50, "d")))
        XCTAssertEqual(writer.counts.dropped, 51)
        writer.start()
        writer.stopAndFlush()
        XCTAssertEqual(writer.counts.logged, 10)
        XCTAssertEqual(try log.counts().predictions, 10)
        XCTAssertEqual(try log.counts().batches, 1, "consecutive requests of one version are one batch")
        XCTAssertFalse(writer.enqueue(batch(1, "e")), "a stopped writer takes nothing")
    }

    func testWithoutALogNothingIsQueuedOrDropped() {
        let writer = PredictionLogWriter(log: nil)
        XCTAssertTrue(writer.enqueue(batch(3, "a")))
        XCTAssertEqual(writer.counts.dropped, 0)
        XCTAssertFalse(writer.isEnabled)
        writer.stopAndFlush()
    }

    /// The address of a batch's first column's storage.
    private func storage(_ batch: PredictionBatch) -> UnsafeRawPointer? {
        guard case .numbers(let values) = batch.columns[0].values else { return nil }
        return values.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    func testMergingAppendsToTheColumnInPlace() {
        var values: [Double] = []
        values.reserveCapacity(1_000)
        values.append(1)
        var merged = PredictionBatch(model: "m", version: 1, time: 0, latencies: [0.001], classes: nil,
                                     columns: [LoggedColumn(name: "x", values: .numbers(values))],
                                     rows: [LoggedPrediction(id: "a-0", callerID: nil, label: nil, value: 1, probabilities: nil)])
        values = []
        let before = storage(merged)
        XCTAssertNotNil(before)
        for k in 0..<10 { merged.merge(batch(1, "b\(k)")) }
        XCTAssertEqual(storage(merged), before, "a merge copied the column instead of appending to it")
        XCTAssertEqual(merged.columns[0].values.count, 11)
        XCTAssertEqual(merged.rows.count, 11)
        XCTAssertEqual(merged.latencies.count, 11)
    }

    func testARoundOfManyOneRowRequestsMergesInLinearTime() {
        // 20,000 one-row requests with 5 columns, as a writer's round under load. Copying the
        // growing batch on every merge (the bug this guards) takes minutes here; in place, well
        // under a second even in a debug build.
        let columns = (0..<5).map { LoggedColumn(name: "c\($0)", values: .numbers([Double($0)])) }
        let requests = (0..<20_000).map { k in
            PredictionBatch(model: "m", version: 1, time: Double(k), latencies: [0.001], classes: nil, columns: columns,
                            rows: [LoggedPrediction(id: "p\(k)", callerID: nil, label: nil, value: 1, probabilities: nil)])
        }
        let start = Date()
        let merged = PredictionLogWriter.merged(requests)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(merged.count, 1)
        XCTAssertEqual(merged[0].rows.count, 20_000)
        XCTAssertEqual(merged[0].rows.last?.id, "p19999")
        XCTAssertEqual(merged[0].columns.map(\.values.count), Array(repeating: 20_000, count: 5))
        XCTAssertLessThan(seconds, 5, "merging one round took \(seconds) s")
    }

    /// A trim is due twice a second only while the log fills fast or the last trim was cut short;
    /// otherwise once a minute (finding the cut scans every batch kept).
    func testTrimsAreOftenOnlyWhileTheLogFillsFast() {
        let clock = PredictionLogWriter.TrimClock(last: 100, loggedAtLast: 1_000, behind: false)
        XCTAssertFalse(clock.isDue(now: 100.6, logged: 1_000 + 49_999), "quiet: not yet")
        XCTAssertTrue(clock.isDue(now: 100.6, logged: 1_000 + 50_000), "busy: twice a second")
        XCTAssertFalse(clock.isDue(now: 100.4, logged: 1_000 + 500_000), "never sooner than half a second")
        XCTAssertTrue(clock.isDue(now: 160, logged: 1_000), "quiet: once a minute")
        XCTAssertTrue(PredictionLogWriter.TrimClock(last: 100, loggedAtLast: 1_000, behind: true).isDue(now: 100.5, logged: 1_000),
                      "the last trim was cut short by its budget")
        XCTAssertTrue(PredictionLogWriter.TrimClock().isDue(now: 100, logged: 0), "the first round trims")
    }
}
