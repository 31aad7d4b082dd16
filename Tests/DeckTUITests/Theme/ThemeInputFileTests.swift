@testable import DeckTUI
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A theme path that is a FIFO or a folder falls back to the default theme with an error naming it,
/// at once (reading a FIFO with no writer used to block the dashboard's start forever).
final class ThemeInputFileTests: XCTestCase {
    func testFIFOAndFolderThemesAreRefusedAtOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("theme-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder.theme"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe.theme").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let box = ThemeOutcome()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.set(ThemeCatalog.loadFile(fifo).errors.map { "\($0.kind)" }.joined())
            done.signal()
        }
        if done.wait(timeout: .now() + 5) == .timedOut {
            let fd = open(fifo, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
            _ = done.wait(timeout: .now() + 5)
            return XCTFail("loading a FIFO theme blocked")
        }
        XCTAssertTrue(box.get().contains("FIFO"), box.get())
        let folder = ThemeCatalog.loadFile(dir.appendingPathComponent("folder.theme").path)
        XCTAssertNil(folder.path)
        XCTAssertTrue(folder.errors.map { "\($0.kind)" }.joined().contains("a folder, not a regular file"), "\(folder.errors)")
        XCTAssertFalse("\(folder.errors)".contains("NSCocoaErrorDomain"))
    }
}

final class ThemeOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func set(_ t: String) { lock.lock(); text = t; lock.unlock() }
    func get() -> String { lock.lock(); defer { lock.unlock() }; return text }
}
