import DeckEngine
import DeckStore
import Foundation

/// One alert opened: its summary, then every feature's test, score, threshold and verdict in a
/// table sorted by score (drifted first), and beside or under it the selected feature's
/// reference-vs-current histogram pair. A quality alert shows its metric over time against its
/// floor instead (``QualityHistory``, read off the UI thread).
@MainActor
public final class AlertDetailView: View {
    public let alert: AlertRecord
    public var title: String { "#\(alert.id) \(alert.subjectText)" }
    /// Features, drifted first, then by score, highest first.
    public let features: [AlertFeature]
    public var state = TableState()
    /// The quality alert's metric history (nil for other kinds or without a store).
    private let qualityLoader: PaneLoader<QualityHistory?>?

    /// - Parameter store: where a quality alert's metric history is read from (off the UI thread).
    public init(alert: AlertRecord, store: DeckStore? = nil) {
        self.alert = alert
        features = alert.features.sorted { a, b in
            a.drifted != b.drifted ? a.drifted : (a.score ?? -.infinity) > (b.score ?? -.infinity)
        }
        if alert.kind == .quality, let store {
            let loader = PaneLoader<QualityHistory?>(label: "quality-history", store: store)
            loader.load { try QualityHistory.load(alert: alert, store: $0) }
            qualityLoader = loader
        } else {
            qualityLoader = nil
        }
    }

    /// The loaded metric history of a quality alert.
    public var qualityHistory: QualityHistory? { qualityLoader?.value ?? nil }

    public func tick() -> Bool { qualityLoader?.apply() ?? false }

    public func waitForLoad() { _ = qualityLoader?.waitForLoad() }

    public var bindings: [KeyBinding] {
        KeyBinding.tableNavigation { [unowned self] key in
                self.state.handle(key, rowCount: self.features.count, columnCount: 6) ? .redraw : nil
            }
    }

    public func handle(_ key: Key) -> Effect? {
        TableMouse.handle(key, state: &state, rowCount: features.count, columnCount: 6, firstRowY: Self.tableTop + 1).effect(open: nil)
    }

    /// The table's header line (under the summary).
    static let tableTop = 3

    public func render(into region: Region, theme: Theme) {
        let now = Date().timeIntervalSince1970
        for (i, line) in Self.summaryLines(alert, now: now).prefix(Self.tableTop).enumerated() {
            region.put(line.0, at: Point(x: 0, y: i), style: theme[line.1], maxWidth: region.width)
        }
        let body = region.sub(Rect(x: 0, y: Self.tableTop, width: region.width, height: max(0, region.height - Self.tableTop)))
        if let loader = qualityLoader {
            if let history = loader.value ?? nil {
                QualityHistoryChart(history: history).render(into: body, theme: theme)
            } else {
                let text = loader.error.map { "Cannot read the metric's history: \($0)" } ?? (loader.isLoading ? "Reading the metric's history…" : "No history for this alert.")
                body.put(text, at: .zero, style: theme[loader.error == nil ? .textDim : .error], maxWidth: body.width)
            }
            return
        }
        guard !features.isEmpty else {
            body.put("This alert has no per-feature results (\(alert.kind.rawValue)).", at: .zero, style: theme[.textDim], maxWidth: body.width)
            return
        }
        let wide = body.width >= 110
        let (left, right) = SplitPane(wide ? .horizontal : .vertical, ratio: wide ? 0.55 : 0.5, minimum: 4).render(into: body, theme: theme)
        let cols = [TableColumn("Feature", width: .flexible(min: 8, max: 28)), TableColumn("Type", width: ColumnWidth(min: 4, max: 11)),
                    TableColumn("Test", width: ColumnWidth(min: 4, max: 16)), TableColumn("Score", width: ColumnWidth(min: 6, max: 10), alignment: .right),
                    TableColumn("Threshold", width: ColumnWidth(min: 9, max: 10), alignment: .right), TableColumn("Verdict", width: ColumnWidth(min: 7, max: 9))]
        let items = features, verdictSlot = alert.severitySlot
        Table(columns: cols, rowCount: items.count, emptyText: "No features") { i in
            let f = items[i]
            let slot: ThemeSlot? = f.drifted ? nil : .textDim
            return [.text(f.name, f.drifted ? .title : .textDim), .text(f.type ?? "-", slot), .text(f.test, slot),
                    .text(f.score.map(DisplayFormat.number) ?? "-", slot), .text(f.threshold.map(DisplayFormat.number) ?? "-", .textDim),
                    .text(f.drifted ? "drifted" : "ok", f.drifted ? verdictSlot : .textDim)]
        }.render(into: left, state: &state, theme: theme)
        guard items.indices.contains(state.selected) else { return }
        Self.renderHistogram(items[state.selected], into: right, theme: theme)
    }

