import ArgumentParser
import DeckStore
import Foundation

/// `mldeck models tag NAME@VERSION KEY=VALUE … [--rm KEY …]`
struct ModelsTag: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Set or remove tags on a model version (filter on them with --where \"tags.KEY = 'x'\").",
        discussion: "mldeck models tag churn-model@3 reviewed=yes owner=ana   mldeck models tag churn-model@3 --rm owner")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "NAME@VERSION (or NAME@ALIAS: the version it points at now).", completion: NameCompletion.models) var reference: String
    @Argument(help: "KEY=VALUE pairs to set.") var pairs: [String] = []
    @Option(name: .customLong("rm"), help: "A tag key to remove (repeat for several).") var remove: [String] = []

    func validate() throws {
        if pairs.isEmpty && remove.isEmpty { throw ValidationError("give KEY=VALUE pairs to set, or --rm KEY to remove a tag") }
        for pair in pairs where !pair.contains("=") || pair.hasPrefix("=") {
            throw ValidationError("'\(pair)' is not KEY=VALUE (e.g. reviewed=yes)")
        }
        if !reference.contains("@") { throw ValidationError("name the version: \(reference)@VERSION (e.g. \(reference)@3)") }
    }

    func run() throws {
        var set: [String: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            set[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        let store = try global.openStore()
        let version = try store.modelVersion(try ModelReference(parsing: reference))
        let tagged = try store.tagModelVersion(model: version.model, version: version.version, set: set, remove: remove)
        if output.json { return try JSONOutput.print(tagged) }
        let shown = tagged.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "  ")
        print("\(tagged.reference) tags: \(shown.isEmpty ? "(none)" : shown)")
    }
}

/// `mldeck models deployments NAME [--alias A] [--json]`
struct ModelsDeployments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deployments", abstract: "Which version each alias served, from when to when, on which address (newest first).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The model.", completion: NameCompletion.models) var model: String
    @Option(name: .long, help: "Only this alias (e.g. production).") var alias: String?
    @Option(name: .long, help: "Show at most N.") var limit: Int?

    func run() throws {
        let store = try global.openStore()
        let records = try store.deployments(model: model, alias: alias, limit: limit)
        if output.json { return try JSONOutput.print(records) }
        if records.isEmpty {
            print("\(model) has no deployments yet (a pipeline's deploy step or `mldeck models promote … --alias production` makes one)")
            return
        }
        let now = Date().timeIntervalSince1970
        var table = TextTable(headers: ["VERSION", "ALIAS", "FROM", "TO", "FOR", "ADDRESS", "BY", "REASON"])
        table.rightAligned = [0]
        for d in records {
            let by = d.runID.map { "run \($0.prefix(8))" } ?? d.author
            table.add(["\(d.version)", d.alias, Formatting.time(d.startedAt), d.endedAt.map(Formatting.time) ?? "now (current)",
                       Formatting.duration((d.endedAt ?? now) - d.startedAt), d.address ?? "-", by, String((d.reason ?? "").prefix(100))])
        }
        print(table.render())
    }
}
