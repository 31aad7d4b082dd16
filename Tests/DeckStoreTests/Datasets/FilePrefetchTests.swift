import Foundation
import XCTest
@testable import DeckStore
#if canImport(Glibc)
import Glibc
#endif

/// ``FilePrefetch`` walks a folder add's files ahead of the workers, never more than its window in
/// front of the furthest file taken, never blocks on a FIFO, and stops when told.
final class FilePrefetchTests: XCTestCase {
    func testItStaysItsWindowAheadOfTheWorkersAndSkipsWhatItCannotRead() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("prefetch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var paths: [String] = []
        for i in 0..<40 {
            let url = root.appendingPathComponent("f\(i)")
            try Data(repeating: UInt8(i), count: 100 + i).write(to: url)
            paths.append(url.path)
        }
        let fifo = root.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        paths[3] = fifo                                            // must not block the walk
        paths[4] = root.appendingPathComponent("missing").path     // skipped
        try Data(repeating: 1, count: 3_000).write(to: URL(fileURLWithPath: paths[5]))   // over the limit: skipped

        let seen = SeenIndexes()
        let prefetch = FilePrefetch(paths: paths, sizeLimit: 2_000, ahead: 5, hinted: { seen.add($0, $1) })
        // 31 reads from the page cache with 7 slow ones among them (workers preempted): nothing.
        for i in 0..<31 { prefetch.reached(0, seconds: i % 4 == 0 && i < 28 ? 0.01 : 0.000_01) }
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertEqual(seen.values, [], "a few slow reads among many fast ones start nothing")
        prefetch.reached(0, seconds: 0.000_01)   // the 32nd: a new count begins
        for _ in 0..<7 { prefetch.reached(0, seconds: 0.01) }
        XCTAssertEqual(seen.values, [])
        prefetch.reached(1, seconds: 0.01)   // the 8th slow one in a row of 32: the folder is cold
        XCTAssertTrue(seen.wait(count: 5), "files 2…6 hinted")
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertEqual(seen.values, Array(2...6), "from the next file on, no further than the window")
        prefetch.reached(20, seconds: 0)
        XCTAssertTrue(seen.wait(count: 24))
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertEqual(seen.values, Array(2...25), "up to the furthest file taken plus the window")
        XCTAssertEqual(seen.skipped, [3, 4, 5], "the FIFO, the missing file and the large one are not hinted")
        prefetch.stop()
        XCTAssertEqual(seen.values.count, 24, "stopped while waiting")
    }

    func testStopWithoutProgressAndPastTheEnd() {
        let done = SeenIndexes()
        let idle = FilePrefetch(paths: ["/nonexistent/a"], sizeLimit: 1 << 20)
        idle.stop()   // never started: returns at once
        let prefetch = FilePrefetch(paths: ["/nonexistent/a", "/nonexistent/b", "/nonexistent/c"], sizeLimit: 1 << 20, ahead: 8,
                                    hinted: { done.add($0, $1) })
        for _ in 0..<FilePrefetch.slowReadsToStart { prefetch.reached(0, seconds: 1) }
        XCTAssertTrue(done.wait(count: 2), "every path after the first visited, unreadable ones skipped")
        prefetch.stop()
        XCTAssertEqual(done.values, [1, 2])
        XCTAssertEqual(done.skipped, [1, 2])
    }
}

private final class SeenIndexes: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSCondition()
    private var seen: [Int] = [], notHinted: [Int] = []
    func add(_ i: Int, _ hinted: Bool) {
        lock.lock(); seen.append(i); if !hinted { notHinted.append(i) }; lock.broadcast(); lock.unlock()
    }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return seen }
    var skipped: [Int] { lock.lock(); defer { lock.unlock() }; return notHinted }
    func wait(count: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let deadline = Date().addingTimeInterval(5)
        while seen.count < count { if !lock.wait(until: deadline) { return false } }
        return true
    }
}
