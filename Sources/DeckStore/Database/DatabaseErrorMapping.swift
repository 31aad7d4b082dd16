import GRDB

extension DeckStore {
    /// The error to show a user for `error`: SQLite's busy, read-only and corruption errors become
    /// ``WorkspaceError`` sentences about the workspace at `path`; other errors are returned as they are.
    /// SQL text and GRDB error descriptions never reach the user through this.
    public static func userFacing(_ error: Error, workspace path: String, busyTimeout: Double = 30) -> Error {
        guard let db = error as? DatabaseError else { return error }
        switch db.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return WorkspaceError.busy(path: path, seconds: busyTimeout)
        case .SQLITE_READONLY: return WorkspaceError.readOnly(path: path)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return WorkspaceError.databaseCorrupt(path: path)
        case .SQLITE_CANTOPEN: return WorkspaceError.cannotOpen(path: path, reason: "SQLite cannot open the database file or its -wal/-shm files")
        case .SQLITE_FULL: return WorkspaceError.cannotOpen(path: path, reason: "the disk is full")
        case .SQLITE_IOERR: return WorkspaceError.cannotOpen(path: path, reason: "a disk read or write failed")
        default: return error
        }
    }

    /// ``userFacing(_:workspace:busyTimeout:)`` for this store.
    func userFacing(_ error: Error) -> Error {
        Self.userFacing(error, workspace: workspace.root.path, busyTimeout: busyTimeout)
    }
}
