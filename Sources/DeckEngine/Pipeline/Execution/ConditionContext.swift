import DeckStore
import Foundation

/// What an `if:` condition sees: this run's metrics and params, and the current production
/// version's metrics scored by this run's evaluate step on this run's test split.
struct ConditionContext: FilterContext {
    var metrics: [String: Double]
    var params: [String: String]
    var tags: [String: String]
    /// nil while the model has no production version.
    var production: [String: Double]?
    var productionVersion: Int?

    func value(of field: FilterField) -> FilterValue? {
        switch field.namespace {
        case "metrics": return metrics[field.name].map { .number($0) }
        case "params": return params[field.name].map { .string($0) }
        case "tags": return tags[field.name].map { .string($0) }
        case "production.metrics": return production?[field.name].map { .number($0) }
        case "production":
            switch field.name {
            case "exists": return .bool(production != nil)
            case "version": return productionVersion.map { .number(Double($0)) }
            default: return nil
            }
        default: return nil
        }
    }

    /// Comparisons with `production.…` hold while there is no production version.
    var evaluator: FilterEvaluator {
        let hasProduction = production != nil
        return FilterEvaluator(missingIsTrue: { field in !hasProduction && field.namespace.hasPrefix("production") })
    }

    /// `metrics.auc = 0.84, production.metrics.auc = 0.81 (v1 on this run's split)` for the fields
    /// of an expression (`(no production version)` while there is none).
    func describe(_ expression: FilterExpression) -> String {
        expression.fields.sorted { $0.description < $1.description }.map { field in
            let shown: String
            switch value(of: field) {
            case .number(let n)? where field.namespace == "production.metrics":
                shown = String(format: "%.6g", n) + (productionVersion.map { " (v\($0) on this run's split)" } ?? "")
            case .number(let n)?: shown = String(format: "%.6g", n)
            case .string(let s)?: shown = "'\(s)'"
            case .bool(let b)?: shown = b ? "true" : "false"
            case nil: shown = field.namespace.hasPrefix("production") && production == nil ? "(no production version)" : "(not set)"
            }
            return "\(field) = \(shown)"
        }.joined(separator: ", ")
    }
}
