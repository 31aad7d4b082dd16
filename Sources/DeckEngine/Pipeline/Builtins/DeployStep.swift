import DeckStore
import Foundation

/// `uses: deploy`: moves the model's `production` alias (or `with: {alias:}`) to the version its
/// upstream `register` or `select` step produced in this run — never to whatever is latest —
/// recording the reason `deployed by run X: …` and the deployment. Serving follows the alias.
/// Never cached: it acts on the registry as it is now.
///
/// - After `register`: a `register` served from the cache produced nothing new, and moving the
///   alias to the version it once produced would undo a later promotion, so nothing moves. Guard
///   it with `if:` (`metrics.auc > production.metrics.auc`) to deploy only a better model: an
///   upstream `evaluate` step scored the production version on this run's own test split, so the
///   candidate and the incumbent are judged on the same rows (not by the metrics each version was
///   registered with); the step's log and the alias move's reason name both numbers.
/// - After `select … best_by: METRIC`: a version that is not better by that metric than the one the
///   alias points at is not deployed; the step ends skipped and says so with both numbers
///   (`with: {force: true}` deploys it anyway).
/// - `with: {serve: true, port: N}` also makes sure a server of the alias answers on port N,
///   starting one in the background when none does (``DeployServer``); its address is a fact of
///   the step and recorded with the deployment.
struct DeployStep: StepRunner {
    var cacheable: Bool { false }

    func run(_ context: StepContext) throws -> StepOutput {
        var output = try moveAlias(context)
        guard try context.boolOrDefault("serve"), let model = output.facts["model"], let alias = output.facts["alias"] else { return output }
        let port = try context.intOrDefault("port"), host = try context.stringOrDefault("host")
        guard (try? context.store.modelVersion(model: model, alias: alias)) ?? nil != nil else {
            context.notice("\(model)@\(alias) points at no version, so no server was started")
            return output
        }
        let server = try DeployServer.ensure(model: model, alias: alias, host: host, port: port, step: context.step.name,
                                             workspace: context.store.workspace)
        let message = server.started ? "started mldeck serve \(model)@\(alias) on \(server.address) (pid \(server.pid))"
            : "\(model)@\(alias) is served on \(server.address) already; the server follows the alias"
        context.log(message)
        context.notice(message)
        output.facts["address"] = server.address
        return output
    }

    func moveAlias(_ context: StepContext) throws -> StepOutput {
        let name = context.step.name
        guard let source = context.upstreamResult(kinds: ["register", "select"]),
              let model = source.output.facts["model"], let version = source.output.facts["version"].flatMap(Int.init) else {
            throw StepError.missingInput(step: name, what: "needs a register or select step upstream that produced a version in this run")
        }
        let alias = try context.stringOrDefault("alias").lowercased()
        var output = StepOutput()
        output.facts = ["model": model, "alias": alias]
        if source.kind == "register" && source.status == .cached {
            let message = "step '\(source.name)' was served from the cache, so this run registered no new version of "
                + "\(model); \(model)@\(alias) is left as it is (run with --force to register and deploy again)"
            context.log(message)
            context.notice(message)
            return output
        }
        let sameSplit = Self.sameSplitComparison(context)
        if let sameSplit { context.log(sameSplit) }
        let why = (context.step.condition.map { ": \($0)" } ?? "") + (sameSplit.map { " (\($0))" } ?? "")
        let force = try context.boolOrDefault("force")
        let reasonPrefix = "deployed by run \(context.run.id.prefix(8))"
        let move: AliasHistoryEntry?
        if let metric = source.output.facts["metric"] {
            let (decision, moved) = try context.store.promoteIfBetter(
                model: model, version: version, alias: alias, metric: metric, higherIsBetter: nil, force: force,
                author: DeckStore.defaultAuthor, runID: context.run.id) { decision in
                "\(reasonPrefix)\(why): \(decision.message)\(decision.verdict == .notBetter ? " (forced)" : "")"
            }
            switch decision.verdict {
            case .notBetter where !force:
                context.log(decision.message)
                context.notice("\(model): \(decision.message)")
                output.declined = decision.message
                return output
            case .notBetter: context.log(decision.message + " — deployed anyway (force: true)")
            case .alreadyThere: context.notice("\(model): \(decision.message); nothing to deploy")
            case .promote: context.log(decision.message)
            }
            move = moved
        } else {
            move = try context.store.setModelAlias(model: model, alias: alias, version: version, author: DeckStore.defaultAuthor, reason: reasonPrefix + why, runID: context.run.id)
        }
        if let move {
            let from = move.fromVersion.map { "\($0) → " } ?? ""
            context.log("\(model)@\(alias): \(from)\(version)")
            output.facts["deployed"] = "\(model)@\(alias) → \(version)"
        } else {
            context.log("\(model)@\(alias) already points at version \(version)")
        }
        output.facts["version"] = "\(version)"
        return output
    }

    /// `candidate auc 0.8412 vs production v1 auc 0.7410 on this run's test split (1409 rows)`:
    /// the upstream evaluate step's scores of the candidate and of the production version on the
    /// same rows (the metrics the step's `if:` names, else all both have); nil without a
    /// production version or an evaluate step.
    static func sameSplitComparison(_ context: StepContext) -> String? {
        guard let evaluation = context.allUpstream(kinds: ["evaluate"]).last,
              let production = EvaluateStep.productionMetrics(evaluation.output) else { return nil }
        var names = Set(evaluation.output.metrics.keys).intersection(production.keys)
        if let condition = context.step.condition, let expression = try? FilterExpression.parse(condition) {
            let named = Set(expression.fields.filter { $0.namespace == "production.metrics" || $0.namespace == "metrics" }.map(\.name))
            if !names.intersection(named).isEmpty { names.formIntersection(named) }
        }
        guard !names.isEmpty else { return nil }
        func numbers(_ values: [String: Double]) -> String {
            names.sorted().map { "\($0) \(String(format: "%.4f", values[$0] ?? .nan))" }.joined(separator: ", ")
        }
        let version = evaluation.output.facts["production.version"].map { " v\($0)" } ?? ""
        let rows = evaluation.output.facts["rows"].map { " (\($0) rows)" } ?? ""
        return "candidate \(numbers(evaluation.output.metrics)) vs production\(version) \(numbers(production)) "
            + "on this run's \(evaluation.output.facts["split"] ?? "test") split\(rows)"
    }
}
