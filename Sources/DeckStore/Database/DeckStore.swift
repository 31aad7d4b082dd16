import Foundation
import GRDB
import GRDBSQLite

/// An open workspace: the SQLite database (WAL, foreign keys, busy timeout) and the object store.
///
/// Several processes may open one workspace at once. Writes that read first run in
/// `BEGIN IMMEDIATE` transactions so a concurrent writer waits instead of failing.
///
/// Durability choice: `synchronous = NORMAL` in WAL mode. The database stays consistent after a
/// crash or `kill -9`, and no committed transaction is lost then; after a power failure (or a
/// kernel crash) the commits since the WAL was last synced may be lost. SQLite syncs the WAL when
/// it checkpoints, which the writer does every ``walAutocheckpointPages`` pages of WAL: kept at
/// SQLite's default 1,000 (4 MiB, ~60 runs created with 10 params and 5 metrics; the kernel's own
/// writeback usually syncs sooner). 4,000 was measured for issue 9: a quarter of the
/// `fdatasync` calls, but only ~6 % of run-creation time, for a window four times as wide — not
/// worth it for a store that keeps a team's records. The checkpoint runs on a queue of its own
/// (``WALCheckpointer``), so no commit waits for it; it syncs the WAL as it starts, so under a
/// burst of commits faster than checkpoints the pages written while one runs wait for the next
/// (the window widens by what one checkpoint's duration lets a writer add; past
/// ``WALCheckpointer/backPressurePages`` the writer checkpoints itself). At a run every few
/// seconds nothing changes. Objects a record points to are
/// fsynced before that record commits, so a record never points to missing bytes.
public final class DeckStore: @unchecked Sendable {
    /// How to open a workspace.
    public enum Access: Sendable, Equatable {
        /// Read-write when the state folder and database are writable, read-only otherwise.
        case automatic
        /// Read-only even when writable: nothing in `.mldeck/` is created or changed.
        case readOnly
    }

    /// The workspace this store belongs to.
    public let workspace: Workspace
    /// The content-addressed object store under `.mldeck/objects/`.
    public let objects: ObjectStore
    /// The database connection pool (internal: no GRDB type is part of DeckStore's public face).
    let database: DatabasePool
    /// True when the store was opened read-only: every write throws ``WorkspaceError/readOnly(path:)``.
    public let isReadOnly: Bool
    /// Seconds a write waits for another process's write lock before ``WorkspaceError/busy(path:seconds:)``.
    public let busyTimeout: Double
    /// Called with a sentence for each damaged record a listing skips (the CLI prints them as warnings).
    public var onDamagedRecord: (@Sendable (String) -> Void)?
    let keyCache = KeyCache()
    /// WAL pages after which a checkpoint starts (see "Durability choice").
    static let walAutocheckpointPages = 1_000
    /// Runs the writer's checkpoints off its thread; nil when read-only.
    let checkpointer: WALCheckpointer?
    /// The name SQLite opened (a `file:` URI for immutable read-only opens).
    let openName: String

    private init(workspace: Workspace, database: DatabasePool, checkpointer: WALCheckpointer?, readOnly: Bool,
                 busyTimeout: Double, openName: String) {
        self.workspace = workspace
        self.database = database
        self.checkpointer = checkpointer
        self.isReadOnly = readOnly
        self.busyTimeout = busyTimeout
        self.openName = openName
        self.objects = ObjectStore(root: workspace.objectsDirectory, temporary: workspace.temporaryDirectory, readOnly: readOnly)
    }

    deinit { checkpointer?.close() }

    /// Opens the workspace's store, applying pending migrations. Refuses a database that is
    /// missing, empty (0 bytes) or not an MLDeck database (only ``create(_:)``, run by
    /// `mldeck init`, makes one), a database written by a newer MLDeck and workspaces on network
    /// file systems. A workspace this process cannot write (or `access: .readOnly`) is opened
    /// read-only: no pragma, migration or reaper write is made. Runs whose owner process died are
    /// marked `FAILED` (see ``RunReaper``), and the deployments of servers that died end (see
    /// ``ServerRegistry/reapDead(store:)``), unless `reapDeadRuns` is false or the store is read-only.
    ///
    /// `lockWait` says how a write waits for another process's write lock (its timeout becomes
    /// ``busyTimeout``, and its notice is told once when a wait passes a second).
    public static func open(_ workspace: Workspace, reapDeadRuns: Bool = true, access: Access = .automatic,
                            busyTimeout: Double = 30) throws -> DeckStore {
        try open(workspace, reapDeadRuns: reapDeadRuns, access: access, lockWait: LockWait(timeout: busyTimeout))
    }

    /// ``open(_:reapDeadRuns:access:busyTimeout:)`` with a ``LockWait`` that can say it is waiting.
    public static func open(_ workspace: Workspace, reapDeadRuns: Bool = true, access: Access = .automatic,
                            lockWait: LockWait) throws -> DeckStore {
        let busyTimeout = lockWait.timeout
        let path = workspace.databaseURL.path
        if let kind = FileSystemKind.networkKind(of: workspace.stateDirectory.path) {
            throw WorkspaceError.networkFileSystem(path: workspace.root.path, kind: kind)
        }
        try DatabaseFile.verify(path)
        let readOnly = access == .readOnly || !DatabaseFile.isWritable(workspace)
        if !readOnly {
            for dir in [workspace.objectsDirectory, workspace.temporaryDirectory, workspace.runsDirectory] {
                try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            }
        }
        let name = readOnly ? DatabaseFile.readOnlyName(path) : path
        let (pool, checkpointer) = try openPool(name, displayPath: path, root: workspace.root.path, readOnly: readOnly, lockWait: lockWait)
        let store = DeckStore(workspace: workspace, database: pool, checkpointer: checkpointer, readOnly: readOnly,
                              busyTimeout: busyTimeout, openName: name)
        do {
            try store.checkSchema(path: path)
        } catch let error as WorkspaceError {
            throw error
        } catch {
            throw store.userFacing(error)
        }
        // Reaping is housekeeping: when it cannot run (a damaged runs table, a long-held write
        // lock) the store still opens, so `fsck` and reads work; a later open reaps.
        if reapDeadRuns && !readOnly {
            _ = try? RunReaper(store: store).reap()
            ServerRegistry(workspace: workspace).reapDead(store: store)   // servers killed with -9: end their deployments
        }
        return store
    }

