import Foundation

extension ModelStore {
    /// The version with the best value of `metric` among those matching `filter` (a
    /// ``ModelVersionFilter`` over `metrics.`, `params.`, `tags.`, `dataset`, `version`, …).
    /// Lower is better for loss-like metrics (``isLossLike(_:)``) unless `higherIsBetter` says
    /// otherwise; of equal values the newest version wins.
    public func bestModelVersion(model: String, metric: String, filter: String? = nil, higherIsBetter: Bool? = nil) throws -> ModelVersionRecord {
        let parsed = try filter.map(ModelVersionFilter.init)
        return try bestModelVersion(model: model, metric: metric, filter: parsed, higherIsBetter: higherIsBetter)
    }

    /// ``bestModelVersion(model:metric:filter:higherIsBetter:)`` with a filter already checked.
    public func bestModelVersion(model: String, metric: String, filter: ModelVersionFilter?, higherIsBetter: Bool? = nil) throws -> ModelVersionRecord {
        let higher = higherIsBetter ?? !DeckStore.isLossLike(metric)
        let versions = try modelVersions(model)
        var best: (version: ModelVersionRecord, value: Double)?
        for version in versions {
            guard let value = version.metrics[metric], !value.isNaN else { continue }
            if let filter, !filter.matches(version) { continue }
            guard let current = best else { best = (version, value); continue }
            let better = value == current.value ? version.version > current.version.version : (higher ? value > current.value : value < current.value)
            if better { best = (version, value) }
        }
        guard let best else {
            let withMetric = versions.filter { $0.metrics[metric].map { !$0.isNaN } ?? false }.count
            let what = filter.map { "\($0.text) with a value of '\(metric)'" } ?? "metric '\(metric)'"
            let detail = versions.isEmpty ? "it has no versions"
                : "\(versions.count) version\(versions.count == 1 ? "" : "s"), \(withMetric == 0 ? "none" : "\(withMetric)") with '\(metric)'"
            throw ModelRegistryError.noMatchingVersion(model: model, filter: "\(what) (\(detail))")
        }
        return best.version
    }
}

extension DeckStore {
    /// True for metrics where lower is better (`rmse`, `mae`, `mape`, `mse`, `logloss`, names
    /// ending in `loss` or `error`); higher is better for the rest (AUC, accuracy, F1, R², …).
    public static func isLossLike(_ metric: String) -> Bool {
        let m = metric.lowercased()
        return ["rmse", "mae", "mape", "mse", "logloss", "mlogloss"].contains(m) || m.hasSuffix("loss") || m.hasSuffix("error")
    }
}
