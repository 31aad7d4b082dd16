import DeckStore
import Foundation

/// Which child of a sweep is best: by the pipeline's metric — the first metric that a `deploy`
/// step's `if:` names, else the first metric an `evaluate` step lists (else `auc`, then `rmse`,
/// then the first metric the children have). Loss-like metrics (``DeckStore/isLossLike(_:)``)
/// are better lower, the others higher.
public enum SweepRanking {
    /// The metric the pipeline is judged by, before any run: nil when nothing names one.
    public static func declaredMetric(of pipeline: PipelineSpec) -> String? {
        for step in pipeline.steps where step.action == .builtin("deploy") {
            if let condition = step.condition, let expression = try? FilterExpression.parse(condition),
               let metric = firstMetric(in: expression) {
                return metric
            }
        }
        for step in pipeline.steps where step.action == .builtin("evaluate") {
            if case .list(let items, _)? = step.argument("metrics") {
                for case .scalar(let name, _, _) in items { return EvaluateStep.metricAliases[name.lowercased()] ?? name }
            } else if case .scalar(let name, _, _)? = step.argument("metrics") {
                return EvaluateStep.metricAliases[name.lowercased()] ?? name
            }
        }
        return nil
    }

    /// The first `metrics.NAME` of an expression, left to right.
    static func firstMetric(in e: FilterExpression) -> String? {
        func field(_ f: FilterField) -> String? { f.namespace == "metrics" ? f.name : nil }
        switch e {
        case .and(let a, let b), .or(let a, let b): return firstMetric(in: a) ?? firstMetric(in: b)
        case .not(let inner): return firstMetric(in: inner)
        case .compare(let f, _, _), .isIn(let f, _, _), .isNull(let f, _), .truthy(let f): return field(f)
        case .compareFields(let a, _, let b): return field(a) ?? field(b)
        }
    }

    /// The metric to rank `children` by: the declared one, else a usual one they all report.
    public static func metric(of pipeline: PipelineSpec, children: [[String: Double]]) -> String? {
        if let declared = declaredMetric(of: pipeline) { return declared }
        let keys = children.reduce(into: Set<String>()) { $0.formUnion($1.keys) }
        return ["auc", "rmse"].first(where: keys.contains) ?? keys.sorted().first
    }

    /// The index of the best finished child by `metric` (ties: the earlier child), nil when no
    /// finished child reports a finite value of it.
    public static func best(_ children: [(status: RunStatus, metrics: [String: Double])], by metric: String) -> Int? {
        let lower = DeckStore.isLossLike(metric)
        var best: (index: Int, value: Double)?
        for (i, child) in children.enumerated() where child.status == .finished {
            guard let v = child.metrics[metric], v.isFinite else { continue }
            if let b = best, lower ? v >= b.value : v <= b.value { continue }
            best = (i, v)
        }
        return best?.index
    }
}
