/// One set of points of an ``XYChart``.
public struct XYSeries: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// Consecutive points joined by a line (a curve); false draws the points alone (a scatter).
    public var connected: Bool
    /// Colour slot; nil takes `chart.series.N` by position.
    public var slot: ThemeSlot?

    public init(_ name: String, x: [Double], y: [Double], connected: Bool = true, slot: ThemeSlot? = nil) {
        self.name = name; self.x = x; self.y = y; self.connected = connected; self.slot = slot
    }
}

/// A chart of y against x drawn in braille (2×4 dots a cell), for curves whose x is not a step:
/// ROC and precision-recall curves, calibration, predicted against actual. Axis bounds are
/// given (curves live in [0, 1]) or fitted to the data; a legend on the top row, the bounds as
/// labels on the axes.
public struct XYChart {
    public var series: [XYSeries]
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    /// Name of the x axis, under it on the left of the right-hand bound.
    public var xTitle: String

    public init(series: [XYSeries], xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil, xTitle: String = "") {
        self.series = series; self.xRange = xRange; self.yRange = yRange; self.xTitle = xTitle
    }

    /// The bounds drawn: given ones, else the data's (widened when flat).
    public func bounds() -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        func fit(_ values: [Double]) -> ClosedRange<Double> {
            let finite = values.filter(\.isFinite)
            guard let lo = finite.min(), let hi = finite.max() else { return 0...1 }
            return hi > lo ? lo...hi : (lo - 1)...(hi + 1)
        }
        return (xRange ?? fit(series.flatMap(\.x)), yRange ?? fit(series.flatMap(\.y)))
    }

    /// Braille dot masks of a plot `width`×`height` cells and the series owning each cell (-1: none).
    public func plot(width: Int, height: Int) -> (dots: [UInt8], owner: [Int]) {
        var dots = [UInt8](repeating: 0, count: max(0, width * height))
        var owner = [Int](repeating: -1, count: max(0, width * height))
        guard width > 0, height > 0 else { return (dots, owner) }
        let (xr, yr) = bounds()
        let cols = width * 2, rows = height * 4
        func dot(_ value: Double, _ range: ClosedRange<Double>, _ count: Int) -> Int? {
            guard value.isFinite else { return nil }
            let span = range.upperBound - range.lowerBound
            let fraction = span > 0 ? min(max((value - range.lowerBound) / span, 0), 1) : 0
            return Int((fraction * Double(count - 1)).rounded())
        }
        func light(_ c: Int, _ r: Int, _ s: Int) {  // r counts from the bottom
            let fromTop = rows - 1 - r
            let cell = (fromTop / 4) * width + c / 2
            dots[cell] |= 1 << UInt8((fromTop % 4) * 2 + c % 2)
            owner[cell] = s
        }
        for (si, s) in series.enumerated() {
            var previous: (Int, Int)?
            for i in 0..<min(s.x.count, s.y.count) {
                guard let c = dot(s.x[i], xr, cols), let r = dot(s.y[i], yr, rows) else { previous = nil; continue }
                if s.connected, let (pc, pr) = previous {
                    let steps = max(abs(c - pc), abs(r - pr))
                    for k in 0...steps {
                        let t = steps == 0 ? 0 : Double(k) / Double(steps)
                        light(pc + Int((Double(c - pc) * t).rounded()), pr + Int((Double(r - pr) * t).rounded()), si)
                    }
                } else {
                    light(c, r, si)
                }
                previous = (c, r)
            }
        }
        return (dots, owner)
    }

    public func render(into region: Region, theme: Theme) {
        guard region.width > 6, region.height > 3 else { return }
        let axis = theme[.chartAxis]
        var x = 0
        for (i, s) in series.enumerated() where x < region.width {
            x += region.put("━ ", at: Point(x: x, y: 0), style: theme[s.slot ?? .chartSeries(i)])
            x += region.put(s.name, at: Point(x: x, y: 0), style: theme[.text]) + 2
        }
        let (xr, yr) = bounds()
        let yLabels = [CompactNumber.format(yr.upperBound), CompactNumber.format(yr.lowerBound)]
        let labelW = min(yLabels.map(\.displayWidth).max() ?? 0, region.width / 3)
        let plotX = labelW + 1, plotW = region.width - plotX, plotH = region.height - 3
        guard plotW > 0, plotH > 0 else { return }
        region.verticalLine(x: labelW, y: 1, length: plotH, "│", style: axis)
        region.put(yLabels[0], at: Point(x: 0, y: 1), style: axis, width: labelW, alignRight: true)
        region.put(yLabels[1], at: Point(x: 0, y: plotH), style: axis, width: labelW, alignRight: true)
        region.set("└", x: labelW, y: plotH + 1, style: axis)
        region.horizontalLine(y: plotH + 1, x: plotX, length: plotW, "─", style: axis)
        let left = CompactNumber.format(xr.lowerBound), right = CompactNumber.format(xr.upperBound)
        region.put(left, at: Point(x: plotX, y: plotH + 2), style: axis)
        if !xTitle.isEmpty, left.displayWidth + xTitle.displayWidth + right.displayWidth + 4 <= plotW {
            region.put(xTitle, at: Point(x: plotX + (plotW - xTitle.displayWidth) / 2, y: plotH + 2), style: axis)
        }
        if left.displayWidth + right.displayWidth + 1 <= plotW {
            region.put(right, at: Point(x: region.width - right.displayWidth, y: plotH + 2), style: axis)
        }
        let (dots, owner) = plot(width: plotW, height: plotH)
        for cy in 0..<plotH {
            for cx in 0..<plotW where dots[cy * plotW + cx] != 0 {
                let s = owner[cy * plotW + cx]
                region.set(BlockGlyphs.braille(dots[cy * plotW + cx]), x: plotX + cx, y: 1 + cy, style: theme[series[s].slot ?? .chartSeries(s)])
            }
        }
    }
}
