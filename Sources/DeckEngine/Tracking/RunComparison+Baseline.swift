import DeckStore
import Foundation

extension RunComparison {
    /// One lineage fact (dataset version, code hash) across the runs.
    public struct LineageRow: Sendable, Equatable {
        /// `dataset` or `code`.
        public var key: String
        public var values: [String?]
        /// Whether the runs disagree (a missing value counts as a value of its own).
        public var differs: Bool
    }

    /// The dataset version and code hash of each run, with whether they differ.
    public var lineageRows: [LineageRow] {
        let rows: [(String, [String?])] = [
            ("dataset", lineages.map(\.datasetVersion)),
            ("code", lineages.map { $0.codeHash.map { String($0.prefix(12)) } }),
        ]
        return rows.map { key, values in
            LineageRow(key: key, values: values, differs: Set(values.map { $0 ?? "\u{0}" }).count > 1)
        }
    }

    /// How much better run `item` is than run `baseline` on `metric`, in the metric's better
    /// direction: positive when `item` is better (higher AUC, lower loss), negative when worse.
    /// Nil when either value is missing or not a number, or `item` is the baseline.
    public func improvement(_ metric: Metric, item: Int, over baseline: Int) -> Double? {
        guard item != baseline, metric.values.indices.contains(item), metric.values.indices.contains(baseline),
              let v = metric.values[item], let b = metric.values[baseline], !v.isNaN, !b.isNaN else { return nil }
        return metric.higherIsBetter ? v - b : b - v
    }

    /// The signed difference `item − baseline` as shown beside a value (`+0.012`), and whether
    /// that difference is an improvement for the metric's direction (nil when equal or missing).
    public func delta(_ metric: Metric, item: Int, over baseline: Int) -> (difference: Double, better: Bool?)? {
        guard let gain = improvement(metric, item: item, over: baseline),
              let v = metric.values[item], let b = metric.values[baseline] else { return nil }
        return (v - b, gain == 0 ? nil : gain > 0)
    }

    /// Param keys to show: all of them, or only those that differ when `hideEqual`.
    public func paramKeys(hideEqual: Bool) -> [String] { hideEqual ? differingParams : allParamKeys }
}
