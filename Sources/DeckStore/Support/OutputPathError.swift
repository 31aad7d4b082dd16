/// Why MLDeck refuses to write to a path the user gave (see ``SafeOutput``).
public enum OutputPathError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Something exists at the path and `--force` was not given.
    case exists(path: String)
    /// The path is the workspace's `.mldeck/` store, inside it, or a folder that contains it.
    case workspaceState(path: String, state: String)
    /// `--force` was given, but the folder holds files MLDeck did not write there.
    case foreignContent(path: String, example: String)
    /// The path is a device, FIFO, socket or other special file: never replaced.
    case specialFile(path: String, kind: String)
    /// A stored relative path would pass through a symbolic link below the output folder.
    case linkInPath(path: String)
    /// What was at the path changed between the check and the rename.
    case changed(path: String)

    public var description: String {
        switch self {
        case .exists(let path):
            return "\(path) already exists; nothing was written (pass --force to replace it)"
        case .workspaceState(let path, let state):
            return "refusing to write to \(path): it is or holds the workspace's store \(state); choose a path outside it"
        case .foreignContent(let path, let example):
            return "refusing to replace the folder \(path): it holds '\(example)', which mldeck did not write; move it away or choose another path"
        case .specialFile(let path, let kind):
            return "refusing to write to \(path): it is \(kind); mldeck writes only regular files and folders"
        case .linkInPath(let path):
            return "refusing to write \(path): a part of its path is a symbolic link"
        case .changed(let path):
            return "\(path) changed while mldeck was writing beside it; nothing was replaced (run the command again)"
        }
    }
}

extension OutputPathError: CategorizedError {
    /// What kind of failure this is (a server maps it to a status without reading the message).
    public var category: ErrorCategory {
        switch self {
        case .exists: return .alreadyExists
        case .workspaceState, .specialFile, .linkInPath: return .invalidArgument
        case .foreignContent, .changed: return .conflict
        }
    }
}
