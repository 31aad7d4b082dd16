import DeckStore
import Foundation

/// The text forms of alerts: the list a person scans, and one alert in full with its per-feature
/// table (strongest first) and reference-vs-current histograms of the top drifted features.
/// Pure functions of the records, so the dashboard and tests use them too.
public enum AlertText {
    /// Features whose histograms `show` draws.
    public static let histogramFeatures = 3
    /// Width of a histogram bar at the largest share.
    public static let barWidth = 24

    /// `ID  SEVERITY  KIND  MODEL  STATE  CREATED  SEEN  MESSAGE`, newest first.
    public static func list(_ alerts: [AlertRecord], now: Double = Date().timeIntervalSince1970) -> String {
        guard !alerts.isEmpty else { return "No alerts." }
        var rows = [["ID", "SEVERITY", "KIND", "MODEL", "STATE", "CREATED", "SEEN", "MESSAGE"]]
        for a in alerts {
            rows.append(["\(a.id)", a.severity.rawValue, a.kind.rawValue, a.subject, state(a), TimeText.localTime(a.createdAt) ?? "-",
                         a.occurrences == 1 ? "1×" : "\(a.occurrences)×", clip(a.message, 70)])
        }
        return table(rows, rightAligned: [0])
    }

    /// `open`, `open, acked`, `resolved`.
    public static func state(_ a: AlertRecord) -> String {
        if !a.isOpen { return "resolved" }
        return a.isAcknowledged ? "open, acked" : "open"
    }

    /// One alert in full.
    public static func show(_ a: AlertRecord) -> String {
        var out: [String] = []
        out.append("Alert \(a.id): \(a.severity.rawValue) \(a.kind.rawValue) on \(a.subject) — \(state(a))")
        out.append("  \(a.message)")
        out.append("  window     \(a.window)")
        out.append("  created    \(TimeText.localTime(a.createdAt) ?? "-")" + (a.occurrences > 1 ? "; seen \(a.occurrences) times, last \(TimeText.localTime(a.lastSeenAt) ?? "-")" : ""))
        if let by = a.acknowledgedBy {
            out.append("  acked      by \(by) at \(a.acknowledgedAt.flatMap { TimeText.localTime($0) } ?? "-")" + (a.acknowledgeNote.map { ": \($0)" } ?? ""))
        }
        if let resolved = a.resolvedAt {
            out.append("  resolved   \(TimeText.localTime(resolved) ?? "-")" + (a.resolvedReason.map { " (\($0))" } ?? ""))
        }
        if let run = a.runID { out.append("  run        \(run)") }
        if !a.features.isEmpty {
            out.append("")
            var rows = [["FEATURE", "TYPE", "TEST", "SCORE", "THRESHOLD", "DRIFTED", "MISSING", "NEW CATEGORIES"]]
            for f in a.features {
                rows.append([f.name, f.type ?? "-", f.test, f.score.map(number) ?? "-", f.threshold.map(number) ?? "-", f.drifted ? "✗ drift" : "✓",
                             missing(f), f.unseenCategories.map { clip($0.joined(separator: ", "), 40) } ?? ""])
            }
            out.append(table(rows, rightAligned: [3, 4]))
        }
        let drawn = a.features.filter { $0.drifted && $0.histogram != nil }.prefix(histogramFeatures)
        for f in drawn {
            guard let h = f.histogram else { continue }
            out.append("")
            out.append("\(f.name): reference vs current (\(f.test) \(f.score.map(number) ?? "-"))")
            out.append(histogram(h))
        }
        return out.joined(separator: "\n")
    }

    /// Two bars per bin, scaled to the largest share of either side.
    public static func histogram(_ h: AlertHistogram) -> String {
        let largest = max(h.reference.max() ?? 0, h.current.max() ?? 0)
        let labelWidth = min(28, h.labels.map(\.count).max() ?? 0)
        var lines: [String] = []
        lines.append(pad("", labelWidth) + "  " + pad("reference", barWidth + 8) + "  current")
        for (k, label) in h.labels.enumerated() {
            let r = k < h.reference.count ? h.reference[k] : 0, c = k < h.current.count ? h.current[k] : 0
            lines.append(pad(clip(label, labelWidth), labelWidth) + "  " + pad(bar(r, largest), barWidth) + " " + percent(r)
                         + "  " + pad(bar(c, largest), barWidth) + " " + percent(c))
        }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n")
    }

    /// A bar of eighth blocks, `share / largest` of ``barWidth``.
    static func bar(_ share: Double, _ largest: Double) -> String {
        guard largest > 0, share > 0, share.isFinite else { return "" }
        let eighths = max(1, Int((share / largest * Double(barWidth * 8)).rounded()))
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }

    /// `0%`, or `2.0% → 31.0%` when the window's share of missing values differs from the reference's.
    static func missing(_ f: AlertFeature) -> String {
        guard let r = f.referenceMissingShare, let c = f.currentMissingShare else { return "-" }
        func p(_ x: Double) -> String { x == 0 ? "0%" : String(format: "%.1f%%", x * 100) }
        return r == c ? p(c) : p(r) + " → " + p(c)
    }

    static func percent(_ x: Double) -> String {
        let text = String(format: "%5.1f%%", x * 100)
        return text
    }

    static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x != 0 && abs(x) < 0.0001 { return String(format: "%.2e", x) }
        return String(format: "%.4f", x)
    }

    static func clip(_ s: String, _ width: Int) -> String { s.count <= width ? s : String(s.prefix(max(0, width - 1))) + "…" }

    static func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }

    static func table(_ rows: [[String]], rightAligned: Set<Int>) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                let fill = String(repeating: " ", count: max(0, widths[c] - cell.count))
                return rightAligned.contains(c) ? fill + cell : (c == row.count - 1 ? cell : cell + fill)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
