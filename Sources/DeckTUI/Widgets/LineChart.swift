/// One line of a ``LineChart``.
public struct ChartSeries: Sendable {
    public var name: String
    public var values: [Double]
    /// Colour slot; nil takes `chart.series.N` by position.
    public var slot: ThemeSlot?
    public init(_ name: String, values: [Double], slot: ThemeSlot? = nil) {
        self.name = name; self.values = values; self.slot = slot
    }
}

/// A line chart drawn in braille: each cell holds 2×4 dots, so two samples per cell across and
/// four levels per cell up. Several series share the plot (a cell takes the colour of the last
/// series that lit a dot in it). The y axis is labelled at round-number ticks (``AxisTicks``), each
/// label on its tick mark; an x axis with optional end labels, and a legend on the top row.
public struct LineChart {
    public var series: [ChartSeries]
    /// Fixed y bounds; nil fits the data.
    public var yMin: Double?
    public var yMax: Double?
    /// Labels under the x axis at its left and right ends (e.g. `0` and `200`).
    public var xLabels: (String, String)?
    public var showLegend: Bool
    /// Keeps the last plot of the same series for the next frame (see ``ChartPlotCache``).
    public var cache: ChartPlotCache?

    public init(series: [ChartSeries], yMin: Double? = nil, yMax: Double? = nil,
                xLabels: (String, String)? = nil, showLegend: Bool = true, cache: ChartPlotCache? = nil) {
        self.series = series; self.yMin = yMin; self.yMax = yMax
        self.xLabels = xLabels; self.showLegend = showLegend; self.cache = cache
    }

    /// The y range drawn on a plot `rows` cells tall: the data range (widened when flat) extended
    /// to the round-number ticks around it, where not fixed by ``yMin``/``yMax``.
    public func yRange(rows: Int) -> (Double, Double) {
        let t = ticks(rows: rows)
        return (t.low, t.high)
    }

    /// The y-axis ticks for a plot `rows` cells tall.
    public func ticks(rows: Int) -> AxisTicks {
        let (lo, hi) = yRange()
        return AxisTicks(low: lo, high: hi, rows: rows, fixLow: yMin != nil, fixHigh: yMax != nil)
    }

    /// The data range (widened when flat), before widening to ticks.
    public func yRange() -> (Double, Double) {
        let all = series.flatMap(\.values).filter(\.isFinite)
        var lo = yMin ?? all.min() ?? 0
        var hi = yMax ?? all.max() ?? 1
        if hi <= lo {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            if yMin == nil { lo -= pad }
            if yMax == nil || hi <= lo { hi = lo + 2 * pad }
        }
        return (lo, hi)
    }

    /// Braille dot masks of a plot `width`×`height` cells: for each cell, the dot mask and the
    /// index of the series that owns it (-1 for none).
    public func plot(width: Int, height: Int) -> (dots: [UInt8], owner: [Int]) {
        var dots = [UInt8](repeating: 0, count: max(0, width * height))
        var owner = [Int](repeating: -1, count: max(0, width * height))
        guard width > 0, height > 0 else { return (dots, owner) }
        let (lo, hi) = yRange(rows: height)
        let cols = width * 2, rows = height * 4
        for (si, s) in series.enumerated() {
            let n = s.values.count
            guard n > 0 else { continue }
            // Samples shown: all when they fit, otherwise spread over the columns.
            let usedCols = min(cols, max(n, 1) == 1 ? 1 : cols)
            var prevRow: Int? = nil
            for c in 0..<usedCols {
                let t = usedCols == 1 ? 0 : Double(c) * Double(n - 1) / Double(usedCols - 1)
                let i0 = Int(t.rounded(.down)), i1 = min(n - 1, i0 + 1)
                let v0 = s.values[i0], v1 = s.values[i1]
                let v = v0.isFinite && v1.isFinite ? v0 + (v1 - v0) * (t - Double(i0)) : (v0.isFinite ? v0 : v1)
                guard v.isFinite else { prevRow = nil; continue }
                // Halves keep the span finite for values near ±Double.greatestFiniteMagnitude.
                let scaled = (v / 2 - lo / 2) / (hi / 2 - lo / 2)
                let frac = scaled.isNaN ? 0 : min(max(scaled, 0), 1)
                let r = Int((frac * Double(rows - 1)).rounded())  // 0 = bottom
                let from = prevRow.map { $0 < r ? $0 + 1 : ($0 > r ? $0 - 1 : r) } ?? r
                for rr in Swift.min(from, r)...Swift.max(from, r) {
                    let rowFromTop = rows - 1 - rr
                    let cell = (rowFromTop / 4) * width + c / 2
                    dots[cell] |= 1 << UInt8((rowFromTop % 4) * 2 + c % 2)
                    owner[cell] = si
                }
                prevRow = r
            }
        }
        return (dots, owner)
    }

