import DeckML
import Foundation

/// `uses: split`: chooses features and the task, fits the encodings on the training rows and
/// splits train / validation / test (seeded; stratified for classification; or by a time
/// column). Leaves `split.bin` and `preprocessing.json`.
struct SplitStep: StepRunner {
    var cacheable: Bool { true }

    /// Whether a validation set is held out by default depends on the steps downstream, which are
    /// not part of this step's definition: it is part of the cache key.
    func extraCacheInputs(_ context: StepContext) throws -> [String] {
        ["validation-used=\(Self.validationIsUsed(context))"]
    }

    func run(_ context: StepContext) throws -> StepOutput {
        let name = context.step.name
        guard let dataset = context.dataset else { throw StepError.missingInput(step: name, what: "the pipeline has no dataset:") }
        let table = try context.tables.table(dataset.path)
        guard let target = try context.string("target") else { throw StepError.missingInput(step: name, what: "with: {target: COLUMN} is required") }
        var task: ModelTask?
        if let text = try context.string("task") {
            guard let t = ModelTask(rawValue: text) else { throw PreprocessingError.badTask(text) }
            task = t
        }
        let options = PreprocessingFitter.Options(
            target: target, features: try context.stringList("features"), exclude: try context.stringList("exclude") ?? [],
            task: task, maxOneHot: try context.intOrDefault("max_onehot"), keepIDs: try context.boolOrDefault("keep_ids"),
            timeColumn: try context.string("time_column"), idColumn: try context.string("id"))
        let fitter = PreprocessingFitter(options: options)
        let (inferredTask, inferredClasses) = try fitter.inferTask(table)
        var output = StepOutput()
        let classes = try Self.orderClasses(inferredClasses, task: inferredTask, positive: try context.string("positive"), context: context, output: &output)
        if task == nil {
            let what = classes.map { ": classes \($0.prefix(10).joined(separator: ", "))\($0.count > 10 ? ", …" : "")" } ?? ""
            output.notices.append("task \(inferredTask.rawValue) inferred from '\(target)'\(what) (set task: to change it)")
        }
        let (features, excluded) = try fitter.chooseFeatures(table)
        for e in excluded where e.reason != "not listed in features" && e.reason != "excluded" {
            output.notices.append("left out '\(e.name)': \(e.reason) (list it in features: to keep it)")
        }
        let probe = FeatureTransformer(spec: PreprocessingSpec(target: target, task: inferredTask, classes: classes, inputs: [], featureNames: [], excluded: []))
        let usable = probe.rowsWithTarget(table)
        if usable.count < table.rowCount { output.notices.append("\(table.rowCount - usable.count) rows without a '\(target)' value left out") }

        let validationSize = try context.double("validation_size") ?? (Self.validationIsUsed(context) ? 0.1 : 0)
        let fractions = SplitFractions(validation: validationSize, test: try context.doubleOrDefault("test_size"))
        let seed = UInt64(max(0, try context.intOrDefault("seed")))
        let stratify = try context.bool("stratify") ?? (inferredTask != .regression)
        var local: DatasetSplit
        if let timeColumn = options.timeColumn {
            guard let index = table.index(of: timeColumn) else { throw PreprocessingError.missingColumn(timeColumn, available: table.names) }
            let column = table.columns[index]
            switch column {
            case .numeric(let values): local = try DatasetSplitter.byTime(times: usable.map { values[$0].isNaN ? -Double.infinity : values[$0] }, fractions: fractions)
            case .categorical: local = try DatasetSplitter.byTime(times: usable.map { LabelText.cell(column, $0) ?? "" }, fractions: fractions)
            }
        } else if stratify && inferredTask != .regression {
            let labels = try probe.labels(table, rows: usable)
            local = try DatasetSplitter.stratified(classes: labels.map { CheckedInteger.clamped(Double($0), nan: -1) }, fractions: fractions, seed: seed)
        } else {
            local = try DatasetSplitter.random(rowCount: usable.count, fractions: fractions, seed: seed)
        }
        let split = DatasetSplit(train: local.train.map { usable[$0] }, validation: local.validation.map { usable[$0] },
                                 test: local.test.map { usable[$0] })
        guard !split.train.isEmpty else { throw StepError.failed(step: name, message: "the training split is empty (\(usable.count) rows)") }
        let spec = fitter.fit(table, task: inferredTask, classes: classes, features: features, excluded: excluded, trainRows: split.train)
        try SplitFile.encode(split).write(to: context.outputDirectory.appendingPathComponent(SplitFile.name))
        try spec.jsonData().write(to: context.outputDirectory.appendingPathComponent("preprocessing.json"))
        context.log("\(table.rowCount) rows × \(table.names.count) columns; \(spec.inputs.count) input columns → \(spec.featureNames.count) features; train \(split.train.count), validation \(split.validation.count), test \(split.test.count)")
        for n in output.notices { context.notice(n) }
        output.files = [SplitFile.name, "preprocessing.json"]
        output.facts = ["task": inferredTask.rawValue, "rows.train": "\(split.train.count)", "rows.validation": "\(split.validation.count)",
                        "rows.test": "\(split.test.count)", "features": "\(spec.featureNames.count)"]
        if let positive = spec.positiveClass { output.facts["positive"] = positive }
        return output
    }

    /// Puts the positive class of a binary target second (class index 1). Without `positive:` the
    /// last label in sorted order is positive, and a notice says so, since that is a guess.
    static func orderClasses(_ classes: [String]?, task: ModelTask, positive: String?, context: StepContext,
                             output: inout StepOutput) throws -> [String]? {
        guard let positive else {
            if task == .binary, let last = classes?.last {
                output.notices.append("positive class '\(last)' (the last label in sorted order; set positive: to choose)")
            }
            return classes
        }
        guard task == .binary, let classes, classes.count == 2 else {
            throw StepError.badArgument(step: context.step.name, key: "positive", expected: "a binary target (two classes)",
                                        found: "a \(task.rawValue) target")
        }
        guard let index = classes.firstIndex(of: positive) else {
            throw StepError.badArgument(step: context.step.name, key: "positive", expected: "one of the classes \(classes.joined(separator: ", "))",
                                        found: "'\(positive)'")
        }
        return [classes[1 - index], positive]
    }

    /// Whether a step downstream of this split uses a validation set (early stopping). Only then
    /// is one held out by default: otherwise those rows would be lost to training for nothing.
    static func validationIsUsed(_ context: StepContext) -> Bool {
        context.pipeline.steps.contains { step in
            ["xgboost", "linear"].contains(step.action.kind) && context.graph.upstream(of: step.name).contains(context.step.name)
                && step.with.contains { $0.key == "early_stopping_rounds" }
        }
    }
}
