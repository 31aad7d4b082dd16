import DeckEngine
import DeckML
import DeckStore
import Foundation

/// One thing to compare: a run, or a model version through the run that trained it.
public struct CompareItem: Sendable, Equatable {
    public var runID: String
    /// The column title (`churn-model v3`); nil shows the run's name.
    public var label: String?
    public init(runID: String, label: String? = nil) { self.runID = runID; self.label = label }
}

/// What the Compare pane reads for its items, off the UI thread: the engine's comparison
/// (metrics with the best marked, differing params, lineage), the metrics that have curves, and
/// each run's ROC curve when its evaluate step recorded one.
public struct CompareData: Sendable {
    public var comparison: RunComparison
    /// The runs, in item order.
    public var records: [RunRecord]
    /// Column titles, in item order.
    public var labels: [String]
    /// Metrics logged at more than one step by some item (drawn as overlaid curves).
    public var curveKeys: [String]
    /// Each item's ROC curve, nil when it has none.
    public var rocs: [ROCCurve?]
    /// Items whose run could not be read (deleted, or a model version without a run).
    public var missing: [String]

    /// The most items the pane compares at once.
    public static let maximumItems = 50

    /// Reads `items` from `store`.
    public static func load(_ items: [CompareItem], from store: DeckStore) throws -> CompareData {
        var details: [RunDetails] = [], labels: [String] = [], missing: [String] = []
        for item in items.prefix(maximumItems) {
            guard let d = try? store.runDetails(item.runID) else { missing.append(item.label ?? String(item.runID.prefix(8))); continue }
            details.append(d)
            labels.append(item.label ?? d.run.name)
        }
        var comparison = RunComparison(details)
        comparison.names = labels
        // Validation curves first: they are the ones compared most.
        let curveKeys = Set(details.flatMap { $0.metrics.filter { $0.count > 1 }.map(\.key) }).sorted { a, b in
            let va = a.hasPrefix("validation"), vb = b.hasPrefix("validation")
            return va != vb ? va : a < b
        }
        let rocs = details.map { EvaluationReport.load(from: store, artifacts: $0.artifacts)?.report.charts?.roc }
        return CompareData(comparison: comparison, records: details.map(\.run), labels: labels, curveKeys: curveKeys, rocs: rocs, missing: missing)
    }

    /// The points of metric `key` for each of the runs, in item order (empty when absent).
    public static func curves(_ key: String, runs: [RunRecord], from store: DeckStore) -> [[Double]] {
        runs.map { r in ((try? store.metricSeries(run: r.handle, key: key)) ?? []).map(\.value) }
    }
}
