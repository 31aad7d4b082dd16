@testable import DeckStore
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// ``WindowReader`` gives the file's bytes whichever way it reads them: straight from the disk
/// (`O_DIRECT`, at unaligned offsets and an unaligned end of file), from the page cache, or through
/// it where direct reads are off; and a file that ends sooner than asked is `changedWhileRead`.
final class WindowReaderTests: XCTestCase {
    static let size = 3 * 1_048_576 + 1_234  // the end of the file is not on a block boundary

    func writeInput(_ ws: DatasetsTestWorkspace) throws -> (path: String, bytes: Data) {
        let path = ws.file("input.bin")
        let bytes = TestSplitMix64.bytes(seed: 91, count: Self.size)
        try bytes.write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    /// Writes the file's pages to disk and drops them from the page cache (as far as the kernel
    /// agrees to), so that the direct path is the one taken.
    func evict(_ fd: Int32) {
        _ = fsync(fd)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
    }

    /// Reads `count` bytes at `offset` into a fresh aligned buffer and returns them.
    func read(_ reader: WindowReader, _ count: Int, at offset: Int) throws -> Data {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: count + WindowReader.slack, alignment: WindowReader.alignment)
        defer { buffer.deallocate() }
        let start = try reader.read(into: buffer, count: count, at: offset)
        XCTAssertTrue(start >= 0 && start < WindowReader.alignment, "start \(start)")
        return Data(bytes: buffer + start, count: count)
    }

    static let ranges: [(offset: Int, count: Int)] = [
        (0, 1_048_576), (1, 65_537), (4_095, 8_193), (1_048_576, 1_048_576),
        (size - 5_000, 5_000), (size - 1, 1), (777_777, size - 777_777),
    ]

    func testEveryWayOfReadingGivesTheFileBytes() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let (path, bytes) = try writeInput(ws)
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        for direct in [true, false] {
            for cached in [false, true] {
                let reader = WindowReader(fd: fd, path: path, direct: direct)
                defer { reader.close() }
                for (offset, count) in Self.ranges {
                    if cached { _ = try Data(contentsOf: URL(fileURLWithPath: path)) } else { evict(fd) }
                    XCTAssertEqual(try read(reader, count, at: offset), bytes.subdata(in: offset..<(offset + count)),
                                   "direct \(direct) cached \(cached) offset \(offset) count \(count)")
                }
            }
        }
    }

    /// On a file system with direct reads (ext4, the project's machines) the uncached path is
    /// taken; where it is not (tmpfs) the reader says so and reads through the page cache.
    func testDirectReadsAreUsedWhereTheFileSystemHasThem() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let (path, _) = try writeInput(ws)
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let probe = WindowReader.oDirect.map { open(path, O_RDONLY | $0) } ?? -1
        let supported = probe >= 0
        if probe >= 0 { close(probe) }
        XCTAssertTrue(WindowReader.residencyIsReported(fd), "the test's own file")
        let reader = WindowReader(fd: fd, path: path)
        defer { reader.close() }
        XCTAssertEqual(reader.readsDirect, supported, "O_DIRECT open of \(path): \(supported)")
        XCTAssertFalse(WindowReader(fd: fd, path: path, direct: false).readsDirect)
        guard reader.readsDirect else { return }
        // What decides between the two paths: evicted pages are not cached, read ones are.
        evict(fd)
        XCTAssertFalse(reader.isCached(Self.size, at: 0))
        XCTAssertFalse(reader.isCached(1_000, at: Self.size - 1_000))
        _ = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertTrue(reader.isCached(Self.size, at: 0))
        XCTAssertTrue(reader.isCached(1_000, at: Self.size - 1_000))
    }

    func testAFileEndingSoonerThanAskedChangedWhileRead() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let (path, _) = try writeInput(ws)
        let fd = open(path, O_RDWR)
        defer { close(fd) }
        for direct in [true, false] {
            let reader = WindowReader(fd: fd, path: path, direct: direct)
            defer { reader.close() }
            XCTAssertEqual(ftruncate(fd, off_t(Self.size - 10_000)), 0)
            evict(fd)
            XCTAssertThrowsError(try read(reader, 1_048_576, at: Self.size - 1_048_576), "direct \(direct)") { error in
                XCTAssertEqual(error as? DatasetError, .changedWhileRead(path), "\(error)")
            }
        }
    }
}
