import ArgumentParser
import DeckStore

/// `mldeck models alias rm|list`: aliases beside `promote`, which sets them.
struct ModelsAlias: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias", abstract: "Remove or list a model's aliases (`models promote` sets them).",
        subcommands: [ModelsAliasRemove.self, ModelsAliasList.self])
}

/// `mldeck models alias rm NAME ALIAS [--reason …]`
struct ModelsAliasRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove an alias; the removal is kept in the alias history (time, author, reason).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The model.") var model: String
    @Argument(help: "The alias (names are case-insensitive).") var alias: String
    @Option(name: .long, help: "Why (kept in the alias history).") var reason: String?

    func run() throws {
        let store = try global.openStore()
        let known = try store.models().first { $0.name == model }?.aliases ?? [:]
        let version = known.first { $0.key == alias.lowercased() }?.value
        guard try store.removeModelAlias(model: model, alias: alias, reason: reason) else {
            throw ModelRegistryError.unknownAlias(model: model, alias: alias, known: known.keys.sorted())
        }
        if output.json {
            struct Out: Encodable { var model: String; var alias: String; var removed: Bool; var version: Int? }
            return try JSONOutput.print(Out(model: model, alias: alias.lowercased(), removed: true, version: version))
        }
        print("\(model)@\(alias.lowercased()) removed" + (version.map { " (it pointed at version \($0))" } ?? ""))
    }
}

/// `mldeck models alias list NAME`
struct ModelsAliasList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "A model's aliases and the versions they point at.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The model.") var model: String

    func run() throws {
        let store = try global.openStore()
        guard let summary = try store.models().first(where: { $0.name == model }) else {
            _ = try store.modelVersions(model)  // throws the registry's own "no model" error with suggestions
            return
        }
        if output.json { return try JSONOutput.print(summary.aliases) }
        if summary.aliases.isEmpty { print("(\(model) has no aliases)") }
        for (alias, version) in summary.aliases.sorted(by: { $0.key < $1.key }) { print("\(alias) → \(version)") }
    }
}
