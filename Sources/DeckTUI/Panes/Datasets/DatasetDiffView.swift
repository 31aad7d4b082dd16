import DeckEngine
import DeckML
import DeckStore
import Foundation

/// The diff of two versions of a dataset: schema (columns added, removed, retyped), rows added,
/// removed and changed, per-column statistics old → new, storage shared, and the first changed
/// rows cell by cell. Computed off the UI thread (it reads both versions).
@MainActor
public final class DatasetDiffView: View {
    public let context: PaneContext
    public let dataset: String
    public let oldNumber: Int
    public let newNumber: Int
    public var title: String { "v\(oldNumber) → v\(newNumber)" }
    public private(set) var diff: DatasetDiff?
    public private(set) var failure: String?
    var scroll = ScrollTextState()
    private let mailbox = Mailbox<Result<DatasetDiff, DiffFailure>>()
    private let worker = QueryWorker(label: "dataset-diff")

    struct DiffFailure: Error, Sendable { var message: String }

    public init(context: PaneContext, dataset: String, old: Int, new: Int) {
        self.context = context; self.dataset = dataset; oldNumber = old; newNumber = new
        let store = context.store, mailbox = self.mailbox
        let oldRef = DatasetReference(name: dataset, selector: .number(old)), newRef = DatasetReference(name: dataset, selector: .number(new))
        worker.submit {
            do { mailbox.post(.success(try DatasetDiffer.diff(oldRef, newRef, in: store))) }
            catch { mailbox.post(.failure(DiffFailure(message: "\(error)"))) }
        }
    }

    /// Waits for the diff (tests).
    public func waitForDiff() { worker.drain(); _ = tick() }

    public var bindings: [KeyBinding] {
        KeyBinding.textNavigation(group: "Diff", except: [.char("n"), .char("N")]) { [unowned self] key in
            self.scroll.handle(key, lineCount: self.lines().count) ? .redraw : nil
        }
    }

    /// The report as (text, slot) lines.
    public func lines() -> [(String, ThemeSlot)] {
        guard let d = diff else { return [] }
        var out: [(String, ThemeSlot)] = []
        out.append(("\(d.old.reference) → \(d.new.reference)\(d.identical ? "  (identical content)" : "")", .title))
        if !d.old.message.isEmpty || !d.new.message.isEmpty { out.append(("“\(d.old.message)” → “\(d.new.message)”", .textDim)) }
        out.append(("", .text))
        if let t = d.table {
            out.append(("Rows", .title))
            out.append(("  \(DisplayFormat.count(t.old.rows)) → \(DisplayFormat.count(t.new.rows))   " +
                        "+\(DisplayFormat.count(t.rowsAdded)) added  −\(DisplayFormat.count(t.rowsRemoved)) removed  ~\(DisplayFormat.count(t.rowsChanged)) changed  " +
                        "\(DisplayFormat.count(t.rowsUnchanged)) unchanged" + (t.keyColumns.isEmpty ? "  (rows matched by content)" : "  (key: \(t.keyColumns.joined(separator: ", ")))"),
                        .text))
            out.append(("Schema", .title))
            if t.columnsAdded.isEmpty && t.columnsRemoved.isEmpty && t.columnsRetyped.isEmpty { out.append(("  unchanged (\(t.new.columns.count) columns)", .textDim)) }
            for c in t.columnsAdded { out.append(("  + \(c)", .diffAdded)) }
            for c in t.columnsRemoved { out.append(("  − \(c)", .diffRemoved)) }
            for c in t.columnsRetyped { out.append(("  ~ \(c.column): \(c.old.rawValue) → \(c.new.rawValue)", .diffChanged)) }
            if let p = t.profileDiff {
                // The same list as `mldeck datasets diff`: a column that only follows the row count is unchanged.
                let changed = ColumnChange.list(p, rowDelta: t.new.rows - t.old.rows)
                out.append(("Statistics (\(changed.count) of \(p.columns.count) columns changed)", .title))
                let width = min(24, changed.map(\.column.displayWidth).max() ?? 0)
                for c in changed {
                    out.append(("  \(c.column.padded(toWidth: width))  \(c.text(number: DisplayFormat.number))", .diffChanged))
                }
            }
            if !t.changedRows.isEmpty {
                out.append(("Changed rows (first \(t.changedRows.count))", .title))
                for r in t.changedRows {
                    let cells = r.cells.map { "\($0.column): \($0.old ?? "–") → \($0.new ?? "–")" }.joined(separator: ", ")
                    out.append(("  \(r.key.joined(separator: "/")) (line \(r.newLine))  \(cells)", .text))
                }
            }
            if !t.addedRows.isEmpty {
                out.append(("Added rows (first \(t.addedRows.count))", .title))
                out.append(("  " + t.addedRows.map { $0.key.isEmpty ? "line \($0.line)" : $0.key.joined(separator: "/") }.joined(separator: ", "), .diffAdded))
            }
        }
        if let f = d.files {
            out.append(("Files: +\(f.added.count) −\(f.removed.count) ~\(f.modified.count), \(f.unchanged) unchanged", .title))
            for a in f.added.prefix(20) { out.append(("  + \(a.path)", .diffAdded)) }
            for r in f.removed.prefix(20) { out.append(("  − \(r.path)", .diffRemoved)) }
            for m in f.modified.prefix(20) { out.append(("  ~ \(m.path)", .diffChanged)) }
        }
        let s = d.storage
        out.append(("Storage", .title))
        out.append(("  \(s.sharedObjects) objects shared · +\(s.addedObjects) (\(DisplayFormat.bytes(s.addedBytes))) · −\(s.removedObjects) (\(DisplayFormat.bytes(s.removedBytes)))", .textDim))
        for n in d.notes { out.append(("note: \(n)", .warning)) }
        return out
    }

    public func render(into region: Region, theme: Theme) {
        if let failure { region.put("diff failed: \(failure)", at: .zero, style: theme[.error]); return }
        guard diff != nil else {
            region.put("comparing \(dataset) v\(oldNumber) and v\(newNumber)…", at: .zero, style: theme[.textDim])
            return
        }
        let l = lines()
        let slots = l.map(\.1)
        ScrollText(lines: l.map(\.0), lineSlot: { i, _ in slots[i] }).render(into: region, state: &scroll, theme: theme)
    }

    /// The mouse wheel (the keys are ``bindings``).
    public func handle(_ key: Key) -> Effect? {
        scroll.handle(key, lineCount: lines().count) ? .redraw : nil
    }

    public func tick() -> Bool {
        guard let result = mailbox.take().last else { return false }
        switch result {
        case .success(let d): diff = d
        case .failure(let f): failure = f.message
        }
        return true
    }
}
