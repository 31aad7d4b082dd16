import DeckML
import DeckStore
import Foundation

/// Reference-vs-current histograms of a column, stored with an alert for `mldeck alerts show`
/// and the dashboard: numbers in equal-width bins over both sides' range, categories by the
/// reference's most common ones (the rest as `other`), missing values as their own bin. Values
/// are shares of each side's rows.
public enum DriftHistograms {
    /// Bins for numbers; categories shown before `other`.
    public static let bins = 10
    public static let categories = 8

    /// Histograms of `columns` present in both tables.
    public static func build(reference: DataTable, current: DataTable, columns: [String]) -> [String: AlertHistogram] {
        var out: [String: AlertHistogram] = [:]
        for name in columns {
            guard let r = reference.index(of: name), let c = current.index(of: name) else { continue }
            out[name] = histogram(reference.columns[r], referenceType: reference.types[r], current.columns[c], currentType: current.types[c])
        }
        return out
    }

    /// One column's histogram.
    public static func histogram(_ reference: DataTable.Column, referenceType: ColumnType, _ current: DataTable.Column,
                                 currentType: ColumnType) -> AlertHistogram {
        if referenceType.isNumeric, currentType.isNumeric, case .numeric(let r) = reference, case .numeric(let c) = current {
            return numeric(r, c)
        }
        return categorical(labels(reference), labels(current))
    }

    static func numeric(_ r: [Double], _ c: [Double]) -> AlertHistogram {
        let finite = r.filter(\.isFinite) + c.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return missingOnly(r.count, c.count) }
        let distinct = Set(finite)
        if distinct.count <= bins {
            let values = distinct.sorted()
            let text = values.map { DriftHistogramText.number($0) }
            func shares(_ v: [Double]) -> [Double] {
                var counts = [Int](repeating: 0, count: values.count)
                var index: [Double: Int] = [:]
                for (k, x) in values.enumerated() { index[x] = k }
                for x in v where x.isFinite { if let k = index[x] { counts[k] += 1 } }
                return counts.map { v.isEmpty ? 0 : Double($0) / Double(v.count) }
            }
            return withMissing(AlertHistogram(labels: text, reference: shares(r), current: shares(c)), r.count - r.filter(\.isFinite).count,
                               r.count, c.count - c.filter(\.isFinite).count, c.count)
        }
        let width = (high - low) / Double(bins)
        func bin(_ x: Double) -> Int {
            guard width > 0 else { return 0 }
            let k = ((x - low) / width).rounded(.down)
            return k >= Double(bins - 1) ? bins - 1 : max(0, k.isFinite ? Int(k) : 0)
        }
        func shares(_ v: [Double]) -> [Double] {
            var counts = [Int](repeating: 0, count: bins)
            for x in v where x.isFinite { counts[bin(x)] += 1 }
            return counts.map { v.isEmpty ? 0 : Double($0) / Double(v.count) }
        }
        let labels = (0..<bins).map { k in
            "[\(DriftHistogramText.number(low + Double(k) * width)), \(DriftHistogramText.number(k == bins - 1 ? high : low + Double(k + 1) * width))\(k == bins - 1 ? "]" : ")")"
        }
        return withMissing(AlertHistogram(labels: labels, reference: shares(r), current: shares(c)), r.count - r.filter(\.isFinite).count,
                           r.count, c.count - c.filter(\.isFinite).count, c.count)
    }

    /// Labels of a column's rows (nil for missing).
    static func labels(_ column: DataTable.Column) -> [String?] {
        switch column {
        case .numeric(let v): return v.map { $0.isFinite ? DriftHistogramText.number($0) : nil }
        case .categorical(let codes, let categories): return codes.map { $0 < 0 ? nil : categories[Int($0)] }
        }
    }

    static func categorical(_ r: [String?], _ c: [String?]) -> AlertHistogram {
        var referenceCounts: [String: Int] = [:], currentCounts: [String: Int] = [:]
        for x in r { if let x { referenceCounts[x, default: 0] += 1 } }
        for x in c { if let x { currentCounts[x, default: 0] += 1 } }
        let all = Set(referenceCounts.keys).union(currentCounts.keys)
        let ordered = all.sorted { (referenceCounts[$0] ?? 0, currentCounts[$0] ?? 0, $1) > (referenceCounts[$1] ?? 0, currentCounts[$1] ?? 0, $0) }
        let shown = Array(ordered.prefix(categories))
        var labels = shown
        func shares(_ counts: [String: Int], _ total: Int) -> [Double] {
            var out = shown.map { total == 0 ? 0 : Double(counts[$0] ?? 0) / Double(total) }
            if ordered.count > shown.count {
                let rest = ordered.dropFirst(shown.count).reduce(0) { $0 + (counts[$1] ?? 0) }
                out.append(total == 0 ? 0 : Double(rest) / Double(total))
            }
            return out
        }
        let histogram = AlertHistogram(labels: [], reference: shares(referenceCounts, r.count), current: shares(currentCounts, c.count))
        if ordered.count > shown.count { labels.append("other") }
        return withMissing(AlertHistogram(labels: labels, reference: histogram.reference, current: histogram.current),
                           r.filter { $0 == nil }.count, r.count, c.filter { $0 == nil }.count, c.count)
    }

    static func missingOnly(_ r: Int, _ c: Int) -> AlertHistogram {
        AlertHistogram(labels: ["missing"], reference: [r == 0 ? 0 : 1], current: [c == 0 ? 0 : 1])
    }

    /// Adds a `missing` bin when either side has missing values.
    static func withMissing(_ h: AlertHistogram, _ rMissing: Int, _ rTotal: Int, _ cMissing: Int, _ cTotal: Int) -> AlertHistogram {
        guard rMissing > 0 || cMissing > 0 else { return h }
        return AlertHistogram(labels: h.labels + ["missing"], reference: h.reference + [rTotal == 0 ? 0 : Double(rMissing) / Double(rTotal)],
                              current: h.current + [cTotal == 0 ? 0 : Double(cMissing) / Double(cTotal)])
    }
}

/// Short number labels for histogram bins.
enum DriftHistogramText {
    static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        let magnitude = abs(x)
        if magnitude >= 1000 || magnitude < 0.01 { return String(format: "%.3g", x) }
        return String(format: "%.2f", x)
    }
}
