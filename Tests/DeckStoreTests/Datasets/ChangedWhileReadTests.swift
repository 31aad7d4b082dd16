@testable import DeckStore
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A source changed while `datasets add` reads it fails cleanly with `changedWhileRead`, never a
/// mix of bytes, and a file that shrinks mid-read is never a SIGBUS (it was, when the file was mapped).
/// The writer's `afterRead` hook changes the file between reads (a large file's later blocks may
/// have been read ahead already: the change is then caught by a short read or by the identity check).
final class ChangedWhileReadTests: XCTestCase {
    /// Writes `count` pseudo-random CSV-ish bytes to `path`.
    func writeLarge(_ path: String, count: Int) throws {
        var rng = TestSplitMix64(seed: 7)
        var bytes = [UInt8](repeating: 0, count: count)
        for i in 0..<count { bytes[i] = i % 64 == 63 ? 0x0A : UInt8(0x30 + Int(rng.next() % 10)) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func assertChanged(_ body: () throws -> Void, path: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? DatasetError, .changedWhileRead(path), "\(error)", file: file, line: line)
            XCTAssertTrue("\(error)".contains("the file changed while it was read"), "\(error)", file: file, line: line)
            XCTAssertTrue("\(error)".contains(path), "\(error)", file: file, line: line)
        }
    }

    func testSmallFileRewrittenSameSizeWhileReadIsRefused() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let path = ws.file("t.csv")
        try Data("x\n0.5\n0.7\n".utf8).write(to: URL(fileURLWithPath: path))
        let writer = DatasetContentWriter(objects: ws.store.objects)
        writer.afterRead = { p, _ in
            // An editor saving in place: same size, other bytes.
            let fd = open(p, O_WRONLY)
            _ = "x\n2.1\n0.7\n".withCString { write(fd, $0, 10) }
            close(fd)
        }
        assertChanged({ _ = try writer.storeFile(at: path) }, path: path)
    }

    func testFileReplacedByRenameWhileReadIsRefused() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let path = ws.file("t.csv")
        try Data("x\n0.5\n".utf8).write(to: URL(fileURLWithPath: path))
        let writer = DatasetContentWriter(objects: ws.store.objects)
        writer.afterRead = { p, _ in try? Data("x\n9.9\n".utf8).write(to: URL(fileURLWithPath: p), options: .atomic) }
        assertChanged({ _ = try writer.storeFile(at: path) }, path: path)
    }

    /// 24 MB through the streaming pipeline, truncated to 1 MB as its first block is cut: with `mmap`
    /// the next window's pages were past the end of the file and the process died by SIGBUS.
    func testLargeFileShrinkingWhileReadIsRefusedNotSIGBUS() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let path = ws.file("big.csv")
        try writeLarge(path, count: 24 << 20)
        let writer = DatasetContentWriter(objects: ws.store.objects)
        writer.afterRead = { p, done in if done < 24 << 20 { truncate(p, 1 << 20) } }
        assertChanged({ _ = try writer.storeFile(at: path) }, path: path)
    }

    func testLargeFileGrowingWhileReadIsRefused() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let path = ws.file("big.csv")
        try writeLarge(path, count: 12 << 20)
        let writer = DatasetContentWriter(objects: ws.store.objects)
        writer.afterRead = { p, _ in
            let fd = open(p, O_WRONLY | O_APPEND)
            _ = "9,9\n".withCString { write(fd, $0, 4) }
            close(fd)
        }
        assertChanged({ _ = try writer.storeFile(at: path) }, path: path)
    }

    func testFolderMemberChangedWhileReadIsRefused() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let folder = ws.file("data")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("a\n1\n".utf8).write(to: URL(fileURLWithPath: folder + "/a.csv"))
        let writer = DatasetContentWriter(objects: ws.store.objects)
        writer.afterRead = { p, _ in truncate(p, 1) }
        assertChanged({ _ = try writer.storeDirectory(at: folder) }, path: folder + "/a.csv")
    }

    func testUnchangedLargeFileStoresAsBefore() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let path = ws.file("big.csv")
        try writeLarge(path, count: 12 << 20)
        let content = try DatasetContentWriter.committed(ws.store.objects) { try $0.storeFile(at: path) }
        XCTAssertEqual(content.logicalBytes, 12 << 20)
        XCTAssertEqual(content.kind, .recipe)
        let chunks = try DatasetContentReader(objects: ws.store.objects).chunks(of: content.contentHash, isRecipe: true, size: content.logicalBytes)
        XCTAssertNil(CachedContentCheck.mismatch(file: path, chunks: chunks))
    }

    func testFIFOIsRefusedWithoutBlocking() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let path = ws.file("f.csv")
        XCTAssertEqual(mkfifo(path, 0o644), 0)
        let objects = ws.store.objects
        let outcome = FIFOOutcome()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do { _ = try DatasetContentWriter(objects: objects).storeFile(at: path); outcome.set("stored") } catch { outcome.set("\(error)") }
            done.signal()
        }
        if done.wait(timeout: .now() + 5) == .timedOut {
            // Unblock the reader stuck in open() so the test process can end, then fail.
            let fd = open(path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
            _ = done.wait(timeout: .now() + 5)
            return XCTFail("storeFile blocked on a FIFO with no writer")
        }
        XCTAssertTrue(outcome.get().contains("FIFO"), outcome.get())
    }
}

/// What a background attempt ended with.
final class FIFOOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func set(_ t: String) { lock.lock(); text = t; lock.unlock() }
    func get() -> String { lock.lock(); defer { lock.unlock() }; return text }
}
