import DeckML
import DeckStore
import Foundation

/// `uses: register`: records a new version of a named model: the trained model (XGBoost JSON),
/// the preprocessing spec, the input signature, the evaluated metrics, the params, the lineage
/// (run, dataset version, code hash) and the reference data for monitoring (the training split's
/// input columns, sorted, binary, with statistics, and the model's scores on its test split). Objects are durable before the version row.
struct RegisterStep: StepRunner {
    var cacheable: Bool { true }

    func cachedResultIsValid(_ output: StepOutput, context: StepContext) -> Bool {
        guard let model = output.facts["model"], let version = output.facts["version"].flatMap(Int.init) else { return false }
        return (try? context.store.modelVersion(ModelReference(model: model, selector: .version(version)))) != nil
    }

    func run(_ context: StepContext) throws -> StepOutput {
        let name = context.step.name
        guard let model = try context.string("model") else { throw StepError.missingInput(step: name, what: "with: {model: NAME} is required") }
        guard let trained = context.upstreamResult(kinds: ["xgboost", "linear"]) else {
            throw StepError.missingInput(step: name, what: "needs an xgboost or linear step upstream")
        }
        let spec = try StepFiles.preprocessing(trained.outputDirectory)
        var metrics: [String: Double] = [:]
        for evaluation in context.allUpstream(kinds: ["evaluate"]) { metrics.merge(evaluation.output.metrics) { _, new in new } }

        let batch = ObjectWriteBatch(store: context.store.objects)
        let modelObject = try batch.putFile(at: trained.outputDirectory.appendingPathComponent("model.json"))
        let preprocessingObject = try batch.put(try spec.jsonData())
        var referenceObject: ObjectID?
        if let splitResult = context.allUpstream(kinds: ["split"]).first, let dataset = context.dataset {
            let split = try SplitFile.read(splitResult.outputDirectory)
            let table = try context.tables.table(dataset.path)
            var reference = ReferenceData.build(table: table, spec: spec, rows: split.train)
            reference.predictions = try PredictionReference.scores(
                modelFile: trained.outputDirectory.appendingPathComponent("model.json"), spec: spec, table: table, split: split)
            referenceObject = try batch.put(try reference.encoded())
        }
        try batch.commit()

        var params = context.params
        for (key, value) in trained.output.facts where key == "best_iteration" || key == "rounds" { params["train.\(key)"] = value }
        if let train = context.pipeline.step(trained.name) {
            for (key, value) in train.with {
                if let text = try? Interpolation.apply(value, params: context.params).text { params["train.\(key)"] = text }
            }
        }
        let run = try context.store.resolveRun(context.run.id)
        let dataset = context.dataset
        let alias = try context.string("alias")
        let version = try context.store.registerModelVersion(NewModelVersion(
            model: model, modelObject: modelObject, preprocessingObject: preprocessingObject, referenceObject: referenceObject,
            framework: trained.kind == "linear" ? "xgboost-gblinear" : "xgboost", task: spec.task.rawValue,
            signature: spec.inputs.map { SignatureColumn(name: $0.name, type: $0.type) }, metrics: metrics, params: params,
            runID: context.run.id, datasetName: dataset?.name, datasetVersionNumber: dataset?.versionNumber,
            datasetHash: dataset?.contentHash, codeHash: run.lineage.codeHash, description: try context.string("description")),
            alias: alias, reason: alias.map { _ in "registered by run \(context.run.id.prefix(8))" })
        context.log("registered \(version.reference)" + (alias.map { " (\($0))" } ?? ""))
        let record = ["model": model, "version": "\(version.version)", "reference": version.reference]
        try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]).write(to: context.outputDirectory.appendingPathComponent("registered.json"))
        var output = StepOutput()
        output.files = ["registered.json"]
        output.facts = ["model": model, "version": "\(version.version)", "registered": version.reference]
        return output
    }
}
