import DeckStore
import Foundation

extension PipelineValidator {
    /// `select`: `best_by` (with an optional `where:` policy) or `alias`, not both; the policy is a
    /// model-version filter, checked here with its column so a typo fails before the run.
    func checkSelect(_ step: StepSpec, params: [String: String], path: String, add: (ConfigLocation?, String, String) -> Void) {
        let hasMetric = step.argument("best_by") != nil, hasAlias = step.argument("alias") != nil
        let at = step.keyLocations["with"] ?? step.keyLocations["uses"] ?? step.location
        if hasMetric && hasAlias {
            add(step.keyLocations["with.alias"] ?? at, "\(path).with",
                "`select` (step '\(step.name)') takes either `best_by:` (a metric, with an optional `where:`) or `alias:`, not both")
        } else if !hasMetric && !hasAlias {
            add(at, "\(path).with", "`select` (step '\(step.name)') needs `with: {best_by: METRIC}` (optionally with `where:`) or `with: {alias: NAME}`")
        }
        guard let value = step.argument("where") else { return }
        if !hasMetric {
            add(step.keyLocations["with.where"], "\(path).with", "`where:` filters the versions `best_by:` chooses from; add `best_by: METRIC`")
        }
        guard let text = (try? Interpolation.apply(value, params: params))?.text else { return }
        do { _ = try ModelVersionFilter(text) } catch let error as FilterError {
            add(step.keyLocations["with.where"], "\(path).with.where", "bad filter at column \(error.column): \(error.message)\n" + error.excerpt(indent: "  "))
        } catch {
            add(step.keyLocations["with.where"], "\(path).with.where", "bad filter: \(error)")
        }
    }
}
