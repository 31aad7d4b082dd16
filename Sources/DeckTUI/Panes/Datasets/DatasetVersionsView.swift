import DeckStore
import Foundation

/// A dataset's versions (message, author, date, rows, size, stored size), newest first.
/// Enter opens a version's schema and statistics; `space` marks; `d` diffs two versions (the
/// two marked, the marked one against the selected, or the selected against its parent).
@MainActor
public final class DatasetVersionsView: View {
    public let context: PaneContext
    public let dataset: String
    public var title: String { dataset }
    /// The versions last loaded, newest first (queried off the UI thread by ``loader``).
    public var versions: [DatasetVersionRecord] { loader.value ?? [] }
    public var loadError: String? { loader.error }
    /// True until the first answer arrives.
    public var isLoading: Bool { loader.value == nil && loader.error == nil }
    private let loader: PaneLoader<[DatasetVersionRecord]>
    public private(set) var markedNumbers: Set<Int> = []
    public var state = TableState()
    private var seenStoreVersion = -1

    public init(context: PaneContext, dataset: String) {
        self.context = context; self.dataset = dataset
        loader = PaneLoader(label: "dataset-versions", store: context.store) { try Array($0.datasetVersions(dataset).reversed()) }
        reload()
    }

    /// Queues a reload; the answer is applied by ``tick()``.
    public func reload() {
        seenStoreVersion = context.storeVersion
        loader.load()
    }

    /// Waits for a queued reload and applies it (tests).
    public func waitForLoad() { loader.waitForLoad() }

    public var selectedVersion: DatasetVersionRecord? { versions.indices.contains(state.selected) ? versions[state.selected] : nil }

    /// The pair `d` compares (older first), or nil with a reason.
    public func diffPair() -> (old: Int, new: Int)? {
        let marked = markedNumbers.sorted()
        if marked.count >= 2 { return (marked[marked.count - 2], marked[marked.count - 1]) }
        guard let sel = selectedVersion else { return nil }
        if marked.count == 1, marked[0] != sel.number { return (min(marked[0], sel.number), max(marked[0], sel.number)) }
        let older = versions.filter { $0.number < sel.number }.map(\.number).max()
        return older.map { (sel.parent ?? $0, sel.number) }
    }

    public var bindings: [KeyBinding] {
        [
            KeyBinding("enter", "Schema and column statistics", footer: "open", group: "Dataset", shownInFooter: true) { [unowned self] in
                guard let v = self.selectedVersion else { return nil }
                return .push(DatasetVersionView(context: self.context, reference: v.reference))
            },
            KeyBinding("d", "Diff two versions (marked, or the selected one and its parent)", footer: "diff", group: "Dataset", shownInFooter: true,
                       disabledReason: diffPair() == nil ? "mark two versions with space (this one has no parent)" : nil) { [unowned self] in
                guard let pair = self.diffPair() else { return nil }
                return .push(DatasetDiffView(context: self.context, dataset: self.dataset, old: pair.old, new: pair.new))
            },
            KeyBinding("space", "Mark / unmark the version", footer: "mark", group: "Dataset", shownInFooter: true) { [unowned self] in
                guard let v = self.selectedVersion else { return nil }
                if self.markedNumbers.contains(v.number) { self.markedNumbers.remove(v.number) } else { self.markedNumbers.insert(v.number) }
                self.state.move(by: 1, rowCount: self.versions.count)
                return .redraw
            },
        ] + KeyBinding.tableNavigation { [unowned self] key in
            self.state.handle(key, rowCount: self.versions.count, columnCount: 9) ? .redraw : nil
        }
    }

    public func render(into region: Region, theme: Theme) {
        if let loadError { region.put(loadError, at: .zero, style: theme[.error]); return }
        if isLoading { region.put("Loading \(dataset)'s versions…", at: .zero, style: theme[.textDim]); return }
        let cols = [TableColumn("Version", width: ColumnWidth(min: 7, max: 8)), TableColumn("Message", width: .flexible(min: 10, max: 60, flex: 2)),
                    TableColumn("Author", width: ColumnWidth(min: 6, max: 14)), TableColumn("Date", width: .fixed(16)),
                    TableColumn("Rows", width: ColumnWidth(min: 6, max: 12), alignment: .right),
                    TableColumn("Cols", width: ColumnWidth(min: 4, max: 5), alignment: .right),
                    TableColumn("Size", width: ColumnWidth(min: 8, max: 10), alignment: .right),
                    TableColumn("Stored", width: ColumnWidth(min: 8, max: 10), alignment: .right),
                    TableColumn("Hash", width: .fixed(12))]
        let items = versions
        state.marked = Set(items.indices.filter { markedNumbers.contains(items[$0].number) })
        Table(columns: cols, rowCount: items.count, emptyText: "No versions") { i in
            let v = items[i]
            return [.text("v\(v.number)", .title), .text(v.message.isEmpty ? "-" : v.message), .text(v.author, .textDim),
                    .text(DisplayFormat.time(v.createdAt)), .text(v.rows.map(DisplayFormat.count) ?? "-"), .text(v.columns.map { "\($0)" } ?? "-"),
                    .text(DisplayFormat.bytes(v.logicalBytes)), .text(DisplayFormat.bytes(v.storedBytes)),
                    .text(String(v.contentHash.prefix(12)), .textDim)]
        }.render(into: region, state: &state, theme: theme)
    }

    /// The mouse (the keys are ``bindings``).
    public func handle(_ key: Key) -> Effect? {
        TableMouse.handle(key, state: &state, rowCount: versions.count, columnCount: 9).effect(open: bindings.binding(for: .enter)?.action)
    }

    public func tick() -> Bool {
        if context.storeVersion != seenStoreVersion { reload() }
        return loader.apply()
    }
}
