import ArgumentParser
import DeckStore

/// `mldeck datasets rm NAME@VERSION [--force]`
struct DatasetsRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove a version (refused while a model version was trained on it, unless --force).",
        discussion: "The version's objects that no other record uses become orphans; `mldeck gc` removes them.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("NAME@3 or NAME@sha256:PREFIX.", valueName: "dataset"), completion: NameCompletion.datasets) var reference: String
    @Flag(name: .long, help: "Remove it even if model versions depend on it.") var force = false

    func run() throws {
        let store = try global.openStore()
        let parsed = try DatasetReference(parsing: reference)
        if case .latest = parsed.selector {
            throw ValidationError("name the version to remove: \(parsed.name)@N or \(parsed.name)@sha256:PREFIX")
        }
        var removed = try store.removeDatasetVersion(parsed, force: force)
        removed.profileJSON = nil; removed.skippedJSON = nil
        if output.json { return try JSONOutput.print(removed) }
        print("Removed \(removed.reference) (sha256:\(removed.contentHash.prefix(12))); run `mldeck gc` to free the objects no other version uses")
    }
}
