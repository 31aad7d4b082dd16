@testable import DeckStore
import Foundation
import GRDB
import XCTest

/// What creating a run costs the database (issue 9: `create_runs_per_s`): the pages it writes
/// to the WAL, the indexes it touches, the transaction statements it prepares; and the v8
/// migration that made the run indexes leaner keeps the lookups they serve on an index.
final class RunWriteCostTests: XCTestCase {
    var ws: TestWorkspace!
    override func setUpWithError() throws { ws = try TestWorkspace() }
    override func tearDown() { ws.cleanup() }

    private func start(_ i: Int) -> RunStart {
        var params: [String: String] = [:]
        for p in 0..<10 { params["p\(p)"] = "\(i % (p + 2))" }
        let metrics = (0..<5).map { MetricPoint(key: "m\($0)", value: Double(i % 97) / 97, step: 0, timestamp: 1_700_000_000) }
        return RunStart(name: "r\(i)", params: params, metrics: metrics)
    }

    /// WAL frames (pages) written by `count` runs created one transaction each, after a warm-up.
    /// Keep `count` × ~23 pages under the 1,000-page auto-checkpoint, which would reset the count.
    private func framesPerRun(_ store: DeckStore, _ count: Int) throws -> Double {
        for i in 0..<200 { _ = try store.createRun(start(i)) }
        store.checkpointer?.drain()   // a checkpoint still queued would reset the count below
        try store.database.writeWithoutTransaction { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        for i in 200..<(200 + count) { _ = try store.createRun(start(i)) }
        let frames = try store.database.writeWithoutTransaction { db in
            try XCTUnwrap(Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)"))[1] as Int
        }
        return Double(frames) / Double(count)
    }

    func testCreatingARunWritesFewerPagesThanWithTheV7Indexes() throws {
        let lean = try framesPerRun(ws.store, 30)
        // The same on a workspace given back v7's two full indexes.
        let old = try TestWorkspace()
        defer { old.cleanup() }
        try old.store.writeImmediate { db in
            try db.execute(sql: """
                DROP INDEX runs_active; DROP INDEX runs_by_parent;
                CREATE INDEX runs_by_status ON runs(status); CREATE INDEX runs_by_parent ON runs(parent_run_id);
                """)
        }
        let full = try framesPerRun(old.store, 30)
        // Measured here: 22.4 pages a run against 23.2 (a 200-run workspace; params and metric
        // summaries take most: one (key, value) index page per key). These runs are RUNNING, so
        // they still enter runs_active; a run without a parent no longer writes a parent entry.
        XCTAssertGreaterThanOrEqual(full - lean, 0.7, "v8 saves the parent index page (\(full) -> \(lean))")
        XCTAssertLessThanOrEqual(lean, 23, "pages written per created run (each a WAL frame of two writes)")
        XCTAssertGreaterThan(lean, 5, "the measurement itself works")
    }

    /// v10: without `params_by_value` a run with 10 params writes ~10 pages fewer (one per param
    /// key), and ordering by a param sorts to the same answer the index walk gave.
    func testParamValueIndexIsGoneAndOrderingByAParamStillWorks() throws {
        let lean = try framesPerRun(ws.store, 30)
        let indexed = try TestWorkspace()
        defer { indexed.cleanup() }
        try indexed.store.writeImmediate { db in try db.execute(sql: "CREATE INDEX params_by_value ON params(key_id, value)") }
        let withIndex = try framesPerRun(indexed.store, 30)
        XCTAssertGreaterThanOrEqual(withIndex - lean, 4, "the (key, value) index cost a page per param key (\(withIndex) -> \(lean))")
        XCTAssertNil(try ws.store.database.read { db in
            try String.fetchOne(db, sql: "SELECT name FROM sqlite_master WHERE name = 'params_by_value'")
        })
        // p3 takes the values 0...4 (i % 5); runs without p3 come last; ties newest first.
        _ = try ws.store.createRun(RunStart(name: "no-p3", params: ["other": "x"]))
        let ordered = try ws.store.listRuns(RunQuery(orderBy: try RunOrder.parseList("params.p3"), limit: 300))
        let values = ordered.map { $0.params["p3"] }
        XCTAssertEqual(values.last, .some(nil), "the run without the param is last")
        let present = values.compactMap { $0 }
        XCTAssertEqual(present.count, 230)
        XCTAssertEqual(present, present.sorted(), "ascending by the param's value")
        let descending = try ws.store.listRuns(RunQuery(orderBy: try RunOrder.parseList("params.p3 DESC"), limit: 5))
        XCTAssertEqual(descending.map { $0.params["p3"] }, Array(repeating: "4", count: 5))
        // Two keys: the second orders the ties of the first (each key its own LEFT JOIN).
        let two = try ws.store.listRuns(RunQuery(orderBy: try RunOrder.parseList("params.p3 DESC, params.p2"), limit: 20))
        XCTAssertEqual(Set(two.map { $0.params["p3"] }), ["4"])
        let p2 = two.compactMap { $0.params["p2"] }
        XCTAssertEqual(p2.count, 20)
        XCTAssertEqual(p2, p2.sorted())
        XCTAssertGreaterThan(Set(p2).count, 1, "the second key has ties to order")
        // A param after a walked metric key: the walk's ties are ordered through the same join.
        let walked = try ws.store.listRuns(RunQuery(orderBy: try RunOrder.parseList("metrics.m0, params.p3 DESC"), limit: 12))
        let pairs = walked.map { ($0.metrics["m0"] ?? -1, $0.params["p3"] ?? "") }
        XCTAssertEqual(pairs.map(\.0), pairs.map(\.0).sorted())
        let tied = pairs.filter { $0.0 == pairs[0].0 }.map(\.1)
        XCTAssertGreaterThan(tied.count, 1, "m0 = i % 97 / 97 has ties among 230 runs")
        XCTAssertEqual(tied, tied.sorted(by: >))
    }

    func testRunIndexesAreTheLeanSet() throws {
        let indexes = try ws.store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL ORDER BY name")
                .map { ($0[0] as String, $0[1] as String) }
        }
        XCTAssertEqual(indexes.map(\.0), ["runs_active", "runs_by_name", "runs_by_parent", "runs_by_start"])
        XCTAssertTrue(indexes.first { $0.0 == "runs_by_parent" }!.1.contains("WHERE parent_run_id IS NOT NULL"))
        XCTAssertTrue(indexes.first { $0.0 == "runs_active" }!.1.contains("WHERE status IN ('RUNNING','QUEUED')"))
    }

