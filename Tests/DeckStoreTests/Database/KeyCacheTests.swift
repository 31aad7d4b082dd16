@testable import DeckStore
import GRDB
import XCTest

/// KeyCache registers at most one transaction observer per transaction (issue 9: a 2,000-run
/// `createRuns` used to build one observer per reuse of a new key, a quadratic cost), and a key
/// created in a rolled-back transaction is never served from the cache.
final class KeyCacheTests: XCTestCase {
    var ws: TestWorkspace!
    override func setUpWithError() throws { ws = try TestWorkspace() }
    override func tearDown() { ws.cleanup() }

    private struct Abort: Error {}

    func testOneObserverPerTransactionForManyRunsSharingNewKeys() throws {
        let store = ws.store
        let params = Dictionary(uniqueKeysWithValues: (0..<10).map { ("p\($0)", "\($0)") })
        let starts = (0..<500).map { RunStart(name: "r\($0)", experiment: "keys", params: params) }
        let before = store.keyCache.observersRegistered
        _ = try store.createRuns(starts)
        XCTAssertEqual(store.keyCache.observersRegistered - before, 1,
                       "one observer for the transaction, not one per run x key (was ~5,000 here)")
        // Committed keys are served from the cache: a second batch registers no observer at all.
        _ = try store.createRuns(Array(starts.prefix(50)).map { RunStart(name: "s-\($0.name ?? "")", experiment: "keys", params: params) })
        XCTAssertEqual(store.keyCache.observersRegistered - before, 1)
        XCTAssertEqual(try store.runDetails("r499").params, params)
    }

    func testKeyCreatedInRolledBackTransactionIsNotCached() throws {
        let store = ws.store
        var ghostID: Int64 = 0
        XCTAssertThrowsError(try store.writeImmediate { db -> Int in
            ghostID = try store.keyCache.id(for: "ghost", in: db)
            XCTAssertEqual(try store.keyCache.id(for: "ghost", in: db), ghostID, "reused within its transaction")
            throw Abort()
        })
        XCTAssertNil(try store.database.read { db in try store.keyCache.existingID(for: "ghost", in: db) },
                     "the rolled-back key is neither in the table nor in the cache")
        // The freed id goes to the next new key; a stale cache would file `ghost` under `aaa`.
        let run = try store.createRun(RunStart(name: "after", experiment: "keys", params: ["aaa": "1"]))
        let aaaID = try store.database.read { db in try store.keyCache.existingID(for: "aaa", in: db) }
        XCTAssertEqual(aaaID, ghostID, "SQLite reuses the rolled-back id (INTEGER PRIMARY KEY)")
        try store.logParams(["ghost": "2"], run: run)
        XCTAssertEqual(try store.runDetails("after").params, ["aaa": "1", "ghost": "2"])
    }
}
