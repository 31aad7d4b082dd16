import DeckEngine
import Foundation

/// A quality alert's metric over time against its floor (or ceiling): the monitor's rolling
/// metric at points along the labeled predictions, the bound as a flat line, and the points that
/// break it marked; a caption with the newest value and the time span.
struct QualityHistoryChart {
    var history: QualityHistory

    /// The chart's series: the metric, the bound, the breaching points.
    var series: [XYSeries] {
        let pts = history.points
        let x = pts.map { Double($0.index) }
        let lo = x.first ?? 0, hi = max(x.last ?? 1, lo + 1)
        let relation = history.higherIsBetter ? "floor" : "ceiling"
        var out = [XYSeries(history.metric, x: x, y: pts.map(\.value), slot: .chartSeries1),
                   XYSeries("\(relation) \(DisplayFormat.number(history.bound))", x: [lo, hi], y: [history.bound, history.bound], slot: .severityCritical)]
        let breached = pts.filter(\.breached)
        if !breached.isEmpty {
            out.append(XYSeries("breached", x: breached.map { Double($0.index) }, y: breached.map(\.value), connected: false, slot: .severityWarning))
        }
        return out
    }

    func render(into region: Region, theme: Theme) {
        let h = history
        let relation = h.higherIsBetter ? "floor" : "ceiling"
        guard let last = h.points.last else {
            region.put("\(h.metric) over time: no window of \(h.labeled) labeled prediction(s) gives a value yet", at: .zero,
                       style: theme[.textDim], maxWidth: region.width)
            return
        }
        var caption = "\(h.metric) over time vs its \(relation) \(DisplayFormat.number(h.bound)) · now \(DisplayFormat.number(last.value))"
        caption += last.breached ? " (breaks it)" : " (within it)"
        if let from = h.points.first?.time, let to = last.time { caption += " · \(DisplayFormat.time(from)) → \(DisplayFormat.time(to))" }
        region.put(caption, at: .zero, style: theme[last.breached ? .severityCritical : .title], maxWidth: region.width)
        let values = h.points.map(\.value) + [h.bound]
        let lo = values.min() ?? 0, hi = values.max() ?? 1
        let pad = hi > lo ? (hi - lo) * 0.05 : 0.05
        XYChart(series: series, yRange: (lo - pad)...(hi + pad),
                xTitle: "labeled predictions (each point: the last \(h.window))")
            .render(into: region.sub(Rect(x: 0, y: 1, width: region.width, height: max(0, region.height - 1))), theme: theme)
    }
}
