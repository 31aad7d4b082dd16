import DeckML
import DeckStore
import Foundation

/// `uses: evaluate`: scores the trained model on the test split (accuracy, precision, recall,
/// F1, ROC AUC, log loss and the confusion matrix; RMSE, MAE, R², MAPE for regression), records
/// the charts (ROC, precision-recall and calibration curves; residuals; gain importance) and
/// scores the model's current `production` version **on the same rows**, so that `if:`
/// conditions compare candidate and incumbent on equal terms (the incumbent's numbers are also
/// recorded on the run as `production.METRIC`). Leaves `evaluation.json`.
struct EvaluateStep: StepRunner, StepFinalizer {
    var cacheable: Bool { true }

    /// The version of `evaluation.json`'s content, part of the cache key: a report cached before
    /// the charts were recorded is computed again rather than restored without them.
    func extraCacheInputs(_ context: StepContext) throws -> [String] { ["evaluation-report/2"] }

    /// The prefix of the run metrics that hold the production version's scores on this run's split.
    static let productionMetricPrefix = "production."

    /// Metric names accepted in `with: {metrics: […]}`, with their aliases.
    static let metricAliases: [String: String] = [
        "roc_auc": "auc", "auc": "auc", "accuracy": "accuracy", "acc": "accuracy", "precision": "precision", "recall": "recall",
        "f1": "f1", "logloss": "logloss", "log_loss": "logloss", "rmse": "rmse", "mae": "mae", "r2": "r2", "mape": "mape",
    ]

    /// The production metrics recorded by an evaluate step's output, or nil when there was no
    /// production version.
    static func productionMetrics(_ output: StepOutput) -> [String: Double]? {
        guard output.facts["production.exists"] == "true" else { return nil }
        var out: [String: Double] = [:]
        for (k, v) in output.facts where k.hasPrefix("production.metrics.") {
            if let n = Double(v) { out[String(k.dropFirst("production.metrics.".count))] = n }
        }
        return out
    }

    /// The model whose production version is compared: `with: {model:}` or the pipeline's register step.
    func modelName(_ context: StepContext) throws -> String? {
        if let name = try context.string("model") { return name }
        for step in context.pipeline.steps {
            if case .builtin("register") = step.action, let value = step.argument("model") {
                return try? Interpolation.apply(value, params: context.params).text
            }
        }
        return nil
    }

    func run(_ context: StepContext) throws -> StepOutput {
        let name = context.step.name
        guard let trained = context.upstreamResult(kinds: ["xgboost", "linear"]) else {
            throw StepError.missingInput(step: name, what: "needs an xgboost or linear step upstream")
        }
        guard let splitResult = context.upstreamResult(kinds: ["split"]) ?? context.allUpstream(kinds: ["split"]).first else {
            throw StepError.missingInput(step: name, what: "needs a split step upstream")
        }
        guard let dataset = context.dataset else { throw StepError.missingInput(step: name, what: "the pipeline has no dataset:") }
        let table = try context.tables.table(dataset.path)
        let split = try SplitFile.read(splitResult.outputDirectory)
        let part = try context.stringOrDefault("split")
        let rows: [Int]
        switch part {
        case "test": rows = split.test
        case "validation": rows = split.validation
        case "train": rows = split.train
        default: throw StepError.badArgument(step: name, key: "split", expected: "test, validation or train", found: "'\(part)'")
        }
        guard !rows.isEmpty else { throw StepError.failed(step: name, message: "the \(part) split is empty (set test_size on the split step)") }
        let spec = try StepFiles.preprocessing(trained.outputDirectory)
        let booster = try XGBoostBooster(modelData: try Data(contentsOf: trained.outputDirectory.appendingPathComponent("model.json")))
        if let positive = try context.string("positive"), positive != spec.positiveClass {
            throw StepError.badArgument(step: name, key: "positive", expected: "the model's positive class '\(spec.positiveClass ?? "-")' "
                                        + "(choose it with positive: on the split step, which the model is trained for)", found: "'\(positive)'")
        }
        let candidate = LoadedModel(version: Self.placeholder, spec: spec, booster: booster)
        let (result, charts) = try candidate.evaluateWithCharts(table, rows: rows)

        var wanted = Array(result.metrics.keys)
        if let list = try context.stringList("metrics") {
            wanted = []
            for m in list {
                guard let canonical = Self.metricAliases[m.lowercased()] else {
                    throw StepError.badArgument(step: name, key: "metrics", expected: "metric names among \(Set(Self.metricAliases.values).sorted().joined(separator: ", "))", found: "'\(m)'")
                }
                if result.metrics[canonical] != nil { wanted.append(canonical) }
                else { context.notice("metric '\(m)' does not apply to a \(result.task.rawValue) model; left out") }
            }
        }
        var output = StepOutput()
        for k in wanted { output.metrics[k] = result.metrics[k] }
        context.log("\(part) split, \(rows.count) rows: " + wanted.sorted().map { "\($0) \(String(format: "%.4f", result.metrics[$0]!))" }.joined(separator: ", "))

        let classes = spec.task == .regression ? nil : spec.classes
        let report = EvaluationReport(split: part, rows: rows.count, result: result, classes: classes, charts: charts)
        try report.jsonData().write(to: context.outputDirectory.appendingPathComponent(EvaluationReport.fileName))
        output.files = ["evaluation.json"]
        output.facts["task"] = result.task.rawValue
        output.facts["split"] = part
        output.facts["rows"] = "\(rows.count)"
        return output
    }

