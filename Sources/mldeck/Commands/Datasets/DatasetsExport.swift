import ArgumentParser
import DeckStore
import Foundation

/// `mldeck datasets export NAME[@VERSION] OUT [--force]`
struct DatasetsExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a version out, byte-identical to what was added (verified chunk by chunk).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("NAME, NAME@3 or NAME@sha256:PREFIX.", valueName: "dataset"), completion: NameCompletion.datasets) var reference: String
    @Argument(help: "The file (or, for a directory version, the folder) to write.") var out: String
    @Flag(name: .long, help: "Replace OUT if it is a file, or a folder mldeck exported (never a folder with other files, nor .mldeck/).") var force = false
    @Flag(name: .shortAndLong, help: "No progress bar.") var quiet = false

    struct Exported: Encodable {
        var version: DatasetVersionRecord
        var path: String
        var bytes: Int64
    }

    func run() throws {
        let store = try global.openStore()
        let v = try store.datasetVersion(try DatasetReference(parsing: reference))
        let target = try SafeOutput.prepare(out, kind: v.format == .directory ? .folder : .file, force: force,
                                            workspaceState: store.workspace.stateDirectory)
        let destination = target.destination
        let reader = DatasetContentReader(objects: store.objects)
        let progress = DatasetProgress(label: "exporting \(v.reference)", totalBytes: v.logicalBytes, quiet: quiet || output.json)
        do {
            if v.format == .directory {
                try reader.exportDirectory(manifest: v.contentID, to: target.temporary) { progress.bytes(done: $0, total: v.logicalBytes) }
            } else {
                try reader.exportFile(hash: v.contentID, isRecipe: v.contentKind == .recipe, size: v.logicalBytes, to: target.temporary) {
                    progress.bytes(done: $0, total: v.logicalBytes)
                }
            }
            try target.commit()
        } catch {
            target.discard()
            throw error
        }
        progress.finish()
        var clean = v
        clean.profileJSON = nil; clean.skippedJSON = nil
        if output.json { return try JSONOutput.print(Exported(version: clean, path: destination, bytes: v.logicalBytes)) }
        print("Exported \(v.reference) to \(destination) (\(Formatting.bytes(v.logicalBytes)), every chunk verified against sha256:\(v.contentHash.prefix(12)))")
    }
}
