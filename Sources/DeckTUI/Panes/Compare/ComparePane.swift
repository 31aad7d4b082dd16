import DeckEngine
import DeckML
import DeckStore
import Foundation

/// The Compare pane: marked runs (from Runs) or model versions (from Models) side by side, 2 to
/// 50 of them. Metrics come first, one per row, the best of each row marked `★` and every other
/// value followed by its difference to the baseline column (`b` picks it), green when better for
/// that metric (higher AUC, lower loss) and red when worse; then the params (the rows that
/// differ marked `≠`, `e` hides the equal ones), the dataset version and code hash (differences
/// marked). Under the table a metric's curves of every item overlaid (`[`/`]` choose the metric)
/// beside their ROC curves when the evaluate steps recorded them. `h`/`l` move the column in
/// focus, the table scrolling sideways with the row names frozen.
@MainActor
public final class ComparePane: Pane {
    public let title = "Compare"
    public var commandNames: [String] { ["compare"] }
    public let context: PaneContext
    public private(set) var items: [CompareItem] = []
    /// The baseline item (deltas are against it).
    public private(set) var baseline = 0
    /// The item column in focus (`b` makes it the baseline).
    public private(set) var focus = 0
    public private(set) var hideEqualParams = false
    /// Which of ``CompareData/curveKeys`` is drawn.
    public private(set) var curveIndex = 0
    public var state = TableState()
    private let loader: PaneLoader<CompareData>
    private let curveLoader: PaneLoader<[[Double]]>
    private var curves: [[Double]] = [] { didSet { curvePlot.invalidate() } }
    /// The overlaid curves' plot, kept while the curves and the chart's size stay the same.
    let curvePlot = ChartPlotCache()
    private var seenStoreVersion: Int

    /// Bumped by each answer applied, so the cached table model is rebuilt once per answer.
    private var generation = 0
    private var model: CompareTableModel?
    /// How many times the table model was built (tests: not once per frame).
    private(set) var tableModelBuilds = 0

    public init(context: PaneContext) {
        self.context = context
        loader = PaneLoader(label: "compare", store: context.store)
        curveLoader = PaneLoader(label: "compare-curves", store: context.store)
        seenStoreVersion = context.storeVersion
    }

    /// Compares `items` (at most ``CompareData/maximumItems``); the first is the baseline.
    public func show(_ items: [CompareItem]) {
        self.items = Array(items.prefix(CompareData.maximumItems))
        baseline = 0; focus = 0; curveIndex = 0; state = TableState(); curves = []
        reload()
    }

    private func reload() {
        seenStoreVersion = context.storeVersion
        let items = self.items
        guard !items.isEmpty else { return }
        loader.load { try CompareData.load(items, from: $0) }
    }

    /// What was read for the items (nil until the first answer).
    public var data: CompareData? { loader.value }
    /// The metric whose curves are drawn.
    public var curveKey: String? { data.flatMap { $0.curveKeys.indices.contains(curveIndex) ? $0.curveKeys[curveIndex] : nil } }

    private func loadCurves() {
        guard let d = data, let key = curveKey else { curves = []; return }
        let runs = d.records
        curveLoader.load { CompareData.curves(key, runs: runs, from: $0) }
    }

    public func waitForLoad() {
        if loader.waitForLoad() { generation += 1; curvePlot.invalidate(); loadCurves() }
        if curveLoader.waitForLoad() { curves = curveLoader.value ?? [] }
    }

    public func tick() -> Bool {
        var changed = false
        if loader.apply() { generation += 1; curvePlot.invalidate(); loadCurves(); changed = true }
        if curveLoader.apply() { curves = curveLoader.value ?? []; changed = true }
        // Ended runs do not change: re-read only while one of them is still going.
        if context.storeVersion != seenStoreVersion {
            seenStoreVersion = context.storeVersion
            if data?.records.contains(where: { !$0.status.isFinal }) ?? true { reload() }
        }
        return changed
    }

    // MARK: - Rows

    /// The table model for the current data, baseline and param filter (built when one changed).
    func tableModel() -> CompareTableModel? {
        guard let c = data?.comparison else { return nil }
        let key = CompareTableModel.Key(generation: generation, baseline: baseline, hideEqualParams: hideEqualParams)
        if let model, model.key == key { return model }
        let built = CompareTableModel(c, key: key)
        model = built
        tableModelBuilds += 1
        return built
    }

    var rows: [CompareTableModel.Row] { tableModel()?.rows ?? [] }

    // MARK: - Keys

    public var bindings: [KeyBinding] {
        let count = data?.labels.count ?? 0
        let noData = count == 0 ? "nothing to compare: mark runs (space) in Runs and press c" : nil
        return [
            KeyBinding("b", "Make the column in focus the baseline", footer: "baseline", group: "Compare", shownInFooter: true,
                       disabledReason: noData) { [unowned self] in
                self.baseline = self.focus
                return .redraw
            },
            KeyBinding("e", "Hide / show params that are equal", footer: hideEqualParams ? "all params" : "hide equal",
                       group: "Compare", shownInFooter: true, disabledReason: noData) { [unowned self] in
                self.hideEqualParams.toggle()
                self.state.selected = min(self.state.selected, max(0, self.rows.count - 1))
                return .redraw
            },
            KeyBinding("]", "Next metric's curves", footer: "curves", group: "Compare", shownInFooter: true) { [unowned self] in
                self.moveCurve(by: 1)
            },
            KeyBinding("[", "Previous metric's curves", group: "Compare") { [unowned self] in self.moveCurve(by: -1) },
            KeyBinding("l", "Focus the next column (scrolls sideways)", group: "Compare", also: [.right]) { [unowned self] in
                self.moveFocus(by: 1)
            },
            KeyBinding("h", "Focus the previous column", group: "Compare", also: [.left]) { [unowned self] in
                self.moveFocus(by: -1)
            },
        ] + KeyBinding.tableNavigation(except: [.char("h"), .char("l"), .left, .right]) { [unowned self] key in
            self.state.handle(key, rowCount: self.rows.count, columnCount: count + 1) ? .redraw : nil
        }
    }

