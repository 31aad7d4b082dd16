import DeckEngine
import DeckML

/// The Evaluation tab of a run: what its `evaluate` step recorded, drawn. For a binary model the
/// ROC, precision-recall and (when wide enough) calibration curves across the top; below them
/// the confusion matrix as a heat map (shade by the share of the actual class, green on the
/// diagonal) beside the features by gain as bars. Reference lines (chance, ideal) are drawn
/// first so the data's dots own the cells they share. Regression draws predicted against actual and
/// the residuals; multiclass the matrix and importance.
public struct EvaluationPanel: Sendable {
    public var step: String
    public var report: EvaluationReport

    public init(step: String, report: EvaluationReport) { self.step = step; self.report = report }

    /// The shades of the heat map, lightest first.
    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    public func render(into region: Region, theme: Theme) {
        guard region.height > 2, region.width > 10 else { return }
        let result = report.result
        var facts = ["step \(step)", "\(report.split) split", "\(report.rows) rows", result.task.rawValue]
        if let auc = result.metrics["auc"] { facts.append("auc \(DisplayFormat.number(auc))") }
        if let rmse = result.metrics["rmse"] { facts.append("rmse \(DisplayFormat.number(rmse))") }
        if let t = result.threshold { facts.append("threshold \(DisplayFormat.number(t))") }
        region.put(facts.joined(separator: " · "), at: .zero, style: theme[.textDim])
        let body = region.sub(Rect(x: 0, y: 1, width: region.width, height: region.height - 1))
        let charts = report.charts ?? EvaluationCharts()
        var curves: [XYChart] = []
        var titles: [String] = []
        if let roc = charts.roc {
            curves.append(XYChart(series: [XYSeries("chance", x: [0, 1], y: [0, 1], slot: .chartAxis), XYSeries("ROC", x: roc.fpr, y: roc.tpr, slot: .chartSeries1)],
                                  xRange: 0...1, yRange: 0...1, xTitle: "false positive rate"))
            titles.append("ROC curve (true positive rate)")
        }
        if let pr = charts.precisionRecall {
            curves.append(XYChart(series: [XYSeries("precision", x: pr.recall, y: pr.precision)], xRange: 0...1, yRange: 0...1, xTitle: "recall"))
            titles.append("Precision-recall")
        }
        if let cal = charts.calibration, body.width >= 120 {
            curves.append(XYChart(series: [XYSeries("ideal", x: [0, 1], y: [0, 1], slot: .chartAxis),
                                           XYSeries("observed", x: cal.meanPredicted, y: cal.fractionPositive, slot: .chartSeries1)],
                                  xRange: 0...1, yRange: 0...1, xTitle: "mean predicted"))
            titles.append("Calibration (fraction positive)")
        }
        if let points = charts.predictedVsActual {
            let lo = min(points.actual.min() ?? 0, points.predicted.min() ?? 0), hi = max(points.actual.max() ?? 1, points.predicted.max() ?? 1)
            let range = hi > lo ? lo...hi : (lo - 1)...(hi + 1)
            curves.append(XYChart(series: [XYSeries("ideal", x: [range.lowerBound, range.upperBound], y: [range.lowerBound, range.upperBound], slot: .chartAxis),
                                           XYSeries("rows", x: points.actual, y: points.predicted, connected: false, slot: .chartSeries1)],
                                  xRange: range, yRange: range, xTitle: "actual"))
            titles.append("Predicted vs actual" + (points.isSampled ? " (\(points.actual.count) of \(points.totalRows) rows)" : ""))
        }
        let hasLower = result.confusionMatrix != nil || charts.importance != nil || charts.residuals != nil
        let curveHeight = curves.isEmpty ? 0 : (hasLower ? max(6, body.height * 11 / 20) : body.height)
        if !curves.isEmpty {
            let width = body.width / curves.count
            for (i, chart) in curves.enumerated() {
                let cell = body.sub(Rect(x: i * width, y: 0, width: width - 1, height: curveHeight))
                cell.put(titles[i], at: .zero, style: theme[.title], maxWidth: cell.width)
                chart.render(into: cell.sub(Rect(x: 0, y: 1, width: cell.width, height: cell.height - 1)), theme: theme)
            }
        }
        let lower = body.sub(Rect(x: 0, y: curveHeight, width: body.width, height: body.height - curveHeight))
        guard lower.height > 1 else { return }
        let leftWidth = charts.importance == nil ? lower.width : lower.width / 2
        let left = lower.sub(Rect(x: 0, y: 0, width: leftWidth - 1, height: lower.height))
        if let matrix = result.confusionMatrix {
            renderMatrix(matrix, into: left, theme: theme)
        } else if let r = charts.residuals {
            renderResiduals(r, into: left, theme: theme)
        }
        if let importance = charts.importance {
            let right = lower.sub(Rect(x: leftWidth, y: 0, width: lower.width - leftWidth, height: lower.height))
            renderImportance(importance, into: right, theme: theme)
        }
        if curves.isEmpty && !hasLower {
            body.put("This evaluation has no charts (it was recorded before MLDeck drew them; run the pipeline again)", at: .zero, style: theme[.textDim])
        }
    }