    public func render(into region: Region, theme: Theme) {
        guard region.width > 4, region.height > 2 else { return }
        let axis = theme[.chartAxis]
        var top = 0
        if showLegend && !series.isEmpty {
            var x = 0
            for (i, s) in series.enumerated() {
                let st = theme[s.slot ?? .chartSeries(i)]
                x += region.put("━ ", at: Point(x: x, y: 0), style: st)
                x += region.put(s.name, at: Point(x: x, y: 0), style: theme[.text]) + 2
                if x >= region.width { break }
            }
            top = 1
        }
        let bottomRows = xLabels == nil ? 1 : 2
        let plotH = region.height - top - bottomRows
        guard plotH > 0 else { return }
        let ticks = self.ticks(rows: plotH).labels(rows: plotH)
        let labelW = min(ticks.map(\.text.displayWidth).max() ?? 0, max(0, region.width / 3))
        let plotX = labelW + 1
        let plotW = region.width - plotX
        guard plotW > 0 else { return }
        // Y axis with a label on each tick mark.
        region.verticalLine(x: labelW, y: top, length: plotH, "│", style: axis)
        for tick in ticks {
            region.put(tick.text, at: Point(x: 0, y: top + tick.row), style: axis, width: labelW, alignRight: true)
            region.set("┤", x: labelW, y: top + tick.row, style: axis)
        }
        // X axis.
        let axisY = top + plotH
        region.set("└", x: labelW, y: axisY, style: axis)
        region.horizontalLine(y: axisY, x: plotX, length: plotW, "─", style: axis)
        if let (l, r) = xLabels {
            region.put(l, at: Point(x: plotX, y: axisY + 1), style: axis)
            let rw = r.displayWidth
            if rw + l.displayWidth + 1 <= plotW {
                region.put(r, at: Point(x: region.width - rw, y: axisY + 1), style: axis)
            }
        }
        // The plot.
        let dots: [UInt8], owner: [Int]
        if let hit = cache?.plot(width: plotW, height: plotH) {
            (dots, owner) = hit
        } else {
            (dots, owner) = plot(width: plotW, height: plotH)
            cache?.store(width: plotW, height: plotH, dots: dots, owner: owner)
        }
        for y in 0..<plotH {
            for x in 0..<plotW {
                let i = y * plotW + x
                guard dots[i] != 0 else { continue }
                let s = owner[i]
                region.set(BlockGlyphs.braille(dots[i]), x: plotX + x, y: top + y,
                           style: theme[series[s].slot ?? .chartSeries(s)])
            }
        }
    }
}

/// The last plot of a chart whose series have not changed: a pane that redraws the same curves
/// on every frame (Compare's 50 overlaid curves while its table scrolls) keeps one and calls
/// ``invalidate()`` when the series change, so the dots are computed once, not per frame.
public final class ChartPlotCache {
    private var size: (width: Int, height: Int)?
    private var dots: [UInt8] = []
    private var owner: [Int] = []
    /// How many plots were computed into it (tests).
    public private(set) var stores = 0

    public init() {}

    /// Forgets the plot (the series changed).
    public func invalidate() { size = nil }

    func plot(width: Int, height: Int) -> (dots: [UInt8], owner: [Int])? {
        guard let size, size.width == width, size.height == height else { return nil }
        return (dots, owner)
    }

    func store(width: Int, height: Int, dots: [UInt8], owner: [Int]) {
        size = (width, height); self.dots = dots; self.owner = owner; stores += 1
    }
}
