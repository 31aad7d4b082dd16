import DeckTestSupport
import Foundation
import GRDB
import XCTest
@testable import DeckStore

/// The prediction log's WAL is checkpointed by its ``WALCheckpointer``, not by the writer's commit
/// (a checkpoint's copy and two `fdatasync`s stalled the serving writer long enough to drop rows).
final class PredictionLogCheckpointTests: XCTestCase {
    var workspace: TemporaryWorkspace!

    override func setUpWithError() throws { workspace = try TemporaryWorkspace() }
    override func tearDown() { workspace?.cleanup() }

    private func fileBytes(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// `count` batches of 1,000 rows with 20 number columns: ~160 KB of inputs each (3 of the log's 64 KiB pages).
    private func batches(_ count: Int, from start: Int) -> [PredictionBatch] {
        (0..<count).map { b in
            let ids = (0..<1_000).map { "b\(start + b)-\($0)" }
            return PredictionBatch(model: "m", version: 1, time: Double(start + b), latencies: ids.map { _ in 0.001 }, classes: nil,
                                   columns: (0..<20).map { c in LoggedColumn(name: "x\(c)", values: .numbers(ids.indices.map { Double($0 * c) })) },
                                   rows: ids.map { LoggedPrediction(id: $0, callerID: nil, label: nil, value: 0.5, probabilities: nil) })
        }
    }

    func testTheWritersCommitsLeaveCheckpointsToTheCheckpointer() throws {
        let path = workspace.root.appendingPathComponent("log.sqlite").path
        let log = try PredictionLog.open(path: path, busyTimeout: 10, checkpointPages: 20)
        log.checkpointer.drain()
        let start = fileBytes(path)
        log.checkpointer.suspendQueue()
        for k in 0..<12 { try log.write(batches(1, from: k)) }   // ~40 pages: past 20, under the writer's own 160
        XCTAssertEqual(fileBytes(path), start, "the writer did not checkpoint: only its WAL grew")
        XCTAssertGreaterThan(fileBytes(path + "-wal"), 20 * 65_536)
        log.checkpointer.resumeQueue()
        log.checkpointer.drain()
        XCTAssertGreaterThan(fileBytes(path) - start, 20 * 65_536, "the checkpointer copied the pages into the file")
        XCTAssertEqual(try log.counts().predictions, 12_000)
    }

    func testAWriterFarAheadOfItsCheckpointsCheckpointsItself() throws {
        let path = workspace.root.appendingPathComponent("log.sqlite").path
        let log = try PredictionLog.open(path: path, busyTimeout: 10, checkpointPages: 5)
        log.checkpointer.close()   // the queue checkpoints nothing from here on
        for k in 0..<40 { try log.write(batches(1, from: k)) }   // ~130 pages, back pressure at 40
        let walPages = fileBytes(path + "-wal") / (65_536 + 24)
        XCTAssertLessThan(walPages, 40 + 16, "the WAL stays bounded: 40 pages and one commit's (\(walPages) pages)")
        XCTAssertEqual(try PredictionLog.open(path: path).counts().predictions, 40_000)
    }
}