    /// The confusion matrix: one row per actual class, cells shaded by their share of the row.
    func renderMatrix(_ matrix: [[Int]], into region: Region, theme: Theme) {
        region.put("Confusion matrix (rows actual, columns predicted)", at: .zero, style: theme[.title], maxWidth: region.width)
        let names = (0..<matrix.count).map { i in (report.classes.map { i < $0.count ? $0[i] : "\(i)" } ?? "\(i)") }
        let labelWidth = min(16, names.map(\.displayWidth).max() ?? 1)
        let counts = matrix.flatMap { $0 }.map(String.init)
        let cellWidth = max(8, min(14, max(counts.map(\.count).max() ?? 1, names.map(\.displayWidth).max() ?? 1) + 2))
        var x = labelWidth + 1
        for name in names {
            region.put(name.truncated(toWidth: cellWidth - 1), at: Point(x: x, y: 1), style: theme[.tableHeader], width: cellWidth - 1, alignRight: true)
            x += cellWidth
        }
        for (row, counts) in matrix.enumerated() {
            let y = 2 + row * 2
            guard y < region.height else { break }
            region.put(names[row].truncated(toWidth: labelWidth), at: Point(x: 0, y: y), style: theme[.tableHeader], width: labelWidth)
            let total = counts.reduce(0, +)
            for (column, count) in counts.enumerated() {
                let share = total == 0 ? 0 : Double(count) / Double(total)
                let level = count == 0 ? 0 : max(1, min(Self.shades.count - 1, Int((share * Double(Self.shades.count - 1)).rounded(.up))))
                let slot: ThemeSlot = row == column ? .success : .warning
                let cx = labelWidth + 1 + column * cellWidth
                for dy in 0..<2 where y + dy < region.height {
                    for dx in 0..<(cellWidth - 1) { region.set(Self.shades[level], x: cx + dx, y: y + dy, style: theme[slot]) }
                }
                let text = " \(count) "
                region.put(text, at: Point(x: cx + (cellWidth - 1 - text.count) / 2, y: y), style: theme[.text].adding(.bold))
            }
        }
    }

    /// Features by gain as horizontal bars, as many as fit.
    func renderImportance(_ importance: FeatureImportance, into region: Region, theme: Theme) {
        region.put("Feature importance (\(importance.type))", at: .zero, style: theme[.title], maxWidth: region.width)
        let shown = importance.top(max(0, region.height - 1))
        guard let top = shown.first?.score, top > 0, top.isFinite else { return }
        let nameWidth = min(24, max(6, shown.map(\.feature.displayWidth).max() ?? 6))
        let values = shown.map { DisplayFormat.number($0.score) }
        let valueWidth = values.map(\.count).max() ?? 1
        let barWidth = max(1, region.width - nameWidth - valueWidth - 3)
        for (i, entry) in shown.enumerated() {
            let y = 1 + i
            region.put(entry.feature.truncated(toWidth: nameWidth), at: Point(x: 0, y: y), style: theme[.text], width: nameWidth)
            let fraction = entry.score.isFinite ? min(max(entry.score / top, 0), 1) : 0
            let eighths = Int((fraction * Double(barWidth * 8)).rounded())
            for c in 0..<barWidth {
                let filled = min(8, max(0, eighths - c * 8))
                if filled > 0 { region.set(BlockGlyphs.horizontalEighths[filled], x: nameWidth + 1 + c, y: y, style: theme[.bar]) }
            }
            region.put(values[i], at: Point(x: region.width - valueWidth, y: y), style: theme[.textDim], width: valueWidth, alignRight: true)
        }
    }

    /// The residual summary as lines.
    func renderResiduals(_ r: ResidualSummary, into region: Region, theme: Theme) {
        region.put("Residuals (actual − predicted)", at: .zero, style: theme[.title], maxWidth: region.width)
        let lines = [("mean", r.mean), ("std dev", r.standardDeviation), ("mean |r|", r.meanAbsolute), ("min", r.min),
                     ("q1", r.q1), ("median", r.median), ("q3", r.q3), ("max", r.max)]
        for (i, (name, value)) in lines.enumerated() where 1 + i < region.height {
            region.put("\(name.padded(toWidth: 9)) \(DisplayFormat.number(value))", at: Point(x: 0, y: 1 + i), style: theme[.text])
        }
    }
}