    /// Creates the database of a new workspace (``Workspace/create(at:)`` calls this; nothing
    /// else creates one). Refuses when a database file is already there.
    static func create(_ workspace: Workspace) throws {
        let path = workspace.databaseURL.path
        if FileManager.default.fileExists(atPath: path) { throw WorkspaceError.alreadyExists(path: workspace.root.path) }
        let (pool, checkpointer) = try openPool(path, displayPath: path, root: workspace.root.path, readOnly: false, lockWait: LockWait())
        defer { checkpointer?.close() }
        do { try Schema.migrator.migrate(pool) } catch { throw userFacing(error, workspace: workspace.root.path) }
    }

    private static func openPool(_ name: String, displayPath: String, root: String, readOnly: Bool,
                                 lockWait: LockWait) throws -> (DatabasePool, WALCheckpointer?) {
        let busyTimeout = lockWait.timeout
        let checkpointer = readOnly ? nil : WALCheckpointer(path: name)
        var config = Configuration()
        config.busyMode = .callback { tries in lockWait.retry(tries: tries, path: displayPath) }
        config.readonly = readOnly
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            if !readOnly { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            if !readOnly && !db.configuration.readonly {
                // Checkpoints every 1,000 WAL pages (SQLite's default, said here so the choice is
                // visible), run by the checkpointer's queue: see "Durability choice" above.
                checkpointer?.install(on: db)
            }
            db.add(function: SQLFunctions.number)
        }
        do {
            return (try DatabasePool(path: name, configuration: config), checkpointer)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw WorkspaceError.notADatabase(path: displayPath, detail: "SQLite cannot read it as a database")
        } catch {
            let mapped = userFacing(error, workspace: root, busyTimeout: busyTimeout)
            if let specific = mapped as? WorkspaceError, !specific.isGenericDatabaseFailure { throw mapped }
            throw WorkspaceError.cannotOpen(path: displayPath, reason: "SQLite could not open it")
        }
    }

    /// Refuses a database without MLDeck's migrations or with unknown (newer) ones; migrates an older one.
    private func checkSchema(path: String) throws {
        let migrator = Schema.migrator
        let (applied, superseded, complete) = try database.read { db in
            (try migrator.appliedIdentifiers(db), try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db))
        }
        if applied.isEmpty {
            throw WorkspaceError.notADatabase(path: path, detail: "it is an SQLite database without MLDeck's tables")
        }
        if superseded {
            let unknown = applied.subtracting(Set(migrator.migrations)).sorted()
            throw WorkspaceError.newerSchema(path: path, unknown: unknown)
        }
        if !complete {
            if isReadOnly { throw WorkspaceError.readOnly(path: workspace.root.path) }
            try migrator.migrate(database)
        }
    }

    /// Throws ``WorkspaceError/readOnly(path:)`` when the store was opened read-only. Commands
    /// that write files into `.mldeck/` before their first database write call it first.
    public func requireWritable() throws {
        if isReadOnly { throw WorkspaceError.readOnly(path: workspace.root.path) }
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction (commits on return, rolls back on throw).
    /// Throws ``WorkspaceError/readOnly(path:)`` on a read-only store and
    /// ``WorkspaceError/busy(path:seconds:)`` when another process holds the write lock past the busy timeout.
    func writeImmediate<T>(_ body: (Database) throws -> T) throws -> T {
        try requireWritable()
        do {
            return try database.writeWithoutTransaction { db in
                var result: T?
                do {
                    result = try Self.inImmediateTransaction(db) { try body($0) }
                } catch let error as DatabaseError where error.resultCode == .SQLITE_IOERR || error.resultCode == .SQLITE_FULL {
                    // SQLite says IOERR for a full disk met while syncing or growing its -shm file: the errno tells.
                    throw Self.writeFailure(error, systemErrno: sqlite3_system_errno(db.sqliteConnection), workspace: workspace.root.path)
                }
                guard let result else { throw WorkspaceError.cannotOpen(path: workspace.databaseURL.path, reason: "a write returned no result") }
                return result
            }
        } catch let error as DatabaseError {
            throw userFacing(error)
        }
    }

    /// `BEGIN IMMEDIATE` … `COMMIT` around `body` (rolled back when it throws), as GRDB's
    /// `inTransaction(.immediate)` but with both statements prepared once per connection: GRDB
    /// parses them again for every transaction, a measurable part of a small one (creating a run).
    static func inImmediateTransaction<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            let result = try body(db)
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return result
        } catch {
            try? db.rollback()   // a no-op when SQLite already rolled back (see GRDB's rollback())
            throw error
        }
    }

    /// A number that changes whenever another connection (process) commits a write. Poll it on
    /// one dedicated connection (see ``ChangeWatcher``).
    public func makeChangeWatcher() throws -> ChangeWatcher {
        try ChangeWatcher(path: openName)
    }
}
