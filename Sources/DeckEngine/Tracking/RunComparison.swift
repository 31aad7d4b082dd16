import DeckStore
import Foundation

/// What `runs compare` computes: differing params and each metric's best run.
public struct RunComparison: Encodable, Sendable {
    /// One metric across the runs.
    public struct Metric: Encodable, Sendable {
        public var key: String
        public var values: [Double?]
        /// Indices of the best runs: lowest for loss-like names (``DeckStore/isLossLike(_:)``, the rule `models promote --best-by` uses), else highest.
        public var best: [Int]
        public var higherIsBetter: Bool
        enum CodingKeys: String, CodingKey { case key, values, best, higherIsBetter = "higher_is_better" }
    }
    public var runs: [String]
    public var differingParams: [String]
    public var allParamKeys: [String]
    public var params: [String: [String?]]
    public var metrics: [Metric]
    /// Each run's evaluation (confusion matrix, AUC, importance), in `runs` order; nil when no run has one.
    public var evaluations: [EvaluationSummary?]?
    /// Each run's name, in `runs` order (not in the JSON: `runs` holds the ids).
    public var names: [String]
    /// Each run's lineage (dataset version, code hash), in `runs` order (not in the JSON).
    public var lineages: [RunLineage]

    enum CodingKeys: String, CodingKey { case runs, differingParams = "differing_params", params, metrics, evaluations }

    /// Compares `details` (in that order).
    public init(_ details: [RunDetails]) {
        runs = details.map(\.run.id)
        names = details.map(\.run.name)
        lineages = details.map(\.run.lineage)
        allParamKeys = Set(details.flatMap(\.params.keys)).sorted()
        differingParams = allParamKeys.filter { key in Set(details.map { $0.params[key] ?? "\u{0}" }).count > 1 }
        params = Dictionary(uniqueKeysWithValues: allParamKeys.map { key in (key, details.map { $0.params[key] }) })
        let metricKeys = Set(details.flatMap { $0.metrics.map(\.key) }).sorted()
        metrics = metricKeys.map { key in
            let values = details.map { d in d.metrics.first { $0.key == key }?.last }
            let higher = !DeckStore.isLossLike(key)
            let present = values.compactMap { $0 }.filter { !$0.isNaN }
            let target = higher ? present.max() : present.min()
            let best = target.map { t in values.indices.filter { values[$0] == t } } ?? []
            return Metric(key: key, values: values, best: best, higherIsBetter: higher)
        }
    }
}