    /// The reference and current shares of each bin as bar pairs.
    static func renderHistogram(_ f: AlertFeature, into region: Region, theme: Theme) {
        region.put("\(f.name): reference vs current", at: .zero, style: theme[.title], maxWidth: region.width)
        guard let h = f.histogram, !h.labels.isEmpty else {
            region.put("no histogram stored for this feature", at: Point(x: 0, y: 1), style: theme[.textDim], maxWidth: region.width)
            return
        }
        region.put("━ reference", at: Point(x: 0, y: 1), style: theme[.chartSeries1])
        region.put("━ current", at: Point(x: 13, y: 1), style: theme[.chartSeries2])
        let labelWidth = min(14, (h.labels.map(\.displayWidth).max() ?? 4) + 1)
        let barWidth = max(4, region.width - labelWidth - 8)
        let top = max(h.reference.max() ?? 0, h.current.max() ?? 0)
        var y = 2
        for (i, label) in h.labels.enumerated() {
            guard y + 1 < region.height else { break }
            let ref = i < h.reference.count ? h.reference[i] : 0
            let cur = i < h.current.count ? h.current[i] : 0
            region.put(label, at: Point(x: 0, y: y), style: theme[.textDim], maxWidth: labelWidth - 1)
            region.put(bar(ref, of: top, width: barWidth) + " " + DisplayFormat.number(ref), at: Point(x: labelWidth, y: y), style: theme[.chartSeries1], maxWidth: region.width - labelWidth)
            region.put(bar(cur, of: top, width: barWidth) + " " + DisplayFormat.number(cur), at: Point(x: labelWidth, y: y + 1), style: theme[.chartSeries2], maxWidth: region.width - labelWidth)
            y += 2
        }
    }

    /// A horizontal bar in eighths of a cell.
    static func bar(_ value: Double, of top: Double, width: Int) -> String {
        guard top > 0, value > 0, value.isFinite else { return "" }
        let eighths = Int((value / top * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        return String(repeating: "█", count: eighths / 8) + partial
    }

    /// The lines that sum an alert up (under the list, and at the top of its view).
    static func summaryLines(_ a: AlertRecord, now: Double) -> [(String, ThemeSlot)] {
        var out: [(String, ThemeSlot)] = []
        out.append(("#\(a.id) \(a.severity.rawValue) \(a.kind.rawValue) on \(a.subjectText) · \(a.message)", a.isOpen ? a.severitySlot : .textDim))
        var when = "window \(a.window) · created \(DisplayFormat.time(a.createdAt)) (\(DisplayFormat.ago(a.createdAt, now: now)))"
        if a.occurrences > 1 { when += " · seen in \(a.occurrences) windows, last \(DisplayFormat.ago(a.lastSeenAt, now: now))" }
        out.append((when, .textDim))
        if let r = a.resolvedAt {
            out.append(("resolved \(DisplayFormat.time(r))" + (a.resolvedReason.map { ": \($0)" } ?? ""), .success))
        } else if let by = a.acknowledgedBy, let at = a.acknowledgedAt {
            out.append(("acknowledged by \(by) \(DisplayFormat.ago(at, now: now))" + (a.acknowledgeNote.map { ": \($0)" } ?? ""), .textDim))
        } else {
            out.append(("open, not acknowledged: a acknowledges, r retrains", .warning))
        }
        let drifted = a.features.filter(\.drifted).sorted { ($0.score ?? 0) > ($1.score ?? 0) }
        if !drifted.isEmpty {
            out.append(("drifted features (\(drifted.count) of \(a.features.count))", .title))
            for f in drifted.prefix(12) {
                let score = f.score.map(DisplayFormat.number) ?? "-", threshold = f.threshold.map(DisplayFormat.number) ?? "-"
                out.append(("  \(f.name)  \(f.test) \(score) (threshold \(threshold))", .text))
            }
        }
        if let run = a.runID { out.append(("run \(run.prefix(8))", .textDim)) }
        return out
    }
}
