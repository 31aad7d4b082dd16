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
    private var curves: [[Double]] = []
    private var seenStoreVersion: Int

    /// One row of the table.
    enum Row: Equatable {
        case section(String)
        case metric(Int)
        case param(String)
        case lineage(Int)
    }

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
        if loader.waitForLoad() { loadCurves() }
        if curveLoader.waitForLoad() { curves = curveLoader.value ?? [] }
    }

    public func tick() -> Bool {
        var changed = false
        if loader.apply() { loadCurves(); changed = true }
        if curveLoader.apply() { curves = curveLoader.value ?? []; changed = true }
        // Ended runs do not change: re-read only while one of them is still going.
        if context.storeVersion != seenStoreVersion {
            seenStoreVersion = context.storeVersion
            if data?.records.contains(where: { !$0.status.isFinal }) ?? true { reload() }
        }
        return changed
    }

    // MARK: - Rows

    var rows: [Row] {
        guard let c = data?.comparison else { return [] }
        var out: [Row] = [.section("Metrics")]
        out += c.metrics.indices.map(Row.metric)
        let keys = c.paramKeys(hideEqual: hideEqualParams)
        out.append(.section(hideEqualParams ? "Params (differing; e shows all)" : "Params"))
        out += keys.map(Row.param)
        out.append(.section("Lineage"))
        out += c.lineageRows.indices.map(Row.lineage)
        return out
    }

    /// The cells of one row: its name, then one per item.
    func cells(_ row: Row, _ c: RunComparison, lineage: [RunComparison.LineageRow]) -> [TableCell] {
        let n = c.runs.count
        switch row {
        case .section(let name):
            return [TableCell.text(name, .title)] + Array(repeating: TableCell.text(""), count: n)
        case .metric(let m):
            let metric = c.metrics[m]
            var out: [TableCell] = [.text(metric.key + (metric.higherIsBetter ? " ↑" : " ↓"))]
            for i in 0..<n {
                guard let v = metric.values[i] else { out.append(.text("-", .textDim)); continue }
                let best = metric.best.contains(i) && metric.best.count < n
                var text = DisplayFormat.number(v) + (best ? " ★" : "")
                var slot: ThemeSlot? = best ? .success : nil
                if let d = c.delta(metric, item: i, over: baseline) {
                    text += " " + DisplayFormat.delta(d.difference)
                    if !best { slot = d.better.map { $0 ? .diffAdded : .diffRemoved } }
                }
                out.append(.text(text, slot))
            }
            return out
        case .param(let key):
            let differs = c.differingParams.contains(key)
            let values = c.params[key] ?? []
            let head = TableCell.text((differs ? "≠ " : "  ") + key, differs ? .diffChanged : nil)
            return [head] + values.map { TableCell.text($0 ?? "-", differs ? .diffChanged : .textDim) }
        case .lineage(let l):
            let r = lineage[l]
            let head = TableCell.text((r.differs ? "≠ " : "  ") + r.key, r.differs ? .diffChanged : nil)
            return [head] + r.values.map { TableCell.text($0 ?? "-", r.differs ? .diffChanged : .textDim) }
        }
    }

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
        let c = d.comparison
        let n = d.labels.count
        var info = "\(n) items · baseline \(d.labels.indices.contains(baseline) ? d.labels[baseline] : "-")"
        if !d.missing.isEmpty { info += " · not found: " + d.missing.joined(separator: ", ") }
        region.put(info, at: .zero, style: theme[.textDim], maxWidth: region.width)
        let rows = self.rows
        let lineage = c.lineageRows
        let chartHeight = region.height >= 22 ? max(8, region.height * 2 / 5) : 0
        let tableHeight = region.height - 1 - chartHeight
        var columns = [TableColumn("", width: ColumnWidth(min: 10, max: 26))]
        for (i, label) in d.labels.enumerated() {
            let mark = (i == baseline ? "◆" : "") + (i == focus ? "▸" : "")
            columns.append(TableColumn(mark + label, width: ColumnWidth(min: 10, max: 24), alignment: .right))
        }
        Table(columns: columns, rowCount: rows.count, frozenColumns: 1) { [unowned self] r in
            self.cells(rows[r], c, lineage: lineage)
        }.render(into: region.sub(Rect(x: 0, y: 1, width: region.width, height: tableHeight)), state: &state, theme: theme)
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
            else { LineChart(series: series).render(into: left.sub(Rect(x: 0, y: 1, width: left.width, height: left.height - 1)), theme: theme) }
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