    /// The reaper's query, children of a run and name lookups still use an index.
    func testLookupsStillUseTheirIndexes() throws {
        func plan(_ sql: String) throws -> String {
            try ws.store.database.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: " | ")
            }
        }
        XCTAssertTrue(try plan("SELECT r.id FROM runs r WHERE r.status IN ('RUNNING','QUEUED') AND r.owner_pid IS NOT NULL").contains("runs_active"))
        XCTAssertTrue(try plan("SELECT id FROM runs r WHERE r.parent_run_id = (SELECT id FROM runs WHERE uuid = 'x')").contains("runs_by_parent"))
        XCTAssertTrue(try plan("SELECT id FROM runs r WHERE r.name = 'x' ORDER BY r.start_time DESC LIMIT 20").contains("runs_by_name"))
    }

    /// A filter on an active status reaches the partial index; the answer is the same.
    func testActiveStatusFilterUsesTheActiveIndex() throws {
        let store = ws.store
        _ = try store.createRun(RunStart(name: "live", owner: nil))
        let done = try store.createRun(RunStart(name: "done", owner: nil))
        try store.finishRun(done, status: .finished)
        XCTAssertEqual(try store.listRuns(RunQuery(filter: "attributes.status = 'running'")).map(\.run.name), ["live"])
        XCTAssertEqual(try store.listRuns(RunQuery(filter: "attributes.status = 'FINISHED'")).map(\.run.name), ["done"])
        let (sql, args) = try store.database.read { db in try store.whereClause(RunQuery(filter: "attributes.status = 'RUNNING'"), in: db) }
        let detail = try store.database.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT r.id FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE \(sql)",
                             arguments: DeckStore.bind(args)).map { $0["detail"] as String }.joined(separator: " | ")
        }
        XCTAssertTrue(detail.contains("runs_active"), detail)
    }

    func testRunsWithAParentAreStillFoundAndReaped() throws {
        let store = ws.store
        let parent = try store.createRun(RunStart(name: "parent", owner: ProcessIdentity(pid: 999_999, token: "gone", host: ProcessIdentity.hostName)))
        let child = try store.createRun(RunStart(name: "child", lineage: RunLineage(parentRunID: parent.id), owner: nil))
        XCTAssertEqual(try store.listRuns(RunQuery(parentRunID: parent.id)).map(\.run.id), [child.id])
        XCTAssertEqual(try RunReaper(store: store).reap(), 1, "the dead owner's RUNNING run is found through runs_active")
        XCTAssertEqual(try store.runDetails("parent").run.status, .failed)
    }

    func testMigrationFromV7ReplacesTheIndexesAndKeepsTheRuns() throws {
        let path = ws.root.appendingPathComponent("v7.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v7-experiment-state")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO experiments(id, name, created_at) VALUES (1, 'Default', 0)")
            try db.execute(sql: "INSERT INTO runs(uuid, name, experiment_id, status, start_time) VALUES ('a', 'old', 1, 'FINISHED', 1)")
        }
        try Schema.migrator.migrate(queue)
        let (names, runs) = try queue.read { db in
            (try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL ORDER BY name"),
             try String.fetchAll(db, sql: "SELECT name FROM runs"))
        }
        XCTAssertEqual(names, ["runs_active", "runs_by_name", "runs_by_parent", "runs_by_start"])
        XCTAssertEqual(runs, ["old"])
    }

    /// BEGIN and COMMIT are prepared once per connection, not parsed again for every run.
    func testTransactionStatementsAreCachedAndRollBackOnError() throws {
        struct Abort: Error {}
        let store = ws.store
        XCTAssertThrowsError(try store.writeImmediate { db in
            try db.execute(sql: "INSERT INTO experiments(name, created_at) VALUES ('rolled-back', 0)")
            throw Abort()
        })
        XCTAssertNil(try store.database.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM experiments WHERE name = 'rolled-back'") })
        _ = try store.createRun(start(1))
        XCTAssertFalse(try store.database.writeWithoutTransaction { $0.isInsideTransaction }, "no transaction left open")
        XCTAssertEqual(try store.runDetails("r1").params.count, 10)
    }

    /// Run ids stay 32 lowercase hex digits, uniformly random (each digit position takes many values).
    func testRunIDsAreThirtyTwoHexDigits() {
        let ids = (0..<200).map { _ in DeckStore.newRunID() }
        XCTAssertEqual(Set(ids).count, 200)
        for id in ids {
            XCTAssertEqual(id.utf8.count, 32)
            XCTAssertTrue(id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }, id)
        }
        for position in [0, 15, 16, 31] {
            let digits = Set(ids.map { Array($0.utf8)[position] })
            XCTAssertGreaterThan(digits.count, 8, "position \(position) is random")
        }
    }
}
