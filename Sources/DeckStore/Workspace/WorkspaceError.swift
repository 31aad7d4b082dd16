import Foundation

/// Everything that can go wrong while finding, creating or opening a workspace.
public enum WorkspaceError: Error, CustomStringConvertible, Equatable {
    /// No `.mldeck/` folder was found walking up from `start`.
    case notFound(start: String)
    /// `mldeck init` found a workspace that already exists.
    case alreadyExists(path: String)
    /// The database was written by a newer MLDeck (it has migrations this build does not know).
    case newerSchema(path: String, unknown: [String])
    /// The workspace lives on a network file system, where SQLite's WAL mode is unsafe.
    case networkFileSystem(path: String, kind: String)
    /// The database could not be opened.
    case cannotOpen(path: String, reason: String)
    /// `.mldeck/` exists but `.mldeck/mldeck.sqlite` does not: nothing is created over it.
    case databaseMissing(path: String)
    /// `.mldeck/mldeck.sqlite` is 0 bytes (truncated or overwritten): nothing is created over it.
    case databaseEmpty(path: String)
    /// `.mldeck/mldeck.sqlite` is not an SQLite database, or not one `mldeck init` made.
    case notADatabase(path: String, detail: String)
    /// The workspace cannot be written (another user's, a read-only mount or snapshot).
    case readOnly(path: String)
    /// Another process held the write lock for longer than the busy timeout.
    case busy(path: String, seconds: Double)
    /// SQLite reports that the database file is damaged.
    case databaseCorrupt(path: String)
    /// A stored record cannot be read back (named by `reference`, e.g. `dataset churn@2`).
    case damagedRecord(reference: String, reason: String)
    /// The disk refused a write (full, or failing): SQLite rolled the transaction back, so
    /// nothing of the operation was recorded.
    case writeFailed(path: String, reason: String)
    /// The database refused an operation for a reason without a sentence of its own (a broken
    /// constraint, an internal SQLite error); `category` says which kind of failure it is.
    case databaseFailed(path: String, reason: String, category: ErrorCategory)
    /// An environment setting has a value MLDeck cannot use.
    case invalidSetting(key: String, value: String, expected: String)

    /// How to recover from a missing, empty or foreign database, without deleting anything.
    static let recovery = "Restore .mldeck/mldeck.sqlite from a backup (with its -wal file, if there is one). To start over with an empty store, move the old folder aside (`mv .mldeck .mldeck.broken`) and run `mldeck init`; the objects in .mldeck.broken/objects stay readable."

    public var description: String {
        switch self {
        case .notFound(let start):
            return "no MLDeck workspace found in \(start) or any parent folder (run `mldeck init` to create one, or pass --workspace DIR / set MLDECK_WORKSPACE)"
        case .alreadyExists(let path):
            return "a workspace already exists at \(path)"
        case .newerSchema(let path, let unknown):
            return "\(path) was written by a newer MLDeck (unknown migrations: \(unknown.joined(separator: ", "))); upgrade mldeck to open it — nothing was changed"
        case .networkFileSystem(let path, let kind):
            return "\(path) is on a network file system (\(kind)); SQLite's WAL mode is unsafe there, so MLDeck refuses to open it. Put the workspace on a local disk."
        case .cannotOpen(let path, let reason):
            return "cannot open the workspace database \(path): \(reason)"
        case .databaseMissing(let path):
            return "the workspace database \(path) is missing; MLDeck will not create a new, empty store over an existing workspace. \(Self.recovery)"
        case .databaseEmpty(let path):
            return "the workspace database \(path) is empty (0 bytes): it was truncated or overwritten, and MLDeck will not start a new, empty store over it. \(Self.recovery)"
        case .notADatabase(let path, let detail):
            return "\(path) is not an MLDeck database (\(detail)); nothing was changed. \(Self.recovery)"
        case .readOnly(let path):
            return "the workspace \(path) is read-only (another user's folder, or a read-only mount or snapshot); reading works, but this command writes. Run it in a workspace you can write to."
        case .busy(let path, let seconds):
            return "another mldeck process has held the write lock on \(path) for \(StoreFormatting.wholeSeconds(seconds)) s; try again when it has finished (see `mldeck runs list --filter \"status = 'RUNNING'\"`)"
        case .databaseCorrupt(let path):
            return "the database of the workspace \(path) is damaged (SQLite reports corruption); run `mldeck fsck` to see what is affected, and restore .mldeck/mldeck.sqlite from a backup"
        case .damagedRecord(let reference, let reason):
            return "\(reference) is damaged (\(reason)); run `mldeck fsck` to list every damaged record"
        case .writeFailed(let path, let reason):
            return "cannot write the workspace database \(path): \(reason); nothing of this operation was recorded"
        case .databaseFailed(let path, let reason, _):
            return "the workspace database \(path) refused the operation: \(reason)"
        case .invalidSetting(let key, let value, let expected):
            return "\(key)=\(value) is not valid: expected \(expected)"
        }
    }
}

extension WorkspaceError: CategorizedError {
    /// What kind of failure this is (a server maps it to a status without reading the message).
    public var category: ErrorCategory {
        switch self {
        case .notFound: return .notFound
        case .alreadyExists: return .alreadyExists
        case .busy: return .busy
        case .databaseMissing, .databaseEmpty, .notADatabase, .databaseCorrupt, .damagedRecord: return .corrupt
        case .newerSchema, .networkFileSystem, .cannotOpen, .readOnly, .writeFailed: return .unavailable
        case .databaseFailed(_, _, let category): return category
        case .invalidSetting: return .invalidArgument
        }
    }
}

extension WorkspaceError {
    /// True for ``databaseFailed(path:reason:category:)``: SQLite failed without a reason of its own.
    var isGenericDatabaseFailure: Bool {
        if case .databaseFailed = self { return true }
        return false
    }
}
