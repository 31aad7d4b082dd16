import DeckEngine
import DeckML
import DeckStore
import Foundation

/// One dataset version: its schema and per-column statistics (from the profile recorded when it
/// was added), with a histogram for numeric columns and the top categories for the others, and
/// what uses it (model versions, runs).
@MainActor
public final class DatasetVersionView: View {
    public let context: PaneContext
    public let reference: String
    public var title: String { reference }
    /// The version's details (read off the UI thread by ``loader``; nil while loading).
    public var details: DatasetVersionDetails? { loader.value }
    public var loadError: String? { loader.error }
    public var state = TableState()
    private let loader: PaneLoader<DatasetVersionDetails>

    public init(context: PaneContext, reference: String) {
        self.context = context; self.reference = reference
        loader = PaneLoader(label: "dataset-version", store: context.store) {
            try DatasetVersionDetails.load(try DatasetReference(parsing: reference), from: $0)
        }
        loader.load()
    }

    /// Waits for the details being read and applies them (tests).
    public func waitForLoad() { loader.waitForLoad() }

    /// Applies the details when they arrive (a version does not change once recorded).
    public func tick() -> Bool { loader.apply() }

    var columns: [ColumnProfile] { details?.profile?.columns ?? [] }
    public var selectedColumn: ColumnProfile? { columns.indices.contains(state.selected) ? columns[state.selected] : nil }

    public var bindings: [KeyBinding] {
        KeyBinding.tableNavigation(group: "Columns") { [unowned self] key in
            self.state.handle(key, rowCount: self.columns.count, columnCount: 5) ? .redraw : nil
        }
    }

    public func render(into region: Region, theme: Theme) {
        if let loadError { region.put(loadError, at: .zero, style: theme[.error]); return }
        guard let d = details else { region.put("Loading \(reference)…", at: .zero, style: theme[.textDim]); return }
        let v = d.version
        var facts = [v.reference]
        if let r = v.rows, let c = v.columns { facts.append("\(DisplayFormat.count(r)) rows × \(c) columns") }
        facts += [DisplayFormat.bytes(v.logicalBytes) + " (stored \(DisplayFormat.bytes(v.storedBytes)))", v.author, DisplayFormat.time(v.createdAt)]
        let x = region.put(facts.joined(separator: " · "), at: .zero, style: theme[.title])
        _ = x
        var line1 = v.message.isEmpty ? "" : "“\(v.message)”  "
        if !d.usedByModels.isEmpty { line1 += "used by models: \(d.usedByModels.joined(separator: ", "))  " }
        if !d.usedByRuns.isEmpty { line1 += "runs: \(d.usedByRuns.count)" }
        region.put(line1, at: Point(x: 0, y: 1), style: theme[.textDim])
        let body = region.sub(Rect(x: 0, y: 2, width: region.width, height: region.height - 2))
        guard let profile = d.profile else {
            body.put("No statistics: this version is \(v.format.rawValue), not a table", at: .zero, style: theme[.textDim])
            return
        }
        let wide = body.width >= 90
        let (left, right) = SplitPane(wide ? .horizontal : .vertical, ratio: wide ? 0.55 : 0.5, minimum: 4).render(into: body, theme: theme)
        let cols = [TableColumn("Column", width: .flexible(min: 8, max: 24)), TableColumn("Type", width: ColumnWidth(min: 7, max: 11)),
                    TableColumn("Missing", width: ColumnWidth(min: 7, max: 8), alignment: .right),
                    TableColumn("Distinct", width: ColumnWidth(min: 8, max: 9), alignment: .right),
                    TableColumn("Mean / top", width: .flexible(min: 8, max: 30))]
        let items = profile.columns
        Table(columns: cols, rowCount: items.count, emptyText: "No columns") { i in
            let c = items[i]
            let summary: String
            if let mean = c.mean, c.type == .integer || c.type == .float { summary = DisplayFormat.number(mean) }
            else if let top = c.top?.first { summary = "\(top.value) (\(DisplayFormat.count(top.count)))" }
            else { summary = "-" }
            return [.text(c.name), .text(c.type.rawValue, .textDim), .text(c.missing == 0 ? "0" : DisplayFormat.count(c.missing), c.missing > 0 ? .warning : .textDim),
                    .text(DisplayFormat.count(c.distinct)), .text(summary)]
        }.render(into: left, state: &state, theme: theme)
        if let c = selectedColumn {
            ColumnStatsPanel(column: c, rowCount: profile.rowCount)
                .render(into: right.sub(Rect(x: wide ? 1 : 0, y: 0, width: right.width - (wide ? 1 : 0), height: right.height)), theme: theme)
        }
    }

