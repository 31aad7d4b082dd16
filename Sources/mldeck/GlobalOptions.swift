import ArgumentParser
import DeckStore
import Foundation

/// Options every workspace command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The workspace folder (default: found by walking up from here; or MLDECK_WORKSPACE).")
    var workspace: String?

    /// Finds and opens the workspace.
    func openStore() throws -> DeckStore {
        try DeckStore.open(try Workspace.locate(explicit: workspace))
    }
}

/// Options of commands that print data.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (stable; documented in the README).")
    var json = false
}
