import ArgumentParser
import DeckEngine
import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `mldeck runs cancel RUN`
struct RunsCancel: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Stop a running run (its process group gets SIGTERM, then SIGKILL); it ends KILLED.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id, unique id prefix, or name.", valueName: "run"), completion: NameCompletion.runs) var runReference: String
    @Option(name: .long, help: "Seconds to wait for the run to stop.") var wait: Double = 15

    func run() throws {
        let ended = try RunCanceller.cancel(runReference, store: try global.openStore(), wait: wait)
        print("run \(ended.id.prefix(8)) \(ended.status.rawValue)")
    }
}

/// `mldeck runs delete RUN…`
struct RunsDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Soft-delete runs (restore brings them back).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Runs.", completion: NameCompletion.runs) var runs: [String]

    func run() throws {
        try SoftDelete.apply(true, to: runs, store: global.openStore()) { "deleted \($0) (mldeck runs restore \($0) brings it back)" }
    }
}

/// `mldeck runs restore RUN…`
struct RunsRestore: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restore soft-deleted runs.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Runs.", completion: NameCompletion.runs) var runs: [String]

    func run() throws {
        try SoftDelete.apply(false, to: runs, store: global.openStore()) { "restored \($0)" }
    }
}

/// Sets or clears the soft-delete flag of runs, printing one line each.
enum SoftDelete {
    static func apply(_ deleted: Bool, to references: [String], store: DeckStore, message: (String) -> String) throws {
        for reference in references {
            let handle = try store.handle(for: reference)
            try store.setDeleted(deleted, run: handle)
            print(message(String(handle.id.prefix(8))))
        }
    }
}

/// `mldeck runs artifacts RUN [PATH] [--out DIR]`
struct RunsArtifacts: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "artifacts", abstract: "List a run's artifacts, or copy them out (verified by hash).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("Run id, unique id prefix, or name.", valueName: "run"), completion: NameCompletion.runs) var runReference: String
    @Argument(help: "An artifact path (or a folder prefix).") var path: String?
    @Option(name: .long, help: "Copy the artifacts into DIR (created when missing).") var out: String?
    @Flag(name: .long, help: "Replace files that already exist in DIR.") var force = false

    func run() throws {
        let store = try global.openStore()
        let details = try store.runDetails(runReference)
        var artifacts = details.artifacts
        if let path {
            artifacts = artifacts.filter { $0.path == path || $0.path.hasPrefix(path.hasSuffix("/") ? path : path + "/") }
            if artifacts.isEmpty { throw TrackingError.artifactNotFound(run: details.run.id, path: path) }
        }
        if let out {
            // Every destination is checked before anything is written: no partial copy on a refusal.
            let root = URL(fileURLWithPath: out).standardizedFileURL
            let state = store.workspace.stateDirectory
            var destinations: [String] = []
            for artifact in artifacts {
                let destination = try SafePath.join(root, artifact.path).path
                _ = try SafeOutput.prepare(destination, kind: .file, force: force, workspaceState: state, within: root.path)
                destinations.append(destination)
            }
            for (artifact, destination) in zip(artifacts, destinations) {
                try SafeOutput.write(try store.objects.read(artifact.object), to: destination, force: force, workspaceState: state, within: root.path)
                print(destination)
            }
            return
        }
        if output.json { return try JSONOutput.print(artifacts) }
        var table = TextTable(headers: ["PATH", "SIZE", "OBJECT"])
        table.rightAligned = [1]
        for a in artifacts { table.add([a.path, Formatting.bytes(a.size), String(a.object.hex.prefix(12))]) }
        print(table.render())
    }
}

/// Joins a stored relative path under a folder, refusing paths that would escape it.
enum SafePath {
    struct EscapeError: Error, CustomStringConvertible {
        var path: String
        var description: String { "refusing path '\(path)': it would leave the output folder" }
    }

    static func join(_ root: URL, _ relative: String) throws -> URL {
        let parts = relative.split(separator: "/")
        guard !relative.hasPrefix("/"), !parts.contains(".."), !parts.isEmpty else { throw EscapeError(path: relative) }
        return parts.reduce(root) { $0.appendingPathComponent(String($1)) }
    }
}
