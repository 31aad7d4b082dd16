import ArgumentParser
import DeckStore
import Foundation

/// Options every workspace command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The workspace folder (default: found by walking up from here; or MLDECK_WORKSPACE).")
    var workspace: String?

    /// Finds and opens the workspace (read-only when it cannot be written). Damaged records that
    /// listings skip are reported on standard error as warnings.
    func openStore() throws -> DeckStore {
        // A write that waits for another process's lock says so after a second (never silent).
        let lockWait = LockWait(timeout: try LockWait.timeout()) { line in
            FileHandle.standardError.write(Data("mldeck: \(line)\n".utf8))
        }
        let store = try DeckStore.open(try Workspace.locate(explicit: workspace), lockWait: lockWait)
        store.onDamagedRecord = { message in
            FileHandle.standardError.write(Data("mldeck: warning: \(message)\n".utf8))
        }
        return store
    }
}

/// Options of commands that print data.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (stable; documented in the README).")
    var json = false
}
