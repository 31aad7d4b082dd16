import DeckStore
import Foundation

/// Reads `mldeck.yaml` afresh for each round of a long-running runner, so edits are seen (and a
/// `code-change` trigger can fire), but keeps the last good configuration while the file does not
/// parse (someone is half-way through an edit), saying so once per distinct error.
public final class ConfigReloader: @unchecked Sendable {  // used from the runner's one thread
    let load: () throws -> WorkspaceConfig
    var lastGood: WorkspaceConfig?
    var lastError: String?
    public var log: (String) -> Void = { _ in }

    public init(load: @escaping () throws -> WorkspaceConfig) { self.load = load }

    /// A reloader of the workspace's `mldeck.yaml`.
    public convenience init(workspace: Workspace) {
        self.init { try PipelineEnvironment.loadConfig(workspace) }
    }

    /// The current configuration, or the last good one while the file has an error.
    public func current() throws -> WorkspaceConfig {
        do {
            let config = try load()
            lastGood = config
            if lastError != nil { log("\(config.file) reads again; using it"); lastError = nil }
            return config
        } catch {
            let text = "\(error)"
            guard let lastGood else { throw error }
            if text != lastError { log("\(text)\n  (keeping the last good configuration until the file is fixed)"); lastError = text }
            return lastGood
        }
    }
}
