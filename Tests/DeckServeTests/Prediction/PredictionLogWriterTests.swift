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
}
