import DeckML
import DeckStore
import Foundation

/// `uses: xgboost` (trees) and `uses: linear` (XGBoost's gblinear): trains on the split's
/// training rows, logging every round's metrics for train and validation as series
/// (`train-logloss`, `validation-auc`, step = round). Early stopping keeps only the trees up to
/// the best round. Leaves `model.json` (XGBoost JSON), `preprocessing.json` and `training.json`.
struct TrainStep: StepRunner {
    let linear: Bool
    var cacheable: Bool { true }

    /// Default per-round metrics by task; the last drives early stopping.
    static func defaultMetrics(_ task: ModelTask) -> [String] {
        switch task {
        case .binary: return ["logloss", "auc"]
        case .multiclass: return ["merror", "mlogloss"]
        case .regression: return ["mae", "rmse"]
        }
    }

    func parameters(_ context: StepContext, spec: PreprocessingSpec) throws -> XGBoostParameters {
        let own: Set<String> = Set(BuiltinCatalog.trainKeys)
        let rounds = try context.int("rounds") ?? context.int("num_boost_round") ?? context.int("n_estimators")
            ?? Self.roundsParam(context) ?? 100
        var objective = spec.objective
        if let text = try context.string("objective") {
            switch text {
            case "binary:logistic": objective = .binaryLogistic
            case "multi:softprob": objective = .multiSoftprob(classes: spec.classCount)
            case "reg:squarederror": objective = .squaredError
            default:
                throw StepError.badArgument(step: context.step.name, key: "objective", expected: "binary:logistic, multi:softprob or reg:squarederror", found: "'\(text)'")
            }
        }
        var extra: [String: String] = [:]
        for (key, value) in context.arguments where !own.contains(key) {
            guard let text = value.text else { throw StepError.badArgument(step: context.step.name, key: key, expected: "a value", found: value.brief) }
            extra[XGBoostParameterNames.aliases[key] ?? key] = text
        }
        if !linear && extra["tree_method"] == nil { extra["tree_method"] = "hist" }
        let threads = try context.int("nthread") ?? context.int("n_jobs") ?? ProcessInfo.processInfo.activeProcessorCount
        return XGBoostParameters(objective: objective, booster: linear ? .gblinear : .gbtree, rounds: rounds,
                                 earlyStoppingRounds: try context.int("early_stopping_rounds"), threads: max(1, threads),
                                 evalMetrics: try context.stringList("eval_metric") ?? Self.defaultMetrics(spec.task), extra: extra)
    }

    /// Which curves are evaluated, how often and on which rows (`train_curve_rows`,
    /// `train_curve_every`, `validation_curve_every`); ranges are checked against the catalog.
    func curvePlan(_ context: StepContext, earlyStopping: Bool) throws -> XGBoostCurvePlan {
        var plan = XGBoostCurvePlan.standard
        if let rows = try context.int("train_curve_rows") { plan.trainRows = rows == 0 ? nil : rows }
        if let every = try context.int("train_curve_every") { plan.trainEvery = every }
        if let every = try context.int("validation_curve_every") {
            if earlyStopping && every != 1 {
                throw StepError.badArgument(step: context.step.name, key: "validation_curve_every",
                                            expected: "1 with early_stopping_rounds (early stopping reads the validation metric every round)",
                                            found: "\(every)")
            }
            plan.validationEvery = every
        }
        return plan
    }

    /// `-p rounds=N` when `with:` gives no rounds, within the same range as `with.rounds`.
    static func roundsParam(_ context: StepContext) throws -> Int? {
        guard let text = context.params["rounds"] else { return nil }
        guard case .whole(let range) = BuiltinOptionRanges.rounds, let n = CheckedInteger.parse(text), range.contains(n) else {
            throw StepError.failed(step: context.step.name, message: "params.rounds: expected \(BuiltinOptionRanges.rounds.expected), found '\(text)'")
        }
        return n
    }

