@testable import DeckStore
import GRDB
import XCTest

/// Item 3 of issue 8: a missing, empty or foreign database is refused, and nothing is created over it.
final class DatabaseRefusalTests: XCTestCase {
    var root: URL!
    var workspace: Workspace!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-refusal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        workspace = try Workspace.create(at: root)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: root) }

    var path: String { workspace.databaseURL.path }

    func stateFiles() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: workspace.stateDirectory.path).sorted() }

    func testCreateMakesTheOnlyDatabaseAndOpenUsesIt() throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "mldeck init creates the database")
        let store = try DeckStore.open(workspace)
        XCTAssertEqual(try store.listRuns(RunQuery()).count, 0)
    }

    func testAMissingDatabaseIsRefusedAndNotCreated() throws {
        try FileManager.default.removeItem(atPath: path)
        let before = try stateFiles()
        XCTAssertThrowsError(try DeckStore.open(workspace)) { error in
            XCTAssertEqual(error as? WorkspaceError, .databaseMissing(path: path))
            XCTAssertTrue("\(error)".contains("backup"), "\(error)")
            XCTAssertTrue("\(error)".contains("mldeck init"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "no new database was created")
        XCTAssertEqual(try stateFiles(), before)
    }

    func testAnEmptyDatabaseIsRefusedAndLeftEmpty() throws {
        try Data().write(to: workspace.databaseURL)
        let before = try stateFiles()
        XCTAssertThrowsError(try DeckStore.open(workspace)) { error in
            XCTAssertEqual(error as? WorkspaceError, .databaseEmpty(path: path))
            XCTAssertTrue("\(error)".contains("0 bytes"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, 0, "still 0 bytes")
        XCTAssertEqual(try stateFiles(), before, "no -wal or -shm file appeared")
    }

    func testAFileThatIsNotADatabaseIsRefusedAndLeftAlone() throws {
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: workspace.databaseURL)
        XCTAssertThrowsError(try DeckStore.open(workspace)) { error in
            guard case .notADatabase(let p, _)? = error as? WorkspaceError else { return XCTFail("\(error)") }
            XCTAssertEqual(p, path)
            XCTAssertFalse("\(error)".contains("SQLITE"), "no SQLite error text: \(error)")
        }
        XCTAssertEqual(try Data(contentsOf: workspace.databaseURL), garbage)
    }

    func testAnSQLiteDatabaseWithoutMLDeckTablesIsRefused() throws {
        try FileManager.default.removeItem(atPath: path)
        let other = try DatabaseQueue(path: path)
        try other.write { db in try db.execute(sql: "CREATE TABLE notes(x)") }
        try other.close()
        XCTAssertThrowsError(try DeckStore.open(workspace)) { error in
            guard case .notADatabase? = error as? WorkspaceError else { return XCTFail("\(error)") }
        }
        let tables = try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master") }
        XCTAssertEqual(tables, ["notes"], "no migration ran on it")
    }

    /// Runs `body` on a thread and fails if it does not return within `seconds` (a hang).
    func assertTerminates(within seconds: Double, _ body: @escaping @Sendable () throws -> Void, file: StaticString = #filePath, line: UInt = #line) {
        let done = DispatchSemaphore(value: 0)
        Thread { try? body(); done.signal() }.start()
        XCTAssertEqual(done.wait(timeout: .now() + seconds), .success, "did not terminate", file: file, line: line)
    }

    func testWalkingUpEndsAtTheRootAndOnSymlinkLoops() throws {
        let loopy = root.appendingPathComponent("outer")
        try FileManager.default.createDirectory(at: loopy, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: loopy.appendingPathComponent("loop").path, withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(atPath: loopy.appendingPathComponent("a").path, withDestinationPath: "b")
        try FileManager.default.createSymbolicLink(atPath: loopy.appendingPathComponent("b").path, withDestinationPath: "a")
        let deep = loopy.path + String(repeating: "/loop", count: 30)
        let expected = workspace.root
        assertTerminates(within: 5) {
            XCTAssertThrowsError(try Workspace.locate(from: URL(fileURLWithPath: "/"), environment: [:]))
            XCTAssertThrowsError(try Workspace.locate(from: URL(fileURLWithPath: "/.."), environment: [:]))
            XCTAssertEqual(try? Workspace.locate(from: URL(fileURLWithPath: deep), environment: [:]).root, expected)
            XCTAssertEqual(try? Workspace.locate(from: URL(fileURLWithPath: loopy.path + "/a/x/y"), environment: [:]).root, expected)
        }
    }
}