    /// The mouse (the keys are ``bindings``).
    public func handle(_ key: Key) -> Effect? {
        TableMouse.handle(key, state: &state, rowCount: columns.count, columnCount: 5, firstRowY: 3).effect(open: bindings.binding(for: .enter)?.action)
    }
}

/// The statistics of one column: counts, range, mean and quantiles, then a histogram (numbers)
/// or the top categories as bars.
public struct ColumnStatsPanel {
    public var column: ColumnProfile
    public var rowCount: Int

    public init(column: ColumnProfile, rowCount: Int) { self.column = column; self.rowCount = rowCount }

    public func lines() -> [String] {
        let c = column
        var out = ["\(c.name)  (\(c.type.rawValue))",
                   "count \(DisplayFormat.count(c.count)) · missing \(DisplayFormat.count(c.missing)) · distinct \(DisplayFormat.count(c.distinct))"]
        if let lo = c.min, let hi = c.max, c.type != .boolean {
            if c.type == .datetime, let a = c.minText, let b = c.maxText { out.append("range \(a) … \(b)") }
            else { out.append("min \(DisplayFormat.number(lo)) · max \(DisplayFormat.number(hi))") }
        }
        if let m = c.mean { out.append("mean \(DisplayFormat.number(m))" + (c.std.map { " · std \(DisplayFormat.number($0))" } ?? "")) }
        if let q = c.quantiles, !q.isEmpty {
            let pick = q.filter { [0.05, 0.25, 0.5, 0.75, 0.95].contains($0.q) }
            out.append(pick.map { "p\(Int(($0.q * 100).rounded())) \(DisplayFormat.number($0.value))" }.joined(separator: " · "))
        }
        return out
    }

    public func render(into region: Region, theme: Theme) {
        let info = lines()
        for (i, l) in info.enumerated() where i < region.height { region.put(l, at: Point(x: 0, y: i), style: theme[i == 0 ? .title : .text]) }
        let chartTop = info.count + 1
        let chart = region.sub(Rect(x: 0, y: chartTop, width: region.width, height: region.height - chartTop))
        guard chart.height >= 3 else { return }
        if let h = column.histogram, !h.counts.isEmpty {
            let labels = [DisplayFormat.number(h.edges.first ?? 0), DisplayFormat.number(h.edges.last ?? 0)]
            let hist = chart.sub(Rect(x: 0, y: 0, width: chart.width, height: chart.height - 1))
            Histogram(bins: h.counts.map(Double.init)).render(into: hist, theme: theme)
            chart.put(labels[0], at: Point(x: 0, y: chart.height - 1), style: theme[.chartAxis])
            chart.put(labels[1], at: Point(x: max(0, chart.width - labels[1].displayWidth), y: chart.height - 1), style: theme[.chartAxis])
        } else if let top = column.top, !top.isEmpty {
            let total = max(1, column.count)
            let nameW = min(24, top.map(\.value.displayWidth).max() ?? 4)
            for (i, t) in top.prefix(chart.height).enumerated() {
                chart.put(t.value, at: Point(x: 0, y: i), style: theme[.text], width: nameW)
                let pct = Double(t.count) / Double(total)
                ProgressBar(fraction: pct, label: "\(Int((pct * 100).rounded()))%")
                    .render(into: chart.sub(Rect(x: nameW + 1, y: i, width: chart.width - nameW - 1, height: 1)), theme: theme, barSlot: .bar)
            }
        }
    }
}
