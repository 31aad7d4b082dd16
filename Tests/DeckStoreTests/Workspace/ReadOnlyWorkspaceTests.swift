@testable import DeckStore
import GRDB
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Item 12 of issue 8: a read-only workspace can be read, and writing says it is read-only.
///
/// These tests open the store with `access: .readOnly` (what happens automatically when the
/// folder or database is not writable) and check that not one byte of `.mldeck/` changes. The
/// permission-based detection itself is tested end to end as an unprivileged user
/// (`ReadOnlyEndToEndTests`), since root can write through `chmod a-w`.
final class ReadOnlyWorkspaceTests: XCTestCase {
    var root: URL!
    var workspace: Workspace!
    var deadRun: String!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-readonly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        workspace = try Workspace.create(at: root)
        do {
            let store = try DeckStore.open(workspace)
            let run = try store.createRun(RunStart(name: "kept", metrics: [MetricPoint(key: "loss", value: 0.5, step: 1, timestamp: 1)]))
            try store.finishRun(run, status: .finished)
            // A run whose owner is dead: a read-write open would reap it; a read-only one must not.
            let ghost = ProcessIdentity(pid: ProcessIdentity.current.pid, token: ProcessIdentity.current.token + "0", host: ProcessIdentity.hostName)
            deadRun = try store.createRun(RunStart(name: "ghost", owner: ghost)).id
            _ = try store.objects.put(Data("an object".utf8))
        }
    }

    override func tearDown() { try? FileManager.default.removeItem(at: root) }

    /// Every file under `.mldeck/` with its size and modification time.
    func snapshot() -> [String: String] {
        var out: [String: String] = [:]
        let base = workspace.stateDirectory.path
        for case let name as String in FileManager.default.enumerator(atPath: base) ?? FileManager.DirectoryEnumerator() {
            var info = stat()
            guard lstat(base + "/" + name, &info) == 0 else { continue }
            out[name] = "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }
        return out
    }

    func testReadingWorksAndChangesNothing() throws {
        let before = snapshot()
        XCTAssertNil(before["mldeck.sqlite-wal"], "the set-up closed the database cleanly")
        let store = try DeckStore.open(workspace, access: .readOnly)
        XCTAssertTrue(store.isReadOnly)
        let runs = try store.listRuns(RunQuery())
        XCTAssertEqual(Set(runs.map(\.run.name)), ["kept", "ghost"])
        XCTAssertEqual(try store.resolveRun(deadRun).status, .running, "the reaper wrote nothing")
        XCTAssertEqual(try store.runDetails("kept").metrics.first?.last, 0.5)
        XCTAssertEqual(try store.datasets().count, 0)
        XCTAssertTrue(try StoreChecker(store: store).check().isHealthy)
        let watcher = try store.makeChangeWatcher()
        XCTAssertFalse(watcher.hasChanged())
        XCTAssertEqual(snapshot(), before, "no file in .mldeck was created or changed")
    }

    func testWritingSaysTheWorkspaceIsReadOnly() throws {
        let before = snapshot()
        let store = try DeckStore.open(workspace, access: .readOnly)
        let readOnly = WorkspaceError.readOnly(path: workspace.root.path)
        XCTAssertThrowsError(try store.createRun(RunStart())) { XCTAssertEqual($0 as? WorkspaceError, readOnly) }
        XCTAssertThrowsError(try store.setTags(["a": "b"], run: store.handle(for: "kept"))) { XCTAssertEqual($0 as? WorkspaceError, readOnly) }
        XCTAssertThrowsError(try GarbageCollector(store: store).collect(grace: 0)) { XCTAssertEqual($0 as? WorkspaceError, readOnly) }
        XCTAssertThrowsError(try store.objects.put(Data("new".utf8))) { error in
            guard case .readOnly? = error as? ObjectStoreError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("read-only"))
        }
        XCTAssertTrue("\(readOnly)".contains("is read-only"))
        XCTAssertEqual(snapshot(), before)
    }

    func testAnUnwritableWorkspaceOpensReadOnlyByItself() throws {
        try XCTSkipIf(geteuid() == 0, "root writes through chmod a-w; ReadOnlyEndToEndTests checks this as an unprivileged user")
        chmod(workspace.databaseURL.path, 0o444)
        chmod(workspace.stateDirectory.path, 0o555)
        defer { chmod(workspace.stateDirectory.path, 0o755); chmod(workspace.databaseURL.path, 0o644) }
        let store = try DeckStore.open(workspace)
        XCTAssertTrue(store.isReadOnly)
        XCTAssertEqual(try store.listRuns(RunQuery()).count, 2)
    }

    func testAWriterHeldPastTheBusyTimeoutGivesATypedBusyError() throws {
        let holder = try DeckStore.open(workspace)
        let waiter = try DeckStore.open(workspace, busyTimeout: 0.3)
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let thread = Thread {
            _ = try? holder.writeImmediate { _ in started.signal(); release.wait() }
        }
        thread.start()
        started.wait()
        defer { release.signal() }
        let clock = Date()
        XCTAssertThrowsError(try waiter.createRun(RunStart())) { error in
            XCTAssertEqual(error as? WorkspaceError, .busy(path: workspace.root.path, seconds: 0.3))
            XCTAssertTrue("\(error)".contains("another mldeck process"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(clock), 10)
    }
}
