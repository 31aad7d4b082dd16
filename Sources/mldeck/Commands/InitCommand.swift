import ArgumentParser
import DeckStore
import Foundation

/// `mldeck init [DIR]`
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create a workspace (mldeck.yaml and .mldeck/) in DIR.")

    @Argument(help: "The folder (default: the current one).")
    var directory: String = "."

    func run() throws {
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        let workspace = try FileSystemError.wrapping(path: url.path, operation: "create a workspace in") {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            return try Workspace.create(at: url)
        }
        _ = try DeckStore.open(workspace)
        try WorkspaceGitignore.ensure(in: workspace.root)
        print("Created an MLDeck workspace in \(workspace.root.path)")
        print("  next: mldeck track -- python3 train.py     (track any command)")
        print("        mldeck runs list                     (see your runs)")
    }
}