    /// Scores the model's current `production` version on the same rows (after a run or a cache
    /// hit, since production may have moved): the same model as this run's → the same metrics;
    /// otherwise scored, with the scores cached by (production model, dataset, split, metrics).
    func finalize(_ output: StepOutput, context: StepContext) throws -> StepOutput {
        var output = output
        output.facts["production.exists"] = "false"
        guard let model = try modelName(context), let version = try context.store.modelVersion(model: model, alias: "production") else {
            return output
        }
        output.facts["production.exists"] = "true"
        output.facts["production.version"] = "\(version.version)"
        let wanted = output.metrics.keys.sorted()
        let trained = context.upstreamResult(kinds: ["xgboost", "linear"])
        var scored: [String: Double] = [:]
        if let trained, trained.fileObjects["model.json"] == version.modelObject.hex {
            scored = output.metrics
            context.log("production \(version.reference) is this run's model")
        } else {
            guard let dataset = context.dataset, let splitResult = context.allUpstream(kinds: ["split"]).first else { return output }
            let part = output.facts["split"] ?? "test"
            let key = ObjectID.of(Data(["production-score/1", version.modelObject.hex, version.preprocessingObject?.hex ?? "-",
                                        dataset.contentHash, splitResult.outputHash, part, wanted.joined(separator: ",")].joined(separator: "\n").utf8)).hex
            if let id = try context.store.cachedStepManifest(key: key), let manifest = try? StepManifest.decode(context.store.objects.read(id)) {
                scored = manifest.metrics
            } else {
                do {
                    let table = try context.tables.table(dataset.path)
                    let split = try SplitFile.read(splitResult.outputDirectory)
                    let rows = part == "validation" ? split.validation : (part == "train" ? split.train : split.test)
                    let incumbent = try LoadedModel.load(store: context.store, version: version)
                    let all = try incumbent.evaluate(table, rows: rows).metrics
                    for k in wanted { scored[k] = all[k] }
                    let manifest = StepManifest(files: [], metrics: scored, series: [:], facts: [:], notices: [])
                    let id = try context.store.objects.put(try manifest.jsonData())
                    try context.store.storeStepCache(key: key, manifest: id, pipeline: context.pipeline.name, step: context.step.name + ".production", runID: context.run.id)
                } catch {
                    context.notice("cannot score production \(version.reference) on this run's data: \(error)")
                    return output
                }
            }
            context.log("production \(version.reference) on the same rows: " + wanted.compactMap { k in scored[k].map { "\(k) \(String(format: "%.4f", $0))" } }.joined(separator: ", "))
        }
        for (k, v) in scored { output.facts["production.metrics.\(k)"] = "\(v)" }
        // On the run too (beside the candidate's own), so `mldeck runs show` and comparisons see both.
        let now = Date().timeIntervalSince1970
        context.sink.metrics(step: context.step.name, scored.sorted { $0.key < $1.key }.map {
            MetricPoint(key: Self.productionMetricPrefix + $0.key, value: $0.value, step: 0, timestamp: now)
        })
        return output
    }

    static let placeholder = ModelVersionRecord(model: "candidate", version: 0, createdAt: 0, runID: nil, task: nil, framework: "xgboost",
                                                modelObject: ObjectID.of(Data()), preprocessingObject: nil, referenceObject: nil,
                                                signature: [], metrics: [:], params: [:], datasetName: nil, datasetVersionNumber: nil,
                                                datasetHash: nil, codeHash: nil, description: nil, aliases: [])
}