    private func moveCurve(by delta: Int) -> Effect? {
        guard let keys = data?.curveKeys, !keys.isEmpty else { return nil }
        curveIndex = (curveIndex + delta + keys.count) % keys.count
        loadCurves()
        return .redraw
    }

    private func moveFocus(by delta: Int) -> Effect? {
        let count = data?.labels.count ?? 0
        guard count > 0 else { return nil }
        focus = min(max(0, focus + delta), count - 1)
        state.revealColumn = focus + 1
        if focus == 0 { state.columnOffset = 0 }
        return .redraw
    }

    public func handle(_ key: Key) -> Effect? {
        guard case .mouse = key else { return nil }
        return state.handle(key, rowCount: rows.count, columnCount: (data?.labels.count ?? 0) + 1) ? .redraw : nil
    }

    // MARK: - Drawing

    public func render(into region: Region, theme: Theme) {
        guard !items.isEmpty else {
            region.put("Nothing to compare yet: mark two or more runs with space in Runs (or versions in a model) and press c",
                       at: .zero, style: theme[.textDim], maxWidth: region.width)
            return
        }
        if let e = loader.error { region.put("cannot compare: \(e)", at: .zero, style: theme[.error], maxWidth: region.width); return }
        guard let d = data else { region.put("Reading \(items.count) items…", at: .zero, style: theme[.textDim]); return }
        let n = d.labels.count
        var info = "\(n) items · baseline \(d.labels.indices.contains(baseline) ? d.labels[baseline] : "-")"
        if !d.missing.isEmpty { info += " · not found: " + d.missing.joined(separator: ", ") }
        region.put(info, at: .zero, style: theme[.textDim], maxWidth: region.width)
        guard let model = tableModel() else { return }
        let chartHeight = region.height >= 22 ? max(8, region.height * 2 / 5) : 0
        let tableHeight = region.height - 1 - chartHeight
        var columns = [TableColumn("", width: ColumnWidth(min: 10, max: 26))]
        columns.reserveCapacity(n + 1)
        for (i, label) in d.labels.enumerated() {
            let mark = (i == baseline ? "◆" : "") + (i == focus ? "▸" : "")
            columns.append(TableColumn(mark + label, width: ColumnWidth(min: 10, max: 24), alignment: .right))
        }
        let cells = model.cells
        var table = Table(columns: columns, rowCount: cells.count, frozenColumns: 1) { cells[$0] }
        table.contentWidths = model.contentWidths
        table.render(into: region.sub(Rect(x: 0, y: 1, width: region.width, height: tableHeight)), state: &state, theme: theme)
        guard chartHeight > 0 else { return }
        renderCharts(region.sub(Rect(x: 0, y: 1 + tableHeight, width: region.width, height: chartHeight)), data: d, theme: theme)
    }

    private func renderCharts(_ region: Region, data d: CompareData, theme: Theme) {
        let rocs = d.rocs.enumerated().compactMap { i, r in r.map { (i, $0) } }
        let hasROC = rocs.count >= 2
        let curveWidth = hasROC ? region.width * 3 / 5 : region.width
        let left = region.sub(Rect(x: 0, y: 0, width: curveWidth - (hasROC ? 1 : 0), height: region.height))
        if let key = curveKey {
            left.put("\(key) (\(curveIndex + 1)/\(d.curveKeys.count), [ ] other metrics)", at: .zero, style: theme[.title], maxWidth: left.width)
            let series = curves.enumerated().compactMap { i, values -> ChartSeries? in
                values.isEmpty || i >= d.labels.count ? nil : ChartSeries(d.labels[i], values: values, slot: Self.seriesSlot(i))
            }
            if series.isEmpty { left.put("no points yet", at: Point(x: 0, y: 1), style: theme[.textDim]) }
            else { LineChart(series: series, cache: curvePlot).render(into: left.sub(Rect(x: 0, y: 1, width: left.width, height: left.height - 1)), theme: theme) }
        } else {
            left.put("No metric was logged at more than one step: no curves to overlay", at: .zero, style: theme[.textDim], maxWidth: left.width)
        }
        guard hasROC else { return }
        let right = region.sub(Rect(x: curveWidth, y: 0, width: region.width - curveWidth, height: region.height))
        right.put("ROC curves", at: .zero, style: theme[.title])
        var series = [XYSeries("chance", x: [0, 1], y: [0, 1], slot: .chartAxis)]
        series += rocs.map { i, roc in XYSeries(d.labels[i], x: roc.fpr, y: roc.tpr, slot: Self.seriesSlot(i)) }
        XYChart(series: series, xRange: 0...1, yRange: 0...1, xTitle: "false positive rate")
            .render(into: right.sub(Rect(x: 0, y: 1, width: right.width, height: right.height - 1)), theme: theme)
    }

    /// `chart.series.N` for item `i` (colours repeat past six).
    static func seriesSlot(_ i: Int) -> ThemeSlot {
        [ThemeSlot.chartSeries1, .chartSeries2, .chartSeries3, .chartSeries4, .chartSeries5, .chartSeries6][i % 6]
    }
}
