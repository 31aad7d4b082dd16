import Foundation
import GRDB

/// An open workspace: the SQLite database (WAL, foreign keys, busy timeout) and the object store.
///
/// Several processes may open one workspace at once. Writes that read first run in
/// `BEGIN IMMEDIATE` transactions so a concurrent writer waits instead of failing.
///
/// Durability choice: `synchronous = NORMAL` in WAL mode. The database stays consistent after a
/// crash or `kill -9`; after a power failure the last commits may be lost. Objects a record points
/// to are fsynced before that record commits, so a record never points to missing bytes.
public final class DeckStore: @unchecked Sendable {
    /// The workspace this store belongs to.
    public let workspace: Workspace
    /// The content-addressed object store under `.mldeck/objects/`.
    public let objects: ObjectStore
    /// The database connection pool.
    public let database: DatabasePool
    let keyCache = KeyCache()

    private init(workspace: Workspace, database: DatabasePool) {
        self.workspace = workspace
        self.database = database
        self.objects = ObjectStore(root: workspace.objectsDirectory, temporary: workspace.temporaryDirectory)
    }

    /// Opens the workspace's store, applying pending migrations. Refuses a database written by a
    /// newer MLDeck and workspaces on network file systems. Runs whose owner process died are
    /// marked `FAILED` (see ``RunReaper``) unless `reapDeadRuns` is false.
    public static func open(_ workspace: Workspace, reapDeadRuns: Bool = true) throws -> DeckStore {
        let path = workspace.databaseURL.path
        if let kind = FileSystemKind.networkKind(of: workspace.stateDirectory.path) {
            throw WorkspaceError.networkFileSystem(path: workspace.root.path, kind: kind)
        }
        for dir in [workspace.objectsDirectory, workspace.temporaryDirectory, workspace.runsDirectory] {
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            db.add(function: SQLFunctions.number)
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw WorkspaceError.cannotOpen(path: path, reason: "\(error)")
        }
        let migrator = Schema.migrator
        try pool.read { db in
            if try migrator.hasBeenSuperseded(db) {
                let known = Set(migrator.migrations)
                let unknown = try migrator.appliedIdentifiers(db).subtracting(known).sorted()
                throw WorkspaceError.newerSchema(path: path, unknown: unknown)
            }
        }
        let needsMigration = try pool.read { db in try !migrator.hasCompletedMigrations(db) }
        if needsMigration { try migrator.migrate(pool) }
        let store = DeckStore(workspace: workspace, database: pool)
        if reapDeadRuns { try RunReaper(store: store).reap() }
        return store
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction (commits on return, rolls back on throw).
    public func writeImmediate<T>(_ body: (Database) throws -> T) throws -> T {
        try database.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// A number that changes whenever another connection (process) commits a write. Poll it on
    /// one dedicated connection (see ``ChangeWatcher``).
    public func makeChangeWatcher() throws -> ChangeWatcher {
        try ChangeWatcher(path: workspace.databaseURL.path)
    }
}
