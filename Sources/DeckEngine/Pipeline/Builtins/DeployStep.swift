import DeckStore
import Foundation

/// `uses: deploy`: moves the model's `production` alias (or `with: {alias:}`) to the version this
/// run registered, recording the reason `deployed by run X: <condition>`. Serving follows the
/// alias. Never cached: it acts on the registry as it is now. It acts only on a version that the
/// upstream `register` produced in this run: a `register` served from the cache produced nothing
/// new, and moving the alias to the version it once produced would undo a later promotion.
struct DeployStep: StepRunner {
    var cacheable: Bool { false }

    func run(_ context: StepContext) throws -> StepOutput {
        let name = context.step.name
        guard let registered = context.upstreamResult(kinds: ["register"]),
              let model = registered.output.facts["model"], let version = registered.output.facts["version"].flatMap(Int.init) else {
            throw StepError.missingInput(step: name, what: "needs a register step upstream")
        }
        let alias = try context.stringOrDefault("alias")
        guard registered.status != .cached else {
            let message = "step '\(registered.name)' was served from the cache, so this run registered no new version of "
                + "\(model); \(model)@\(alias) is left as it is (run with --force to register and deploy again)"
            context.log(message)
            context.notice(message)
            var output = StepOutput()
            output.facts = ["model": model, "alias": alias]
            return output
        }
        let why = context.step.condition.map { ": \($0)" } ?? ""
        let reason = "deployed by run \(context.run.id.prefix(8))\(why)"
        var output = StepOutput()
        if let move = try context.store.setModelAlias(model: model, alias: alias, version: version, reason: reason) {
            let from = move.fromVersion.map { "\($0) → " } ?? ""
            context.log("\(model)@\(alias): \(from)\(version)")
            output.facts["deployed"] = "\(model)@\(alias) → \(version)"
        } else {
            context.log("\(model)@\(alias) already points at version \(version)")
        }
        output.facts["model"] = model
        output.facts["alias"] = alias
        output.facts["version"] = "\(version)"
        return output
    }
}
