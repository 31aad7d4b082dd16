import Foundation

/// A workspace on disk: a folder with `mldeck.yaml` and a `.mldeck/` folder beside it.
///
/// Use ``Workspace/locate(from:explicit:environment:)`` to find one the way git finds a repository,
/// and ``Workspace/create(at:)`` to make a new one. Opening the store is ``DeckStore/open(_:)``.
public struct Workspace: Sendable, Equatable {
    /// The folder holding `mldeck.yaml` and `.mldeck/`.
    public let root: URL

    public init(root: URL) { self.root = URL(fileURLWithPath: root.standardizedFileURL.path, isDirectory: true) }

    /// `.mldeck/` inside the root.
    public var stateDirectory: URL { root.appendingPathComponent(".mldeck", isDirectory: true) }
    /// `.mldeck/mldeck.sqlite`.
    public var databaseURL: URL { stateDirectory.appendingPathComponent("mldeck.sqlite") }
    /// `.mldeck/objects/`, the content-addressed store.
    public var objectsDirectory: URL { stateDirectory.appendingPathComponent("objects", isDirectory: true) }
    /// `.mldeck/tmp/`, where objects are written before being renamed into place.
    public var temporaryDirectory: URL { stateDirectory.appendingPathComponent("tmp", isDirectory: true) }
    /// `.mldeck/runs/`, per-run folders (logs, step outputs).
    public var runsDirectory: URL { stateDirectory.appendingPathComponent("runs", isDirectory: true) }
    /// `mldeck.yaml`.
    public var configURL: URL { root.appendingPathComponent("mldeck.yaml") }

    /// The folder of one run (its log and step outputs live here).
    public func runDirectory(_ runID: String) -> URL {
        runsDirectory.appendingPathComponent(runID, isDirectory: true)
    }

    /// Finds the workspace: `explicit` (from `--workspace`) first, then `MLDECK_WORKSPACE`,
    /// then the nearest folder at or above `start` that has a `.mldeck/` folder.
    public static func locate(
        from start: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Workspace {
        if let given = explicit ?? environment["MLDECK_WORKSPACE"], !given.isEmpty {
            let url = URL(fileURLWithPath: given, relativeTo: start).standardizedFileURL
            guard isWorkspace(url) else { throw WorkspaceError.notFound(start: url.path) }
            return Workspace(root: url)
        }
        // Walk up path components, not URLs: a fixed number of steps ends at `/`, whatever
        // symlinks (loops included) the path goes through.
        var components = start.standardizedFileURL.path.split(separator: "/").map(String.init)
        while true {
            let folder = URL(fileURLWithPath: "/" + components.joined(separator: "/"), isDirectory: true)
            if isWorkspace(folder) { return Workspace(root: folder) }
            if components.isEmpty { break }
            components.removeLast()
        }
        throw WorkspaceError.notFound(start: start.path)
    }

    private static func isWorkspace(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        let path = url.appendingPathComponent(".mldeck").path
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Creates `.mldeck/` with a new database and a commented `mldeck.yaml` (unless one exists)
    /// in `root`. This (`mldeck init`) is the only way a database is created.
    @discardableResult
    public static func create(at root: URL) throws -> Workspace {
        let workspace = Workspace(root: root)
        let fm = FileManager.default
        if isWorkspace(workspace.root) { throw WorkspaceError.alreadyExists(path: workspace.root.path) }
        for dir in [workspace.stateDirectory, workspace.objectsDirectory, workspace.temporaryDirectory, workspace.runsDirectory] {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        try DeckStore.create(workspace)
        if !fm.fileExists(atPath: workspace.configURL.path) {
            try Data(WorkspaceTemplate.configYAML.utf8).write(to: workspace.configURL, options: .atomic)
        }
        return workspace
    }
}
