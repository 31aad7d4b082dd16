import ArgumentParser
import DeckEngine
import DeckML
import DeckStore

/// `mldeck datasets show NAME[@VERSION] [--json]`
struct DatasetsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a version: schema and per-column statistics, files, lineage.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("NAME, NAME@3 or NAME@sha256:PREFIX.", valueName: "dataset"), completion: NameCompletion.datasets) var reference: String
    @Option(name: .long, help: "Directories: how many files to list.") var files = 50

    func run() throws {
        let store = try global.openStore()
        let details = try DatasetVersionDetails.load(try DatasetReference(parsing: reference), from: store)
        if output.json { return try JSONOutput.print(details) }
        let v = details.version
        print("Dataset \(v.reference)  sha256:\(v.contentHash)")
        print("  content     " + DatasetText.sizeLine(v))
        print("  added       \(Formatting.time(v.createdAt)) by \(v.author)\(v.parent.map { "   parent \(v.dataset)@\($0)" } ?? "")")
        print("  source      \(v.sourcePath)")
        print("  stored      \(Formatting.bytes(v.storedBytes)) new; \(v.objectCount) objects (\(v.chunkCount) chunks)")
        if !v.message.isEmpty { print("  message     \(v.message)") }
        if !v.tags.isEmpty { print("  tags        \(DatasetText.tags(v.tags))") }
        if !v.keyColumns.isEmpty { print("  key         \(v.keyColumns.joined(separator: ", "))") }
        if !v.naTokens.isEmpty { print("  na tokens   \(v.naTokens.joined(separator: ", "))") }
        if let skipped = details.skipped {
            print("  skipped     \(skipped.count) malformed rows (lenient)")
            for row in skipped.first.prefix(5) { print("              line \(row.line), column \(row.column): \(row.reason)") }
        }
        if !details.usedByModels.isEmpty { print("  models      \(details.usedByModels.joined(separator: ", "))") }
        if !details.usedByRuns.isEmpty { print("  runs        \(details.usedByRuns.prefix(5).joined(separator: ", "))\(details.usedByRuns.count > 5 ? ", …" : "")") }
        if let profile = details.profile { print(""); print(Self.profileTable(profile)) }
        if v.format == .directory {
            let manifest = try DatasetContentReader(objects: store.objects).manifest(v.contentID)
            print("\nFiles (\(manifest.entries.count))")
            var table = TextTable(headers: ["  PATH", "SIZE", "SHA256"])
            table.rightAligned = [1]
            for e in manifest.entries.prefix(files) { table.add(["  " + e.path, Formatting.bytes(e.size), String(e.hash.hex.prefix(12))]) }
            print(table.render())
            if manifest.entries.count > files { print("  … \(manifest.entries.count - files) more (--files N)") }
        }
    }

    /// Schema and statistics, one row per column.
    static func profileTable(_ profile: TableProfile) -> String {
        var table = TextTable(headers: ["COLUMN", "TYPE", "COUNT", "MISSING", "DISTINCT", "MIN", "MEAN", "STD", "P50", "MAX", "TOP"])
        table.rightAligned = [2, 3, 4, 5, 6, 7, 8, 9]
        var approximate = false
        for c in profile.columns {
            let top = (c.top ?? []).prefix(3).map { "\(DatasetText.short($0.value, width: 16)) (\($0.count))" }.joined(separator: ", ")
            let isTime = c.type == .datetime
            if c.approximation != nil { approximate = true }
            table.add([c.name, c.type.rawValue + (c.nullable ? "?" : ""), String(c.count), String(c.missing),
                       String(c.distinct) + (c.approximation?.distinctRelativeError != nil ? "~" : ""),
                       isTime ? (c.minText ?? "-") : DatasetText.stat(c.min), DatasetText.stat(c.mean), DatasetText.stat(c.std),
                       DatasetText.stat(c.quantile(0.5)), isTime ? (c.maxText ?? "-") : DatasetText.stat(c.max), top])
        }
        var text = "Columns (\(profile.columnCount)), \(profile.rowCount) rows\n" + table.render()
        if approximate {
            text += "\n~ estimated (sketches beyond \(profile.exactLimit) values per column; `--json` gives the error bounds)"
        }
        return text
    }
}
