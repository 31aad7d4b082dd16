import Foundation
import GRDB
import XCTest

/// The workspace database write-locked by another process: a writing command says it is waiting
/// within a couple of seconds (never silent), gives up after `MLDECK_BUSY_TIMEOUT` with a message
/// naming the database and nothing recorded, finishes normally when the lock is released in
/// time, and reading commands are not held up at all (WAL readers do not wait for writers).
final class LockedDatabaseEndToEndTests: XCTestCase {
    var workspace: URL!
    var holder: WriteLockHolder?

    override func tearDownWithError() throws {
        holder?.release()
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    /// Another process's connection holding SQLite's write lock (`BEGIN IMMEDIATE`) until released,
    /// opened as every MLDeck process opens the database (a GRDB pool, which leaves a non-empty WAL).
    final class WriteLockHolder: @unchecked Sendable {
        private let held = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0), released = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var isReleased = false

        init(path: String) throws {
            let pool = try DatabasePool(path: path)
            DispatchQueue.global().async { [held, done, released] in
                try? pool.writeWithoutTransaction { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    held.signal()
                    released.wait()
                    try db.execute(sql: "ROLLBACK")
                }
                done.signal()
            }
            guard held.wait(timeout: .now() + 30) == .success else { throw NSError(domain: "lock", code: 1) }
        }

        func release() {
            lock.lock(); defer { lock.unlock() }
            guard !isReleased else { return }
            isReleased = true
            released.signal()
            _ = done.wait(timeout: .now() + 30)
        }
    }

    /// The number of the dataset's latest version (0 when there is none).
    func versions() throws -> Int {
        let list = (try CLI.json(["datasets", "list"], in: workspace) as? [[String: Any]]) ?? []
        return (list.first?["latest"] as? [String: Any])?["number"] as? Int ?? 0
    }

    func testAWriterWaitsAloudGivesUpCleanlyAndSucceedsOnceTheLockIsFree() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
        let csv = workspace.appendingPathComponent("d.csv")
        try "a,b\n1,2\n3,4\n".write(to: csv, atomically: true, encoding: .utf8)
        let database = workspace.appendingPathComponent(".mldeck/mldeck.sqlite").path
        let add = ["datasets", "add", "d", csv.path]

        holder = try WriteLockHolder(path: database)
        // Reading is not held up by another process's write lock.
        let started = Date()
        let list = try CLI.run(["datasets", "list"], in: workspace, environment: ["MLDECK_BUSY_TIMEOUT": "20"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "a read waited for the write lock")

        // A write gives up after the timeout, having said that it waits, and records nothing.
        let before = Date()
        let refused = try CLI.run(add, in: workspace, environment: ["MLDECK_BUSY_TIMEOUT": "3"])
        let waited = Date().timeIntervalSince(before)
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("waiting for another process's write lock on \(database)"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("held the write lock on \(workspace.path) for 3 s"), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("SQLITE") || refused.stderr.contains("database is locked"), refused.stderr)
        XCTAssertGreaterThanOrEqual(waited, 2.5, "gave up before the timeout")
        XCTAssertLessThan(waited, 60, "did not give up")
        holder?.release()
        XCTAssertEqual(try versions(), 0, "the refused add recorded something")
        XCTAssertTrue(try CLI.run(["fsck"], in: workspace).stdout.contains("OK"))

        // A lock released while the writer waits: it says it waits, then finishes normally.
        holder = try WriteLockHolder(path: database)
        let waiting = CLI.start(add, in: workspace)
        let errFile = workspace.appendingPathComponent("waiting.err")
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        waiting.standardError = try FileHandle(forWritingTo: errFile)
        waiting.standardOutput = FileHandle.nullDevice
        try waiting.run()
        Thread.sleep(forTimeInterval: 2.5)
        XCTAssertTrue(waiting.isRunning, "the add did not wait for the lock")
        holder?.release()
        waiting.waitUntilExit()
        let text = try String(contentsOf: errFile, encoding: .utf8)
        XCTAssertEqual(waiting.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("waiting for another process's write lock"), text)
        XCTAssertEqual(try versions(), 1)

        // A setting it cannot use is refused by name.
        let bad = try CLI.run(add, in: workspace, environment: ["MLDECK_BUSY_TIMEOUT": "soon"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("MLDECK_BUSY_TIMEOUT=soon is not valid"), bad.stderr)
    }
}
