import DeckEngine
import DeckML

/// A dataset version at a glance, for the Datasets list: what it is, then one line per column
/// (type, missing share, distinct values, mean or most frequent value, and a histogram sparkline
/// for numbers). Pure: the caller loads the details off the UI thread.
enum DatasetSummaryDetail {
    static func lines(_ d: DatasetVersionDetails, width: Int) -> [(String, ThemeSlot)] {
        let v = d.version
        var out: [(String, ThemeSlot)] = []
        var head = "\(v.reference)  \(v.rows.map(DisplayFormat.count) ?? "-") rows × \(v.columns.map { "\($0)" } ?? "-") columns"
        head += " · \(DisplayFormat.bytes(v.logicalBytes)) · \(DisplayFormat.time(v.createdAt)) · \(v.author)"
        out.append((head, .title))
        if !v.message.isEmpty { out.append((v.message, .text)) }
        if !d.usedByModels.isEmpty { out.append(("used by     " + d.usedByModels.joined(separator: ", "), .textDim)) }
        guard let columns = d.profile?.columns, !columns.isEmpty else {
            out.append(("(no column statistics: not a table)", .textDim))
            return out
        }
        let nameW = min(24, columns.map(\.name.displayWidth).max() ?? 4)
        out.append(("column".padded(toWidth: nameW) + "  type         missing  distinct  mean / top", .textDim))
        for c in columns {
            let total = c.count + c.missing
            let missing = total == 0 ? "-" : DisplayFormat.percent(Double(c.missing) / Double(total))
            var summary: String
            if let mean = c.mean, c.type != .boolean { summary = "mean \(DisplayFormat.number(mean))" }
            else if let top = c.top?.first { summary = "\(top.value) (\(DisplayFormat.count(top.count)))" }
            else { summary = "-" }
            if let h = c.histogram, !h.counts.isEmpty {
                summary = summary.padded(toWidth: 18) + " " + Sparkline(values: h.counts.map(Double.init), minimum: 0).text(width: 20)
            }
            let line = c.name.padded(toWidth: nameW) + "  " + c.type.rawValue.padded(toWidth: 11) + "  "
                + missing.padded(toWidth: 7) + "  " + DisplayFormat.count(c.distinct).padded(toWidth: 8) + "  " + summary
            out.append((line, .text))
        }
        return out
    }
}
