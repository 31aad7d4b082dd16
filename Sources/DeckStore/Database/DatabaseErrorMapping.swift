import Foundation
import GRDB

extension DeckStore {
    /// The error to show a user for `error`: every SQLite error becomes a ``WorkspaceError``
    /// sentence about the workspace at `path` with its category (busy and locked → `busy`,
    /// corrupt → `corrupt`, read-only, full disk, I/O → `unavailable`, constraint → `conflict`);
    /// errors that are not SQLite's are returned as they are.
    /// SQL text and GRDB error descriptions never reach the user through this.
    public static func userFacing(_ error: Error, workspace path: String, busyTimeout: Double = 30) -> Error {
        guard let db = error as? DatabaseError else { return error }
        switch db.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return WorkspaceError.busy(path: path, seconds: busyTimeout)
        case .SQLITE_READONLY: return WorkspaceError.readOnly(path: path)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return WorkspaceError.databaseCorrupt(path: path)
        case .SQLITE_CANTOPEN: return WorkspaceError.cannotOpen(path: path, reason: "SQLite cannot open the database file or its -wal/-shm files")
        case .SQLITE_FULL: return WorkspaceError.writeFailed(path: path, reason: FileSystemError.diskFull)
        case .SQLITE_IOERR:
            // SQLite says IOERR, not FULL, for a full disk met while growing its -shm file or syncing.
            return WorkspaceError.writeFailed(path: path, reason: FileSystemError.hasNoFreeSpace(path) ? FileSystemError.diskFull : FileSystemError.ioFailure)
        case .SQLITE_CONSTRAINT:
            return WorkspaceError.databaseFailed(path: path, reason: "the write conflicts with a record already there (try again; `mldeck fsck` checks the store)", category: .conflict)
        case .SQLITE_TOOBIG, .SQLITE_RANGE, .SQLITE_MISMATCH:
            return WorkspaceError.databaseFailed(path: path, reason: "a value is too large or of the wrong kind for the store", category: .invalidArgument)
        default:
            return WorkspaceError.databaseFailed(path: path, reason: "SQLite error \(db.resultCode.rawValue)", category: .unavailable)
        }
    }

    /// A failed write (SQLITE_FULL or SQLITE_IOERR) worded by the system error under it: a full
    /// disk or quota is "no space left", another errno is its own sentence.
    static func writeFailure(_ error: DatabaseError, systemErrno: Int32, workspace path: String) -> WorkspaceError {
        if error.resultCode == .SQLITE_FULL || systemErrno == ENOSPC || systemErrno == EDQUOT || FileSystemError.hasNoFreeSpace(path) {
            return .writeFailed(path: path, reason: systemErrno == EDQUOT ? FileSystemError.reason(errno: EDQUOT) : FileSystemError.diskFull)
        }
        return .writeFailed(path: path, reason: systemErrno == 0 || systemErrno == EIO ? FileSystemError.ioFailure : FileSystemError.reason(errno: systemErrno))
    }

    /// ``userFacing(_:workspace:busyTimeout:)`` for this store.
    func userFacing(_ error: Error) -> Error {
        Self.userFacing(error, workspace: workspace.root.path, busyTimeout: busyTimeout)
    }

    /// A read whose SQLite errors come out as ``userFacing(_:)`` errors (with a category).
    func readMapped<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try database.read(body) } catch let error as DatabaseError { throw userFacing(error) }
    }
}
