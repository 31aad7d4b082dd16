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

    public init(context: PaneContext) {
        self.context = context
        loader = PaneLoader(label: "datasets", store: context.store) { try $0.datasets() }
        reload()
    }

    /// Queues a reload; the answer is applied by ``tick()``.
    public func reload() {
        seenStoreVersion = context.storeVersion
        loader.load()
    }

    /// Waits for a queued reload and applies it (tests).
    public func waitForLoad() { loader.waitForLoad() }

    public var bindings: [KeyBinding] {
        [KeyBinding("enter", "Open the dataset's versions", footer: "versions", group: "Datasets", shownInFooter: true) { [unowned self] in
            guard self.datasets.indices.contains(self.state.selected) else { return nil }
            return .push(DatasetVersionsView(context: self.context, dataset: self.datasets[self.state.selected].name))
        }] + KeyBinding.tableNavigation { [unowned self] key in
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
        Table(columns: cols, rowCount: items.count,
              emptyText: "No datasets yet: mldeck datasets add NAME FILE (or mldeck demo)") { i in
            let d = items[i]
            let v = d.latest
            return [.text(d.name, .title), .text("\(d.versionCount)"), .text(v.map { "v\($0.number)" } ?? "-"),
                    .text(v?.rows.map(DisplayFormat.count) ?? "-"), .text(v?.columns.map { "\($0)" } ?? "-"),
                    .text(v.map { DisplayFormat.bytes($0.logicalBytes) } ?? "-"), .text(DisplayFormat.bytes(d.storedBytes)),
                    .text(v?.message ?? "", .textDim), .text(v.map { DisplayFormat.time($0.createdAt) } ?? "-", .textDim)]
        }.render(into: region, state: &state, theme: theme)
    }

    /// The mouse (the keys are ``bindings``).
    public func handle(_ key: Key) -> Effect? {
        state.handle(key, rowCount: datasets.count, columnCount: 9) ? .redraw : nil
    }

    public func tick() -> Bool {
        if context.storeVersion != seenStoreVersion { reload() }
        return loader.apply()
    }
}
