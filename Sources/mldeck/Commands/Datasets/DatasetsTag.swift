import ArgumentParser
import DeckStore

/// `mldeck datasets tag NAME@VERSION K=V … [--remove KEY …]`
struct DatasetsTag: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tag", abstract: "Set (or remove) tags of a version.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("NAME@3 or NAME@sha256:PREFIX (NAME alone: the latest).", valueName: "dataset"), completion: NameCompletion.datasets) var reference: String
    @Argument(help: ArgumentHelp("Tags to set.", valueName: "k=v")) var tags: [String] = []
    @Option(name: .long, help: ArgumentHelp("A tag key to remove (repeatable).", valueName: "key")) var remove: [String] = []

    func validate() throws {
        if tags.isEmpty && remove.isEmpty { throw ValidationError("give at least one KEY=VALUE or --remove KEY") }
    }

    func run() throws {
        let store = try global.openStore()
        var v = try store.setDatasetTags(try DatasetReference(parsing: reference), set: try TagArguments.parse(tags), remove: remove)
        v.profileJSON = nil; v.skippedJSON = nil
        if output.json { return try JSONOutput.print(v) }
        print("\(v.reference) tags: \(v.tags.isEmpty ? "(none)" : DatasetText.tags(v.tags))")
    }
}
