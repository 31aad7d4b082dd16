import Foundation

/// A model version seen by a filter: `metrics.X`, `params.X`, `version`, `task`, `dataset`.
struct ModelVersionFilterContext: FilterContext {
    let version: ModelVersionRecord

    func value(of field: FilterField) -> FilterValue? {
        switch field.namespace {
        case "metrics": return version.metrics[field.name].map { .number($0) }
        case "params": return version.params[field.name].map { .string($0) }
        case "attributes":
            switch field.name {
            case "version": return .number(Double(version.version))
            case "task": return version.task.map { .string($0) }
            case "dataset": return version.datasetReference.map { .string($0) }
            case "run_id", "id": return version.runID.map { .string($0) }
            default: return nil
            }
        default: return nil
        }
    }
}

extension ModelStore {
    /// The version with the best value of `metric` among those matching `filter` (a filter
    /// expression over `metrics.`, `params.`, `version`, `task`, `dataset`). Lower is better for
    /// loss-like metrics (`rmse`, `mae`, `mape`, `logloss`, names ending in `loss` or `error`)
    /// unless `higherIsBetter` says otherwise.
    public func bestModelVersion(model: String, metric: String, filter: String? = nil, higherIsBetter: Bool? = nil) throws -> ModelVersionRecord {
        let expression = try filter.map(FilterExpression.parse)
        let evaluator = FilterEvaluator()
        let higher = higherIsBetter ?? !DeckStore.isLossLike(metric)
        let candidates = try modelVersions(model).filter { version in
            guard let value = version.metrics[metric], !value.isNaN else { return false }
            guard let expression else { return true }
            return evaluator.evaluate(expression, in: ModelVersionFilterContext(version: version))
        }
        let best = candidates.max { a, b in
            let x = a.metrics[metric]!, y = b.metrics[metric]!
            if x == y { return a.version < b.version }
            return higher ? x < y : x > y
        }
        guard let best else {
            throw ModelRegistryError.noMatchingVersion(model: model, filter: "metric '\(metric)'" + (filter.map { " and \($0)" } ?? ""))
        }
        return best
    }
}

extension DeckStore {
    /// True for metrics where lower is better.
    public static func isLossLike(_ metric: String) -> Bool {
        let m = metric.lowercased()
        return ["rmse", "mae", "mape", "mse", "logloss", "mlogloss"].contains(m) || m.hasSuffix("loss") || m.hasSuffix("error")
    }
}
