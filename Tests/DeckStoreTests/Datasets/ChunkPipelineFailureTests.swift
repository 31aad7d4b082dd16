@testable import DeckStore
import Foundation
import XCTest

/// ``ChunkPipeline`` ends cleanly — an error, no hang, no crash of its read-ahead thread or of
/// libdispatch over its semaphores — when a block's chunks cannot be stored, or a block past the
/// first cannot be read, while the read-ahead thread holds blocks not yet cut.
final class ChunkPipelineFailureTests: XCTestCase {
    static let size = 3 * 1_048_576

    func input(_ ws: DatasetsTestWorkspace) throws -> String {
        let path = ws.file("input.bin")
        try TestSplitMix64.bytes(seed: 5, count: Self.size).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testAStoreThatRefusesWritesEndsTheRunWithItsError() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let path = try input(ws)
        let readOnly = ObjectStore(root: ws.store.objects.root, temporary: ws.store.objects.root, readOnly: true)
        for readsDirect in [true, false] {
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            let pipeline = ChunkPipeline(objects: readOnly, writer: PackWriter(store: readOnly), window: 1 << 16, inFlight: 2, readsDirect: readsDirect)
            XCTAssertThrowsError(try pipeline.run(fd: fd, path: path, progress: nil), "direct \(readsDirect)") { error in
                XCTAssertEqual(error as? ObjectStoreError, .readOnly(path: ws.store.objects.root.path), "\(error)")
            }
        }
    }

    /// Truncated when the first block is taken up: with two buffers the read-ahead thread can
    /// have read the second block already, never the third, whose read then comes up short.
    func testABlockThatCannotBeReadEndsTheRunAsChangedWhileRead() throws {
        for readsDirect in [true, false] {
            let ws = try DatasetsTestWorkspace()
            defer { ws.cleanup() }
            let path = try input(ws)
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            let pipeline = ChunkPipeline(objects: ws.store.objects, writer: PackWriter(store: ws.store.objects), window: 1 << 16, inFlight: 2,
                                         readsDirect: readsDirect)
            var calls = 0
            XCTAssertThrowsError(try pipeline.run(fd: fd, path: path, progress: nil, afterRead: { _ in
                calls += 1
                if calls == 1 { XCTAssertEqual(truncate(path, 100_000), 0) }
            }), "direct \(readsDirect)") { error in
                XCTAssertEqual(error as? DatasetError, .changedWhileRead(path), "\(error)")
            }
            XCTAssertLessThanOrEqual(calls, 2, "blocks taken up after the truncation")
        }
    }
}
