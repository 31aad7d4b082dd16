import ArgumentParser
import DeckEngine
import DeckML
import DeckStore

/// `mldeck datasets diff NAME@A NAME@B [--key COLUMN …] [--rows N] [--json]`
struct DatasetsDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Compare two versions: schema, rows, column statistics, row-level changes, files.",
        discussion: """
        Rows are matched by the key columns given at add time (or --key), otherwise by their whole content.
        B may be a bare version (3, sha256:9f2c) meaning the same dataset as A.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The old version.", valueName: "dataset@a"), completion: NameCompletion.datasets) var old: String
    @Argument(help: ArgumentHelp("The new version.", valueName: "dataset@b"), completion: NameCompletion.datasets) var new: String
    @Option(name: .customLong("key"), help: ArgumentHelp("Key column(s) matching rows (repeatable or comma-separated).", valueName: "column"))
    var keys: [String] = []
    @Option(name: .long, help: "How many changed, added and removed rows to list.") var rows = 20

    func run() throws {
        let store = try global.openStore()
        let a = try DatasetReference(parsing: old)
        let b = (new.hasPrefix("sha256:") || Int(new) != nil || new == "latest")
            ? try DatasetReference(parsing: a.name + "@" + new) : try DatasetReference(parsing: new)
        let keyColumns = keys.flatMap { $0.split(separator: ",").map(String.init) }
        let diff = try DatasetDiffer.diff(a, b, in: store, options: .init(keyColumns: keyColumns.isEmpty ? nil : keyColumns, maxListedRows: rows))
        if output.json { return try JSONOutput.print(diff) }
        print(DatasetDiffText.render(diff))
    }
}

/// The text form of a ``DatasetDiff``.
enum DatasetDiffText {
    static func render(_ d: DatasetDiff) -> String {
        var out: [String] = []
        out.append("\(d.old.reference) (sha256:\(d.old.contentHash.prefix(12))) → \(d.new.reference) (sha256:\(d.new.contentHash.prefix(12)))")
        if d.identical { out.append("  identical content") }
        let s = d.storage
        out.append("  storage: \(s.sharedObjects) objects shared, \(s.addedObjects) added (\(Formatting.bytes(s.addedBytes))), \(s.removedObjects) removed (\(Formatting.bytes(s.removedBytes)))")
        out.append("  size: \(Formatting.bytes(d.old.logicalBytes)) → \(Formatting.bytes(d.new.logicalBytes))")
        for note in d.notes { out.append("  note: \(note)") }
        if let t = d.table { out += table(t) }
        if let f = d.files { out += files(f) }
        return out.joined(separator: "\n")
    }

    static func table(_ t: TableDiffReport) -> [String] {
        var out: [String] = []
        if !t.columnsAdded.isEmpty || !t.columnsRemoved.isEmpty || !t.columnsRetyped.isEmpty {
            out.append("\nSchema")
            for c in t.columnsAdded { out.append("  + \(c)") }
            for c in t.columnsRemoved { out.append("  - \(c)") }
            for c in t.columnsRetyped { out.append("  ~ \(c.column): \(c.old.rawValue) → \(c.new.rawValue)") }
        } else {
            out.append("\nSchema: unchanged (\(t.new.columns.count) columns)")
        }
        let delta = t.new.rows - t.old.rows
        out.append("\nRows: \(t.old.rows) → \(t.new.rows) (\(delta >= 0 ? "+" : "")\(delta)), matched by \(t.keyColumns.isEmpty ? "whole row" : "key " + t.keyColumns.joined(separator: ", "))")
        out.append("  added \(t.rowsAdded), removed \(t.rowsRemoved), changed \(t.rowsChanged), unchanged \(t.rowsUnchanged)")
        if t.duplicateKeysOld + t.duplicateKeysNew > 0 {
            out.append("  duplicate keys: \(t.duplicateKeysOld) old, \(t.duplicateKeysNew) new (matched in order of appearance)")
        }
        if let p = t.profileDiff {
            let changed = ColumnChange.list(p, rowDelta: delta).map { ($0.column, $0.text(number: Formatting.number)) }
            if !changed.isEmpty {
                out.append("\nColumn statistics that changed (old → new)")
                let width = changed.map(\.0.count).max() ?? 0
                for (name, text) in changed { out.append("  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + text) }
            }
        }
        if !t.changedRows.isEmpty {
            out.append("\nChanged rows (first \(t.changedRows.count) of \(t.rowsChanged))")
            for r in t.changedRows {
                out.append("  key \(r.key.joined(separator: ", ")) (line \(r.oldLine) → \(r.newLine))")
                for c in r.cells { out.append("    \(c.column): \(c.old ?? "∅") → \(c.new ?? "∅")") }
            }
        }
        if !t.addedRows.isEmpty { out.append("\nAdded rows (first \(t.addedRows.count) of \(t.rowsAdded))"); out += t.addedRows.map(row) }
        if !t.removedRows.isEmpty { out.append("\nRemoved rows (first \(t.removedRows.count) of \(t.rowsRemoved))"); out += t.removedRows.map(row) }
        return out
    }

    static func row(_ r: TableDiffReport.RowRef) -> String {
        r.key.isEmpty ? "  line \(r.line)" : "  key \(r.key.joined(separator: ", ")) (line \(r.line))"
    }

    static func files(_ f: DirectoryDiff) -> [String] {
        var out = ["\nFiles: \(f.added.count) added, \(f.removed.count) removed, \(f.modified.count) modified, \(f.unchanged) unchanged"]
        for e in f.added { out.append("  + \(e.path) (\(Formatting.bytes(e.size)))") }
        for e in f.removed { out.append("  - \(e.path) (\(Formatting.bytes(e.size)))") }
        for e in f.modified { out.append("  ~ \(e.path) (\(Formatting.bytes(e.oldSize)) → \(Formatting.bytes(e.newSize)))") }
        return out
    }
}
