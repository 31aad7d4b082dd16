import DeckStore
import Foundation

/// `uses: select`: picks a version of a registered model for a `deploy` downstream — the best by
/// a metric among the versions matching a `where:` policy (`with: {model, best_by, where}`), or
/// the version an alias points at (`with: {model, alias}`). It reads the registry as it is now,
/// so it is never cached. The chosen version's metrics become this run's metrics (so an `if:`
/// downstream can test them), and its facts (`model`, `version`, `metric`) are what `deploy` acts on.
struct SelectStep: StepRunner {
    var cacheable: Bool { false }

    func run(_ context: StepContext) throws -> StepOutput {
        let name = context.step.name
        guard let model = try context.string("model") else { throw StepError.missingInput(step: name, what: "with: {model: NAME} is required") }
        let metric = try context.string("best_by"), alias = try context.string("alias"), policy = try context.string("where")
        let chosen: ModelVersionRecord
        var output = StepOutput()
        switch (metric, alias) {
        case (let metric?, nil):
            let filter: ModelVersionFilter?
            do { filter = try policy.map(ModelVersionFilter.init) } catch let error as FilterError {
                throw StepError.failed(step: name, message: "with.where: bad filter at column \(error.column): \(error.message)\n" + error.excerpt(indent: "  "))
            }
            do { chosen = try context.store.bestModelVersion(model: model, metric: metric, filter: filter) } catch let error as ModelRegistryError {
                throw StepError.failed(step: name, message: "nothing to select: \(error)")
            }
            let value = chosen.metrics[metric].map { String(format: "%.4f", $0) } ?? "-"
            let direction = DeckStore.isLossLike(metric) ? "lowest" : "highest"
            context.log("selected \(chosen.reference): the \(direction) \(metric) (\(value)) of the versions of \(model)"
                        + (policy.map { " matching \($0)" } ?? ""))
            output.facts["metric"] = metric
            if let policy { output.facts["where"] = policy }
        case (nil, let alias?):
            do { chosen = try context.store.modelVersion(ModelReference(model: model, selector: .alias(alias))) } catch let error as ModelRegistryError {
                throw StepError.failed(step: name, message: "nothing to select: \(error)")
            }
            context.log("selected \(chosen.reference): the version \(model)@\(alias.lowercased()) points at")
            output.facts["alias"] = alias.lowercased()
        default:
            throw StepError.missingInput(step: name, what: "needs either with: {best_by: METRIC} (and optionally where:) or with: {alias: NAME}, not both")
        }
        output.facts["model"] = model
        output.facts["version"] = "\(chosen.version)"
        output.facts["selected"] = chosen.reference
        output.metrics = chosen.metrics.filter { $0.value.isFinite }
        return output
    }
}
