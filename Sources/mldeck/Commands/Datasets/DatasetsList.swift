import ArgumentParser
import DeckStore

/// `mldeck datasets list [--json]`
struct DatasetsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List datasets with their latest version.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try global.openStore()
        let datasets = try store.datasets()
        if output.json { return try JSONOutput.print(datasets) }
        if datasets.isEmpty { return print("(no datasets; add one with `mldeck datasets add NAME PATH`)") }
        var table = TextTable(headers: ["NAME", "VERSIONS", "LATEST", "HASH", "FORMAT", "ROWS", "COLS", "SIZE", "STORED", "UPDATED"])
        table.rightAligned = [1, 2, 5, 6, 7, 8]
        for d in datasets {
            let v = d.latest
            table.add([d.name, String(d.versionCount), v.map { String($0.number) } ?? "-", v.map { String($0.contentHash.prefix(12)) } ?? "-",
                       v?.format.rawValue ?? "-", v?.rows.map(String.init) ?? "-", v?.columns.map(String.init) ?? "-",
                       v.map { Formatting.bytes($0.logicalBytes) } ?? "-", Formatting.bytes(d.storedBytes),
                       v.map { Formatting.time($0.createdAt) } ?? "-"])
        }
        print(table.render())
    }
}

/// `mldeck datasets log NAME [--json]`
struct DatasetsLog: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "List the versions of a dataset, newest first.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Dataset name.") var name: String

    func run() throws {
        let store = try global.openStore()
        let versions = Array(try store.datasetVersions(name).reversed())
        if output.json { return try JSONOutput.print(versions) }
        var table = TextTable(headers: ["VERSION", "HASH", "DATE", "AUTHOR", "SIZE", "NEW", "ROWS", "MESSAGE", "TAGS"])
        table.rightAligned = [0, 4, 5, 6]
        for v in versions {
            table.add([String(v.number), String(v.contentHash.prefix(12)), Formatting.time(v.createdAt), v.author,
                       Formatting.bytes(v.logicalBytes), Formatting.bytes(v.storedBytes), v.rows.map(String.init) ?? "-",
                       DatasetText.short(v.message), DatasetText.tags(v.tags)])
        }
        print(table.render())
        if versions.isEmpty { print("(every version of \(name) was removed)") }
    }
}
