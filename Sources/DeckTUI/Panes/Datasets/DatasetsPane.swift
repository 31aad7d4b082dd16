import DeckEngine
import DeckStore
import Foundation

/// The Datasets pane: registered datasets with their latest version. Enter opens the versions.
@MainActor
public final class DatasetsPane: Pane {
    public let title = "Datasets"
    public var commandNames: [String] { ["datasets", "dataset", "data"] }
    public let context: PaneContext
    /// The datasets last loaded (queried off the UI thread by ``loader``).
    public var datasets: [DatasetSummary] { loader.value ?? [] }
    public var loadError: String? { loader.error }
    /// True until the first answer arrives (the pane shows "Loading…").
    public var isLoading: Bool { loader.value == nil && loader.error == nil }
    public var state = TableState()
    private var seenStoreVersion = -1
    private let loader: PaneLoader<[DatasetSummary]>
    /// The selected dataset's latest version with its statistics, for the detail under the list.
    let detail: SelectionDetail<String, DatasetVersionDetails>
    var detailState = ScrollTextState()

    public init(context: PaneContext) {
        self.context = context
        loader = PaneLoader(label: "datasets", store: context.store) { try $0.datasets() }
        detail = SelectionDetail(label: "dataset-detail", store: context.store)
        reload()
    }

    /// Queues a reload; the answer is applied by ``tick()``.
    public func reload() {
        seenStoreVersion = context.storeVersion
        loader.load()
    }

    /// Waits for a queued reload and applies it (tests).
    public func waitForLoad() {
        loader.waitForLoad()
        followSelection()
        detail.waitForLoad()
    }

    /// The selected dataset's latest version (`churn@3`).
    public var selectedLatest: String? {
        guard datasets.indices.contains(state.selected), let v = datasets[state.selected].latest else { return nil }
        return v.reference
    }

    /// Asks for the selected dataset's latest version when the selection or the store changed.
    private func followSelection() {
        detail.follow(selectedLatest, storeVersion: context.storeVersion) { reference, store in
            try DatasetVersionDetails.load(try DatasetReference(parsing: reference), from: store)
        }
    }

    /// The detail lines under the list: the latest version's columns at a glance.
    func detailLines(width: Int) -> [(String, ThemeSlot)] {
        guard let reference = selectedLatest else { return [] }
        guard detail.key == reference, let loaded = detail.value else { return [("Loading \(reference)…", .textDim)] }
        return DatasetSummaryDetail.lines(loaded, width: width)
    }

    public var bindings: [KeyBinding] {
        [KeyBinding("enter", "Open the dataset's versions", footer: "versions", group: "Datasets", shownInFooter: true) { [unowned self] in
            guard self.datasets.indices.contains(self.state.selected) else { return nil }
            return .push(DatasetVersionsView(context: self.context, dataset: self.datasets[self.state.selected].name))
        },
        KeyBinding("J", "Scroll the detail down", group: "Datasets") { [unowned self] in self.detailState.top += 1; return .redraw },
        KeyBinding("K", "Scroll the detail up", group: "Datasets") { [unowned self] in
            self.detailState.top = max(0, self.detailState.top - 1); return .redraw
        },
        ] + KeyBinding.tableNavigation { [unowned self] key in
            self.state.handle(key, rowCount: self.datasets.count, columnCount: 9) ? .redraw : nil
        }
    }

    public func render(into region: Region, theme: Theme) {
        if let loadError { region.put(loadError, at: .zero, style: theme[.error]); return }
        if isLoading { region.put("Loading datasets…", at: .zero, style: theme[.textDim]); return }
        let cols = [TableColumn("Dataset", width: .flexible(min: 8, max: 30, flex: 2)), TableColumn("Versions", width: ColumnWidth(min: 8, max: 8), alignment: .right),
                    TableColumn("Latest", width: ColumnWidth(min: 6, max: 8)), TableColumn("Rows", width: ColumnWidth(min: 6, max: 12), alignment: .right),
                    TableColumn("Cols", width: ColumnWidth(min: 4, max: 6), alignment: .right), TableColumn("Size", width: ColumnWidth(min: 8, max: 10), alignment: .right),
                    TableColumn("Stored", width: ColumnWidth(min: 8, max: 10), alignment: .right), TableColumn("Message", width: .flexible(min: 8, max: 60)),
                    TableColumn("Updated", width: .fixed(16))]
        let items = datasets
        let listRegion = ListWithDetail.listRegion(region, rowCount: items.count)
        Table(columns: cols, rowCount: items.count,
              emptyText: "No datasets yet: mldeck datasets add NAME FILE (or mldeck demo)") { i in
            let d = items[i]
            let v = d.latest
            return [.text(d.name, .title), .text("\(d.versionCount)"), .text(v.map { "v\($0.number)" } ?? "-"),
                    .text(v?.rows.map(DisplayFormat.count) ?? "-"), .text(v?.columns.map { "\($0)" } ?? "-"),
                    .text(v.map { DisplayFormat.bytes($0.logicalBytes) } ?? "-"), .text(DisplayFormat.bytes(d.storedBytes)),
                    .text(v?.message ?? "", .textDim), .text(v.map { DisplayFormat.time($0.createdAt) } ?? "-", .textDim)]
        }.render(into: listRegion, state: &state, theme: theme)
        renderDetail(into: region, below: listRegion.height, theme: theme)
    }

    /// The selected item's detail under the list (scrolled with J/K).
    private func renderDetail(into region: Region, below listHeight: Int, theme: Theme) {
        let lines = detailLines(width: region.width)
        let slots = lines.map(\.1)
        ListWithDetail.renderDetail(lines.map(\.0), slots: slots, into: region, below: listHeight, state: &detailState, theme: theme)
    }

    /// The mouse (the keys are ``bindings``).
    public func handle(_ key: Key) -> Effect? {
        TableMouse.handle(key, state: &state, rowCount: datasets.count, columnCount: 9).effect(open: bindings.binding(for: .enter)?.action)
    }

    public func tick() -> Bool {
        if context.storeVersion != seenStoreVersion { reload() }
        var changed = loader.apply()
        followSelection()
        if detail.apply() { changed = true }
        return changed
    }
}