    func run(_ context: StepContext) throws -> StepOutput {
        let name = context.step.name
        guard let splitResult = context.upstreamResult(kinds: ["split"]) else {
            throw StepError.missingInput(step: name, what: "needs a split step upstream")
        }
        guard let dataset = context.dataset else { throw StepError.missingInput(step: name, what: "the pipeline has no dataset:") }
        let spec = try StepFiles.preprocessing(splitResult.outputDirectory)
        let split = try SplitFile.read(splitResult.outputDirectory)
        let table = try context.tables.table(dataset.path)
        let transformer = FeatureTransformer(spec: spec)
        let clock = ContinuousClock(), prepareStart = clock.now
        let train = try LabeledMatrix(features: transformer.features(table, rows: split.train), labels: transformer.labels(table, rows: split.train))
        // Without a validation split the test split's curve is drawn instead: watched only, never
        // used to stop or to pick a round, so the test metrics stay an honest estimate.
        let heldOutRows = split.validation.isEmpty ? split.test : split.validation
        let heldOutName = split.validation.isEmpty ? XGBoostTrainer.testSetName : XGBoostTrainer.validationSetName
        let validation = heldOutRows.isEmpty ? nil
            : try LabeledMatrix(features: transformer.features(table, rows: heldOutRows), labels: transformer.labels(table, rows: heldOutRows))
        let prepareSeconds = (clock.now - prepareStart).inSeconds
        var parameters = try parameters(context, spec: spec)
        if split.validation.isEmpty && parameters.earlyStoppingRounds != nil {
            context.notice("early stopping needs a validation split (validation_size > 0); training all rounds")
            parameters.earlyStoppingRounds = nil
        }
        let curves = try curvePlan(context, earlyStopping: parameters.earlyStoppingRounds != nil)
        context.log("training \(linear ? "gblinear" : "gbtree") \(parameters.objective.parameterValue) for up to \(parameters.rounds) rounds on \(train.features.rows) × \(train.features.columns) (\(parameters.threads) threads)")

        var series: [MetricPoint] = []
        series.reserveCapacity(parameters.rounds * 4)
        var lastProgress = 0.0
        let total = parameters.rounds
        let result = try XGBoostTrainer.train(parameters: parameters, train: train, validation: validation, heldOutName: heldOutName,
                                               curves: curves) { log in
            try context.cancellation.check()
            let now = Date().timeIntervalSince1970
            let points = log.metrics.sorted { $0.key < $1.key }.map { MetricPoint(key: $0.key, value: $0.value, step: Int64(log.round), timestamp: now) }
            series += points
            context.sink.metrics(step: name, points)
            context.sink.emit(.progress(step: name, done: log.round + 1, total: total))
            if now - lastProgress > 0.5 {
                lastProgress = now
                try? context.store.updateStepProgress(run: context.run, step: name, progress: Double(log.round + 1) / Double(total))
            }
        }
        let saveStart = clock.now
        try result.booster.jsonData().write(to: context.outputDirectory.appendingPathComponent("model.json"))
        try spec.jsonData().write(to: context.outputDirectory.appendingPathComponent("preprocessing.json"))
        let info = TrainingInfo(booster: parameters.booster.rawValue, objective: parameters.objective.parameterValue,
                                roundsTrained: result.roundsTrained, bestIteration: result.bestIteration, bestScore: result.bestScore,
                                stoppingMetric: result.stoppingMetric, parameters: Dictionary(uniqueKeysWithValues: parameters.boosterParameterPairs.filter { $0.0 != "eval_metric" }),
                                evalMetrics: parameters.effectiveEvalMetrics, curves: curves, timings: result.timings, prepareSeconds: prepareSeconds,
                                saveSeconds: (clock.now - saveStart).inSeconds)
        let encoder = JSONEncoder(); encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        try encoder.encode(info).write(to: context.outputDirectory.appendingPathComponent("training.json"))
        if result.roundsTrained < parameters.rounds {
            context.notice("early stopping after round \(result.roundsTrained - 1): best round \(result.bestIteration) (\(result.stoppingMetric ?? ""))")
        }
        var output = StepOutput()
        output.files = ["model.json", "preprocessing.json", "training.json"]
        output.series = series
        output.facts = ["best_iteration": "\(result.bestIteration)", "rounds": "\(result.roundsTrained)", "booster": parameters.booster.rawValue]
        return output
    }

}

/// `training.json`: what the train step did.
struct TrainingInfo: Codable {
    var booster: String
    var objective: String
    var roundsTrained: Int
    var bestIteration: Int
    var bestScore: Double?
    var stoppingMetric: String?
    var parameters: [String: String]
    var evalMetrics: [String]
    /// Which curves were evaluated, how often and on how many training rows.
    var curves: XGBoostCurvePlan?
    var timings: XGBoostTrainingTimings
    var prepareSeconds: Double
    var saveSeconds: Double
}
