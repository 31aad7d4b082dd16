import DeckML
import DeckStore
import Foundation

/// The demo builder wired to the registries: the three data files become versions 1–3 of the
/// dataset `churn` (keyed by `customer_id`), and the best sweep runs and the retrained runs
/// become versions of `churn-model`, with `staging` on the newest retrained one; then the
/// `production` pipeline runs once and deploys the best version by its policy; then the endpoint's
/// log gets a drifted window, whose drift alert fires the retrain (``DemoMonitoring``).
public enum DemoWorkspace {
    static let messages = ["Initial export: 3,000 customers", "Add 500 November sign-ups",
                           "Re-export after the fiber price rise (drifted)"]

    public static func builder(directory: URL) -> DemoWorkspaceBuilder {
        var b = DemoWorkspaceBuilder(directory: directory)
        let seed = b.seed
        b.registerDatasets = { store, files in
            var notes: [String] = []
            for (i, file) in files.enumerated() {
                let request = DatasetAddRequest(name: "churn", path: file.path, message: messages[min(i, messages.count - 1)],
                                                tags: i == 2 ? ["drift": "price-rise"] : [:], keyColumns: ["customer_id"])
                let result = try DatasetAdder.add(request, to: store)
                notes.append("dataset   \(result.version.reference)  \(result.version.rows.map { "\($0) rows" } ?? "")  \(request.message)")
            }
            return notes
        }
        b.registerModels = { store, runs in
            // Four versions: the sweep's 2nd, 3rd and 1st best (in that order, so v3 is the best),
            // then the newest retrained run.
            let sweep = runs.filter { $0.datasetVersion == 2 }.sorted { $0.validationAUC > $1.validationAUC }
            var picks: [DemoWorkspaceBuilder.TrainedRun] = []
            if sweep.count >= 3 { picks = [sweep[2], sweep[1], sweep[0]] } else { picks = sweep.reversed() }
            if let retrained = runs.last(where: { $0.datasetVersion == 3 }) { picks.append(retrained) }
            var notes: [String] = []
            let dataset = try? store.datasetVersions("churn")
            var tables: [URL: DataTable] = [:]
            for (i, run) in picks.enumerated() {
                // What a pipeline's register step stores: model, preprocessing, reference data.
                let table = try tables[run.dataFile] ?? DataTable.load(path: run.dataFile.path)
                tables[run.dataFile] = table
                let batch = ObjectWriteBatch(store: store.objects)
                let object = try batch.putFile(at: run.modelFile)
                let preprocessing = try batch.put(try run.spec.jsonData())
                var referenceData = ReferenceData.build(table: table, spec: run.spec, rows: run.trainRows)
                referenceData.predictions = try PredictionReference.scores(
                    modelFile: run.modelFile, spec: run.spec, table: table,
                    split: DatasetSplit(train: run.trainRows, validation: run.validationRows, test: []))
                let reference = try batch.put(try referenceData.encoded())
                try batch.commit()
                let hash = dataset?.first { $0.number == run.datasetVersion }?.contentHash
                let alias: String? = i == picks.count - 1 && i > 2 ? "staging" : nil
                let v = try store.registerModelVersion(NewModelVersion(
                    model: "churn-model", modelObject: object, preprocessingObject: preprocessing, referenceObject: reference,
                    task: run.spec.task.rawValue, signature: run.spec.inputs.map { SignatureColumn(name: $0.name, type: $0.type) },
                    metrics: ["auc": run.validationAUC, "logloss": run.validationLogLoss, "accuracy": run.accuracy],
                    params: run.params, runID: run.runID, datasetName: "churn", datasetVersionNumber: run.datasetVersion,
                    datasetHash: hash, description: "XGBoost, max_depth \(run.params["max_depth"] ?? "?"), eta \(run.params["eta"] ?? "?")"),
                    alias: alias, author: "demo", reason: alias.map { _ in "set by mldeck demo" })
                notes.append("model     \(v.reference)\(alias.map { " (\($0))" } ?? "")  auc \(String(format: "%.4f", run.validationAUC))  from \(run.name)")
            }
            notes += try runProductionPipeline(store)
            notes += try DemoMonitoring.build(store: store, generator: ChurnDataGenerator(seed: seed), now: Date().timeIntervalSince1970)
            return notes
        }
        return b
    }

    /// Runs the demo's `production` pipeline once (select the best version by its policy, deploy
    /// it), so the workspace starts with a production version and a recorded deployment.
    static func runProductionPipeline(_ store: DeckStore) throws -> [String] {
        let config = try PipelineEnvironment.loadConfig(store.workspace)
        let request = PipelineRunRequest(pipeline: "production", maxParallel: 1, commandLine: "mldeck run production")
        let outcome = try PipelineExecution(store: store, config: config, request: request).run()
        guard outcome.status == .finished else {
            return ["production pipeline: \(outcome.status.rawValue.lowercased())\(outcome.reason.map { ": \($0)" } ?? "")"]
        }
        let moved = outcome.deployed.first ?? outcome.steps.compactMap(\.reason).first ?? "nothing deployed"
        return ["deployed  \(moved)  by the production pipeline (run \(outcome.runID.prefix(8)); mldeck models deployments churn-model)"]
    }
}
