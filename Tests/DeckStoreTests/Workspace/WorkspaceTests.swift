@testable import DeckStore
import GRDB
import XCTest

final class WorkspaceTests: XCTestCase {
    var ws: TestWorkspace!
    override func setUpWithError() throws { ws = try TestWorkspace() }
    override func tearDown() { ws.cleanup() }

    func testWorkspaceIsFoundByWalkingUpOrByOverride() throws {
        let nested = ws.root.appendingPathComponent("a/b/c")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        XCTAssertEqual(try Workspace.locate(from: nested, environment: [:]).root, ws.store.workspace.root)
        XCTAssertEqual(try Workspace.locate(from: URL(fileURLWithPath: "/"), environment: ["MLDECK_WORKSPACE": ws.root.path]).root, ws.store.workspace.root)
        XCTAssertEqual(try Workspace.locate(from: URL(fileURLWithPath: "/"), explicit: ws.root.path, environment: ["MLDECK_WORKSPACE": "/nope"]).root, ws.store.workspace.root)
        XCTAssertThrowsError(try Workspace.locate(from: URL(fileURLWithPath: "/proc"), environment: [:])) { error in
            XCTAssertEqual(error as? WorkspaceError, .notFound(start: "/proc"))
            XCTAssertTrue("\(error)".contains("mldeck init"))
        }
        XCTAssertThrowsError(try Workspace.create(at: ws.root)) { XCTAssertEqual($0 as? WorkspaceError, .alreadyExists(path: ws.store.workspace.root.path)) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: ws.root.appendingPathComponent("mldeck.yaml").path))
    }

    func testDatabaseIsWALWithForeignKeys() throws {
        try ws.store.database.read { db in
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA foreign_keys"), 1)
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA synchronous"), 1, "NORMAL")
        }
    }

    func testADatabaseFromANewerMLDeckIsRefusedAndLeftAlone() throws {
        try ws.store.database.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99-future')")
        }
        let before = try Data(contentsOf: ws.store.workspace.databaseURL)
        XCTAssertThrowsError(try ws.reopen()) { error in
            XCTAssertEqual(error as? WorkspaceError, .newerSchema(path: ws.store.workspace.databaseURL.path, unknown: ["v99-future"]))
            XCTAssertTrue("\(error)".contains("newer MLDeck"))
        }
        XCTAssertEqual(try Data(contentsOf: ws.store.workspace.databaseURL), before)
    }

    func testChangeWatcherSeesOtherConnectionsWrites() throws {
        let watcher = try ws.store.makeChangeWatcher()
        XCTAssertFalse(watcher.hasChanged())
        let other = try ws.reopen()
        _ = try other.createRun(RunStart())
        XCTAssertTrue(watcher.hasChanged())
        XCTAssertFalse(watcher.hasChanged())
    }
}
