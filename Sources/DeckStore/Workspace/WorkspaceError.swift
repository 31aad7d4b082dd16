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
        }
    }
}
