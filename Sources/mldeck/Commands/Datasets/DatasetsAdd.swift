import ArgumentParser
import DeckEngine
import DeckML
import DeckStore
import Foundation

/// `mldeck datasets add NAME PATH [-m MESSAGE] [--tag K=V …] [--key COLUMN …] [--force] [--lenient] [--na TOKEN …]`
struct DatasetsAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a file or a folder as a new version of a dataset.",
        discussion: """
        PATH is a CSV or TSV file (RFC 4180), a JSON Lines file, any other file, or a folder (stored as a
        manifest of relative paths, sizes and hashes). Tables are profiled: schema, per-column statistics.
        Content identical to the latest version is not recorded again (--force records it).
        A malformed table is refused with its file, line and column, and nothing is recorded.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Dataset name (letters, digits, '.', '_', '-').") var name: String
    @Argument(help: "The file or folder to add.") var path: String
    @Option(name: [.customShort("m"), .long], help: "A message describing this version.") var message = ""
    @Option(name: .customLong("tag"), help: ArgumentHelp("A tag KEY=VALUE (repeatable).", valueName: "k=v")) var tags: [String] = []
    @Option(name: .customLong("key"), help: ArgumentHelp("Column(s) identifying a row, for row-level diffs (repeatable, or comma-separated).", valueName: "column"))
    var keys: [String] = []
    @Flag(name: .long, help: "Record a version even if the content equals the latest version's.") var force = false
    @Flag(name: .long, help: "Record a malformed table anyway, skipping (and reporting) the bad rows.") var lenient = false
    @Option(name: .customLong("na"), help: ArgumentHelp("A cell value that means missing, besides the empty field (repeatable).", valueName: "token"))
    var naTokens: [String] = []
    @Option(name: .long, help: "Read PATH as csv, tsv, jsonl or file (default: from the extension).") var format: String?
    @Flag(name: .shortAndLong, help: "No progress bar.") var quiet = false

    func run() throws {
        let store = try global.openStore()
        var chosenFormat: DatasetFormat?
        if let format {
            guard let f = DatasetFormat(rawValue: format.lowercased()), f != .directory else {
                throw ValidationError("--format must be csv, tsv, jsonl or file")
            }
            chosenFormat = f
        }
        let request = DatasetAddRequest(
            name: name, path: path, message: message, tags: try TagArguments.parse(tags),
            keyColumns: keys.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty },
            force: force, lenient: lenient, naTokens: naTokens, format: chosenFormat)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
        let progress = DatasetProgress(label: "adding \(name)", totalBytes: size, quiet: quiet || output.json)
        let result: DatasetAddResult
        do {
            result = try DatasetAdder.add(request, to: store) { progress.handle($0) }
        } catch let error as TableParseError {
            progress.finish()
            throw DatasetCommandError("\(error); nothing was recorded\(lenient ? "" : " (--lenient records the table without its bad rows)")")
        } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        if output.json { return try JSONOutput.print(result) }
        let v = result.version
        if result.outcome == .unchanged {
            print("\(v.reference) already has this content (sha256:\(v.contentHash.prefix(12))); nothing recorded (--force records it anyway)")
            return
        }
        print("Added \(v.reference)  sha256:\(v.contentHash.prefix(12))\(v.parent.map { "  (parent \(v.dataset)@\($0))" } ?? "")")
        print("  " + DatasetText.sizeLine(v) + "; \(Formatting.bytes(result.newBytes)) new in the store (\(result.newObjects) objects)")
        if !v.keyColumns.isEmpty { print("  key columns: \(v.keyColumns.joined(separator: ", "))") }
        if let skipped = result.skipped, skipped.count > 0 {
            print("  lenient: skipped \(skipped.count) malformed row\(skipped.count == 1 ? "" : "s"):")
            for row in skipped.first { print("    line \(row.line), column \(row.column): \(row.reason)") }
            if skipped.count > skipped.first.count { print("    … and \(skipped.count - skipped.first.count) more") }
        }
        for entry in result.skippedEntries.prefix(10) { print("  not stored: \(entry)") }
        if result.skippedEntries.count > 10 { print("  … and \(result.skippedEntries.count - 10) more entries not stored") }
    }
}
