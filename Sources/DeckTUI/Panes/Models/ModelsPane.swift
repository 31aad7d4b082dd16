import DeckStore
import Foundation

/// The Models pane: registered models with their versions, aliases (`production` stands out)
/// and latest metrics. Enter opens a model's versions, where `p` promotes.
@MainActor
public final class ModelsPane: Pane {
    public let title = "Models"
    public var commandNames: [String] { ["models", "model"] }
    public let context: PaneContext
    public private(set) var models: [ModelSummary] = []
    public private(set) var loadError: String?
    public var state = TableState()
    private var seenStoreVersion = -1

    public init(context: PaneContext) {
        self.context = context
        reload()
    }

    public func reload() {
        seenStoreVersion = context.storeVersion
        do { models = try context.store.models(); loadError = nil } catch { loadError = "\(error)" }
    }

    public var bindings: [KeyBinding] {
        [KeyBinding("enter", "Open the model's versions", footer: "versions", group: "Models", shownInFooter: true)]
    }

    /// The metric shown in the list: `auc` when models have it, else the first one.
    var headlineMetric: String? {
        let keys = Set(models.flatMap { $0.latestMetrics.keys })
        for preferred in ["auc", "accuracy", "rmse", "logloss"] where keys.contains(preferred) { return preferred }
        return keys.sorted().first
    }

    public func render(into region: Region, theme: Theme) {
        if let loadError { region.put(loadError, at: .zero, style: theme[.error]); return }
        let metric = headlineMetric
        var cols = [TableColumn("Model", width: .flexible(min: 8, max: 30, flex: 2)), TableColumn("Versions", width: ColumnWidth(min: 8, max: 8), alignment: .right),
                    TableColumn("Production", width: ColumnWidth(min: 10, max: 12)), TableColumn("Aliases", width: .flexible(min: 8, max: 40)),
                    TableColumn("Latest", width: ColumnWidth(min: 6, max: 8))]
        if let metric { cols.append(TableColumn("latest \(metric)", width: ColumnWidth(min: 8, max: 14), alignment: .right)) }
        cols.append(TableColumn("Updated", width: .fixed(16)))
        let items = models
        Table(columns: cols, rowCount: items.count,
              emptyText: "No models yet: a pipeline's register step adds them (try mldeck demo)") { i in
            let m = items[i]
            var cells: [TableCell] = [.text(m.name, .title), .text("\(m.versions)")]
            cells.append(m.aliases["production"].map { .text("v\($0)", .aliasProduction) } ?? .text("-", .textDim))
            let others = m.aliases.filter { $0.key != "production" }.sorted { $0.key < $1.key }.map { "\($0.key)→v\($0.value)" }
            cells.append(.text(others.isEmpty ? "-" : others.joined(separator: " "), others.isEmpty ? .textDim : .aliasStaging))
            cells.append(.text(m.latestVersion.map { "v\($0)" } ?? "-"))
            if let metric { cells.append(.text(m.latestMetrics[metric].map(DisplayFormat.number) ?? "-")) }
            cells.append(.text(m.updatedAt.map { DisplayFormat.time($0) } ?? "-", .textDim))
            return cells
        }.render(into: region, state: &state, theme: theme)
    }

    public func handle(_ key: Key) -> Effect? {
        switch key {
        case .enter:
            guard models.indices.contains(state.selected) else { return nil }
            return .push(ModelVersionsView(context: context, model: models[state.selected].name))
        default:
            return state.handle(key, rowCount: models.count, columnCount: 7) ? .redraw : nil
        }
    }

    public func tick() -> Bool {
        guard context.storeVersion != seenStoreVersion else { return false }
        reload()
        return true
    }
}
