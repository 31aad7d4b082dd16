import DeckStore
import Foundation

/// The Models pane: registered models with their versions, aliases (`production` stands out)
/// and latest metrics. Enter opens a model's versions, where `p` promotes.
@MainActor
public final class ModelsPane: Pane {
    public let title = "Models"
    public var commandNames: [String] { ["models", "model"] }
    public let context: PaneContext
    /// The models last loaded (queried off the UI thread by ``loader``).
    public var models: [ModelSummary] { loader.value ?? [] }
    public var loadError: String? { loader.error }
    public var state = TableState()
    private var seenStoreVersion = -1
    private let loader: PaneLoader<[ModelSummary]>
    /// The selected model's versions and alias moves, for the detail under the list.
    let detail: SelectionDetail<String, ModelVersionsView.Loaded>
    var detailState = ScrollTextState()

    public init(context: PaneContext) {
        self.context = context
        loader = PaneLoader(label: "models", store: context.store) { try $0.models() }
        detail = SelectionDetail(label: "model-detail", store: context.store)
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

    /// The selected model's name.
    public var selectedModel: String? { models.indices.contains(state.selected) ? models[state.selected].name : nil }

    /// Asks for the selected model's detail when the selection or the store changed.
    private func followSelection() {
        detail.follow(selectedModel, storeVersion: context.storeVersion) { name, store in
            ModelVersionsView.Loaded(versions: try store.modelVersions(name), history: try store.aliasHistory(model: name, limit: 8))
        }
    }

    /// The detail lines under the list: the selected model's production version (or its latest).
    func detailLines() -> [(String, ThemeSlot)] {
        guard let name = selectedModel, detail.key == name, let loaded = detail.value else {
            return selectedModel == nil ? [] : [("Loading…", .textDim)]
        }
        let production = loaded.versions.first { $0.aliases.contains("production") }
        guard let shown = production ?? loaded.versions.first else { return [("No versions", .textDim)] }
        var lines = ModelVersionDetail.lines(shown, production: production, history: loaded.history,
                                             deployment: context.deploymentOfModel?(name))
        if production == nil { lines.insert(("no production version yet: the latest is shown", .warning), at: 0) }
        return lines
    }

    public var bindings: [KeyBinding] {
        [KeyBinding("enter", "Open the model's versions", footer: "versions", group: "Models", shownInFooter: true) { [unowned self] in
            guard self.models.indices.contains(self.state.selected) else { return nil }
            return .push(ModelVersionsView(context: self.context, model: self.models[self.state.selected].name))
        },
        KeyBinding("J", "Scroll the detail down", group: "Models") { [unowned self] in self.detailState.top += 1; return .redraw },
        KeyBinding("K", "Scroll the detail up", group: "Models") { [unowned self] in
            self.detailState.top = max(0, self.detailState.top - 1); return .redraw
        },
        ] + KeyBinding.tableNavigation { [unowned self] key in
            self.state.handle(key, rowCount: self.models.count, columnCount: 7) ? .redraw : nil
        }
    }

    /// The metrics a model is summed up by, most telling first: classifiers by `auc`, regressors
    /// by `rmse` or `r2`; each model shows its own (a regressor has no `auc`).
    static let headlinePreference = ["auc", "accuracy", "f1", "rmse", "r2", "mae", "logloss"]

    /// The headline metric of one model and its latest value.
    static func headline(_ metrics: [String: Double]) -> (key: String, value: Double)? {
        for key in headlinePreference { if let v = metrics[key] { return (key, v) } }
        return metrics.sorted { $0.key < $1.key }.first.map { ($0.key, $0.value) }
    }

    public func render(into region: Region, theme: Theme) {
        if let loadError { region.put(loadError, at: .zero, style: theme[.error]); return }
        var cols = [TableColumn("Model", width: .flexible(min: 8, max: 30, flex: 2)), TableColumn("Versions", width: ColumnWidth(min: 8, max: 8), alignment: .right),
                    TableColumn("Production", width: ColumnWidth(min: 10, max: 12)), TableColumn("Aliases", width: .flexible(min: 8, max: 40)),
                    TableColumn("Latest", width: ColumnWidth(min: 6, max: 8))]
        cols.append(TableColumn("Latest metric", width: ColumnWidth(min: 13, max: 20), alignment: .right))
        cols.append(TableColumn("Updated", width: .fixed(16)))
        let items = models
        let listRegion = ListWithDetail.listRegion(region, rowCount: items.count)
        Table(columns: cols, rowCount: items.count,
              emptyText: "No models yet: a pipeline's register step adds them (try mldeck demo)") { i in
            let m = items[i]
            var cells: [TableCell] = [.text(m.name, .title), .text("\(m.versions)")]
            cells.append(m.aliases["production"].map { .text("v\($0)", .aliasProduction) } ?? .text("-", .textDim))
            let others = m.aliases.filter { $0.key != "production" }.sorted { $0.key < $1.key }.map { "\($0.key)→v\($0.value)" }
            cells.append(.text(others.isEmpty ? "-" : others.joined(separator: " "), others.isEmpty ? .textDim : .aliasStaging))
            cells.append(.text(m.latestVersion.map { "v\($0)" } ?? "-"))
            cells.append(.text(Self.headline(m.latestMetrics).map { "\($0.key) \(DisplayFormat.number($0.value))" } ?? "-"))
            cells.append(.text(m.updatedAt.map { DisplayFormat.time($0) } ?? "-", .textDim))
            return cells
        }.render(into: listRegion, state: &state, theme: theme)
        renderDetail(into: region, below: listRegion.height, theme: theme)
    }

    /// The selected item's detail under the list (scrolled with J/K).
    private func renderDetail(into region: Region, below listHeight: Int, theme: Theme) {
        let lines = detailLines()
        let slots = lines.map(\.1)
        ListWithDetail.renderDetail(lines.map(\.0), slots: slots, into: region, below: listHeight, state: &detailState, theme: theme)
    }

    /// The mouse (the keys are ``bindings``).
    public func handle(_ key: Key) -> Effect? {
        TableMouse.handle(key, state: &state, rowCount: models.count, columnCount: 7).effect(open: bindings.binding(for: .enter)?.action)
    }

    public func tick() -> Bool {
        if context.storeVersion != seenStoreVersion { reload() }
        var changed = loader.apply()
        followSelection()
        if detail.apply() { changed = true }
        return changed
    }
}
