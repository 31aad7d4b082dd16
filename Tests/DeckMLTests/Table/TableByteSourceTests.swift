@testable import DeckML
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Table readers refuse a FIFO, device or folder at once (a plain `open` of a FIFO with no writer
/// blocks forever: `models predict some.fifo` hung), and can read from another byte source.
final class TableByteSourceTests: XCTestCase {
    /// Runs `body` on another thread; fails (and unblocks a reader stuck on `fifo`) when it takes over 5 s.
    func outcome(unblocking fifo: String, _ body: @escaping @Sendable () throws -> Void) -> String? {
        let box = OutcomeBox()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do { try body(); box.set("read") } catch { box.set("\(error)") }
            done.signal()
        }
        if done.wait(timeout: .now() + 5) == .timedOut {
            let fd = open(fifo, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
            _ = done.wait(timeout: .now() + 5)
            return nil
        }
        return box.get()
    }

    func testFIFOIsRefusedByEveryReader() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("deckml-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["in.csv", "in.jsonl"] {
            let fifo = dir.appendingPathComponent(name).path
            XCTAssertEqual(mkfifo(fifo, 0o644), 0)
            let readers: [(String, @Sendable () throws -> Void)] = [
                ("columns", { _ = try TableReader.columns(path: fifo) }),
                ("DataTable.load", { _ = try DataTable.load(path: fifo) }),
                ("profile", { _ = try TableProfiler.profile(path: fifo) }),
            ]
            for (what, body) in readers {
                guard let text = outcome(unblocking: fifo, body) else {
                    XCTFail("\(what) blocked on the FIFO \(name)"); continue
                }
                XCTAssertTrue(text.contains("FIFO") && text.contains("not a regular file"), "\(what) \(name): \(text)")
                XCTAssertTrue(text.contains(fifo), "\(what) \(name): \(text)")
            }
        }
    }

    func testFolderIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("deckml-folder-\(UUID().uuidString).csv")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try DataTable.load(path: dir.path)) { error in
            XCTAssertTrue("\(error)".contains("a folder, not a regular file"), "\(error)")
        }
    }

    func testReadsFromAGivenByteSource() throws {
        let bytes = Array("a,b\n1,x\n2,y\n".utf8)
        var options = TableReadOptions()
        options.byteSource = { _ in MemoryBytes(bytes) }
        var rows: [[String]] = []
        let summary = try TableReader.forEachRecord(path: "not-on-disk.csv", options: options) { record in
            rows.append(record.strings())
        }
        XCTAssertEqual(summary.columns, ["a", "b"])
        XCTAssertEqual(rows, [["1", "x"], ["2", "y"]])
        options.hasHeader = false
        XCTAssertEqual(try TableReader.columns(path: "not-on-disk.csv", options: options), ["column_1", "column_2"])
    }
}

/// Bytes in memory, handed out a few at a time.
final class MemoryBytes: TableByteSource {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        let n = min(count, bytes.count - offset, 3)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}

final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func set(_ t: String) { lock.lock(); text = t; lock.unlock() }
    func get() -> String { lock.lock(); defer { lock.unlock() }; return text }
}
