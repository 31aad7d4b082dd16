import DeckEngine
import Foundation

/// The Compare table as cells, built once per answer of the store (and per baseline / "hide
/// equal params" choice) instead of on every frame: scrolling sideways over 50 columns then only
/// places the visible cells. Also holds each column's content width, so the table does not
/// measure every visible cell on every frame.
struct CompareTableModel {
    /// One row of the table.
    enum Row: Equatable {
        case section(String)
        case metric(Int)
        case param(String)
        case lineage(Int)
    }

    /// What the model was built from; a different key builds a new one.
    struct Key: Equatable {
        var generation: Int
        var baseline: Int
        var hideEqualParams: Bool
    }

    let key: Key
    let rows: [Row]
    /// The cells of each row: its name, then one per item.
    let cells: [[TableCell]]
    /// Each column's widest cell (the header is measured by the table).
    let contentWidths: [Int]

    init(_ c: RunComparison, key: Key) {
        self.key = key
        var rows: [Row] = [.section("Metrics")]
        rows += c.metrics.indices.map(Row.metric)
        rows.append(.section(key.hideEqualParams ? "Params (differing; e shows all)" : "Params"))
        rows += c.paramKeys(hideEqual: key.hideEqualParams).map(Row.param)
        rows.append(.section("Lineage"))
        let lineage = c.lineageRows
        rows += lineage.indices.map(Row.lineage)
        self.rows = rows
        let cells = rows.map { Self.cells($0, c, lineage: lineage, baseline: key.baseline) }
        self.cells = cells
        var widths = [Int](repeating: 0, count: c.runs.count + 1)
        for row in cells {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.naturalWidth) }
        }
        contentWidths = widths
    }

    /// The cells of one row: its name, then one per item.
    static func cells(_ row: Row, _ c: RunComparison, lineage: [RunComparison.LineageRow], baseline: Int) -> [TableCell] {
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
}
