@testable import DeckStore
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A pack written through ``PackStaging`` (segments past the page cache) holds the same bytes as
/// one written object by object, whatever the order the puts arrive in and however they straddle
/// segments; its objects are readable in this process after ``PackWriter/flush()``; a write error
/// ends every put with it instead of a hang.
final class PackStagingTests: XCTestCase {
    var ws: DatasetsTestWorkspace!
    override func setUpWithError() throws { ws = try DatasetsTestWorkspace() }
    override func tearDown() { ws.cleanup() }

    /// Sizes from a few bytes to more than a segment, so pieces straddle two or three segments.
    func blob(_ i: Int) -> Data {
        let sizes = [3, 700, 65_536, 262_144, 1_000_001, PackStaging.segmentSize + 12_345, 2 * PackStaging.segmentSize + 1]
        return TestSplitMix64.bytes(seed: UInt64(1_000 + i), count: sizes[i % sizes.count] + i)
    }

    func testParallelPutsGiveTheBytesOfObjectByObjectWrites() throws {
        let objects = ws.store.objects
        // More than the buffers hold (6 × 8 MiB), so puts wait for segments to be written.
        let blobs = (0..<40).map(blob)
        XCTAssertGreaterThan(blobs.reduce(0) { $0 + $1.count }, 6 * PackStaging.segmentSize)
        let ids = blobs.map { ObjectID.of($0) }
        let writer = PackWriter(store: objects, stagesPastCache: true)
        let failures = LockedCount()
        DispatchQueue.concurrentPerform(iterations: ids.count) { i in
            do { if try !blobs[i].withUnsafeBytes({ try writer.put($0, as: ids[i]) }) { failures.add() } } catch { failures.add() }
        }
        XCTAssertEqual(failures.value, 0)
        try writer.flush()
        for (i, id) in ids.enumerated() { XCTAssertEqual(try objects.read(id), blobs[i], "object \(i) readable before commit") }
        try writer.commit()

        let packs = try FileManager.default.contentsOfDirectory(atPath: objects.packs.folder).filter { $0.hasSuffix(".pack") }
        XCTAssertEqual(packs.count, 1, "\(packs)")
        let packPath = objects.packs.folder + "/" + packs[0]
        let pack = try Data(contentsOf: URL(fileURLWithPath: packPath))
        XCTAssertEqual(pack.count, PackWriter.magic.count + blobs.reduce(0) { $0 + $1.count }, "no padding left at the end")
        XCTAssertEqual(Array(pack.prefix(8)), PackWriter.magic)
        let fresh = ObjectStore(root: objects.root, temporary: objects.temporary)
        for (i, id) in ids.enumerated() {
            let location = try XCTUnwrap(fresh.packs.locate(PackKey(id), rescan: true))
            XCTAssertEqual(pack.subdata(in: Int(location.offset)..<Int(location.offset + location.length)), blobs[i])
        }
        XCTAssertTrue(try StoreChecker(store: try DeckStore.open(ws.store.workspace)).check().isHealthy)
    }

    /// Flushed in the middle: the last segment is written padded, then filled by later puts and
    /// written again whole; every object stays readable and the committed pack has their bytes.
    func testPutsAfterAFlushFillTheSameSegmentAndTheNext() throws {
        let objects = ws.store.objects
        let writer = PackWriter(store: objects, stagesPastCache: true)
        var stored: [(ObjectID, Data)] = []
        for round in 0..<3 {
            for i in 0..<4 {
                let b = blob(10 * round + i)
                _ = try b.withUnsafeBytes { try writer.put($0, as: ObjectID.of(b)) }
                stored.append((ObjectID.of(b), b))
            }
            try writer.flush()
            try writer.flush()   // nothing new: writes nothing, changes nothing
            for (id, b) in stored { XCTAssertEqual(try objects.read(id), b, "round \(round)") }
        }
        try writer.commit()
        let fresh = ObjectStore(root: objects.root, temporary: objects.temporary)
        for (id, b) in stored { XCTAssertEqual(try fresh.read(id), b) }
        XCTAssertTrue(try StoreChecker(store: try DeckStore.open(ws.store.workspace)).check().isHealthy)
    }

    /// Where the filesystem takes `O_DIRECT` and does not keep files in memory anyway (ext4, xfs;
    /// not tmpfs), a committed pack leaves none of its pages in the page cache: that is the point.
    func testADirectPackLeavesNoPagesCached() throws {
        let objects = ws.store.objects
        try XCTSkipIf(FileSystemKind.type(of: objects.root.path) == "tmpfs", "tmpfs: its files live in the page cache")
        let path = objects.root.path + "/probe"
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let probe = PackStaging(fd: fd, path: path) { _, _, _ in }
        try Data(count: PackStaging.alignment).withUnsafeBytes { try probe.put($0, at: 0, key: nil) }
        try probe.flush(end: UInt64(PackStaging.alignment))   // one aligned write, direct if accepted
        let direct = probe.writesDirect
        probe.stop(); close(fd); unlink(path)
        try XCTSkipUnless(direct, "this filesystem refuses O_DIRECT: segments go through the page cache")

        let blobs = (0..<12).map(blob)
        let writer = PackWriter(store: objects, stagesPastCache: true)
        for b in blobs { _ = try b.withUnsafeBytes { try writer.put($0, as: ObjectID.of(b)) } }
        try writer.commit()
        let name = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: objects.packs.folder).first { $0.hasSuffix(".pack") })
        let packFD = open(objects.packs.folder + "/" + name, O_RDONLY)
        defer { close(packFD) }
        let size = Int(lseek(packFD, 0, SEEK_END))
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let map = try XCTUnwrap(mmap(nil, size, PROT_READ, MAP_SHARED, packFD, 0))
        defer { munmap(map, size) }
        var resident = [UInt8](repeating: 0, count: (size + page - 1) / page)
        XCTAssertEqual(mincore(map, size, &resident), 0)
        let cached = resident.filter { $0 & 1 != 0 }.count
        // The last page was written padded, then cut by the truncate: it may stay cached.
        XCTAssertLessThanOrEqual(cached, 2, "\(cached) of \(resident.count) pages of the pack are cached")
    }

    /// A descriptor that refuses writes: the writing threads fail, every waiting put and the flush
    /// throw the error, nothing hangs.
    func testAWriteErrorEndsEveryPutAndTheFlush() throws {
        let path = ws.file("refusing.pack")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        let staging = PackStaging(fd: fd, path: path, bufferCount: 2, writers: 2) { _, _, _ in }
        defer { staging.stop() }
        let piece = TestSplitMix64.bytes(seed: 3, count: 1 << 20)
        let pieces = 8 * PackStaging.segmentSize / piece.count   // 4 times what the buffers hold
        let errors = LockedCount(), ended = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: pieces) { i in
                do {
                    try piece.withUnsafeBytes { try staging.put($0, at: UInt64(i * piece.count), key: nil) }
                } catch ObjectStoreError.io(path: path, operation: "write", errno: _) {
                    errors.add()
                } catch {
                    XCTFail("\(error)")
                }
            }
            ended.signal()
        }
        guard ended.wait(timeout: .now() + 60) == .success else { return XCTFail("puts still waiting after 60 s") }
        XCTAssertGreaterThan(errors.value, 0, "puts past the full buffers saw the error")
        XCTAssertThrowsError(try staging.flush(end: UInt64(pieces * piece.count))) { error in
            guard case ObjectStoreError.io(path, "write", _) = error else { return XCTFail("\(error)") }
        }
    }
}
