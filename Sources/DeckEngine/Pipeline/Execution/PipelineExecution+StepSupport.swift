import DeckML
import DeckStore
import Foundation

/// What a step is given besides its definition: the values its `if:` sees, and the runner of its kind.
extension PipelineExecution {
    func conditionContext(params: [String: String], upstream: [String: StepResult], run: RunHandle) -> ConditionContext {
        var metrics: [String: Double] = [:]
        var tags: [String: String] = [:]
        if let details = try? store.runDetails(run.id) {
            for m in details.metrics { metrics[m.key] = m.last }
            tags = details.tags
        }
        var production: [String: Double]?
        var productionVersion: Int?
        for r in upstream.values where r.kind == "evaluate" {
            metrics.merge(r.output.metrics) { _, new in new }
            if let p = EvaluateStep.productionMetrics(r.output) {
                production = p
                productionVersion = r.output.facts["production.version"].flatMap(Int.init)
            }
        }
        return ConditionContext(metrics: metrics, params: params, tags: tags, production: production, productionVersion: productionVersion)
    }

    /// The runner of a step, from ``BuiltinCatalog`` for a built-in; an unknown built-in throws
    /// ``BuiltinCatalogError/unknownBuiltin(_:known:)``.
    static func runner(for step: StepSpec) throws -> StepRunner {
        switch step.action {
        case .command: return CommandStepRunner()
        case .builtin(let name): return try BuiltinCatalog.runner(name)
        }
    }
}
