import DeckEngine
import DeckStore
import Foundation

/// The Alerts pane: open alerts first, then past ones, newest first, in their severity's colour
/// (kind, model and version, window, drifted features, created, acknowledged); the selected
/// alert's detail under the list. Enter opens the per-feature table and histograms, `a`
/// acknowledges (the command line asks for an optional note), `r` retrains the model now (starts
/// the pipeline its `drift` trigger names and follows the run in Runs).
@MainActor
public final class AlertsPane: Pane {
    public let title = "Alerts"
    public var commandNames: [String] { ["alerts", "alert"] }
    public let context: PaneContext
    public var state = TableState()
    private let loader: PaneLoader<AlertsData>
    private var seenStoreVersion = -1
    var detailState = ScrollTextState()

    public init(context: PaneContext) {
        self.context = context
        loader = PaneLoader(label: "alerts", store: context.store) { try AlertsData.load(from: $0) }
    }

    public var data: AlertsData? { loader.value }
    public var alerts: [AlertRecord] { data?.alerts ?? [] }
    public var selected: AlertRecord? { alerts.indices.contains(state.selected) ? alerts[state.selected] : nil }

    public func tick() -> Bool {
        if context.storeVersion != seenStoreVersion { seenStoreVersion = context.storeVersion; loader.load() }
        return loader.apply()
    }

    public func waitForLoad() {
        if seenStoreVersion != context.storeVersion { seenStoreVersion = context.storeVersion; loader.load() }
        loader.waitForLoad()
    }

    public var bindings: [KeyBinding] {
        let none = selected == nil ? "no alert selected" : nil
        return [
            KeyBinding("enter", "Open the alert: every feature's test, score and threshold, with histograms (quality: the metric over time)", footer: "open",
                       group: "Alerts", shownInFooter: true, disabledReason: none) { [unowned self] in
                guard let a = self.selected else { return nil }
                return .push(AlertDetailView(alert: a, store: self.context.store))
            },
            KeyBinding("a", "Acknowledge the alert (type an optional note, Enter)", footer: "ack", group: "Alerts", shownInFooter: true,
                       dangerous: true, disabledReason: none ?? (selected?.isOpen == false ? "the alert is resolved" : nil)) { [unowned self] in
                guard let a = self.selected else { return nil }
                return .openCommandLine("ack \(a.id) ")
            },
            KeyBinding("r", "Retrain now: start the pipeline the model's drift trigger names", footer: "retrain", group: "Alerts",
                       shownInFooter: true, dangerous: true, disabledReason: none ?? retrainRefusal) { [unowned self] in
                guard let a = self.selected, let pipeline = self.data?.retrainPipelines[a.model] else { return nil }
                return self.context.startRun?(pipeline, "retrain for alert #\(a.id)")
            },
            KeyBinding("J", "Scroll the detail down", group: "Alerts") { [unowned self] in self.detailState.top += 1; return .redraw },
            KeyBinding("K", "Scroll the detail up", group: "Alerts") { [unowned self] in
                self.detailState.top = max(0, self.detailState.top - 1); return .redraw
            },
        ] + KeyBinding.tableNavigation { [unowned self] key in
            self.state.handle(key, rowCount: self.alerts.count, columnCount: 7) ? .redraw : nil
        }
    }

    private var retrainRefusal: String? {
        guard let a = selected else { return nil }
        if context.startRun == nil { return "no launcher" }
        return data?.retrainPipelines[a.model] == nil ? "no pipeline in mldeck.yaml retrains \(a.model) (a drift trigger or a register step)" : nil
    }

    public func handle(_ key: Key) -> Effect? {
        TableMouse.handle(key, state: &state, rowCount: alerts.count, columnCount: 7).effect(open: bindings.binding(for: .enter)?.action)
    }

    public func render(into region: Region, theme: Theme) {
        if let e = loader.error { region.put("cannot read alerts: \(e)", at: .zero, style: theme[.error], maxWidth: region.width); return }
        guard data != nil else { region.put("Reading alerts…", at: .zero, style: theme[.textDim]); return }
        let items = alerts
        let now = context.now()
        let cols = [TableColumn("Severity", width: ColumnWidth(min: 8, max: 10)), TableColumn("Kind", width: ColumnWidth(min: 5, max: 14)),
                    TableColumn("Model", width: .flexible(min: 8, max: 28)), TableColumn("Window", width: .flexible(min: 8, max: 28)),
                    TableColumn("Drifted", width: .flexible(min: 10, max: 60, flex: 2)), TableColumn("Created", width: ColumnWidth(min: 7, max: 10)),
                    TableColumn("State", width: ColumnWidth(min: 8, max: 14))]
        let listRegion = ListWithDetail.listRegion(region, rowCount: items.count)
        Table(columns: cols, rowCount: items.count,
              emptyText: "No alerts: monitors raise them (mldeck monitor, mldeck agent); a calm model is a good sign") { i in
            let a = items[i]
            let dim: ThemeSlot? = a.isOpen ? nil : .textDim
            return [.text((a.isOpen ? "▲ " : "  ") + a.severity.rawValue, a.isOpen ? a.severitySlot : .textDim),
                    .text(a.kind.rawValue, dim), .text(a.subjectText, dim ?? .title), .text(a.window, dim),
                    .text(a.driftedSummary, dim), .text(DisplayFormat.ago(a.createdAt, now: now), .textDim),
                    .text(a.stateText, a.isOpen ? (a.isAcknowledged ? .textDim : a.severitySlot) : .textDim)]
        }.render(into: listRegion, state: &state, theme: theme)
        let lines = selected.map { AlertDetailView.summaryLines($0, now: now) } ?? []
        ListWithDetail.renderDetail(lines.map(\.0), slots: lines.map(\.1), into: region, below: listRegion.height,
                                    state: &detailState, theme: theme)
    }
}
