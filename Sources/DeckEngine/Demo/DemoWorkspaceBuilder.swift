import DeckML
import DeckStore
import Foundation

/// Builds the demo workspace of `mldeck demo` in a few seconds with no network:
///
/// 1. a churn table from ``ChurnDataGenerator`` in three versions — v1 (3,000 customers), v2
///    (500 more sign-ups), v3 (the same customers after a fiber price rise: drifted charges,
///    shorter tenure, more churn) — under `data/`;
/// 2. `mldeck.yaml` with the churn pipeline;
/// 3. a hyper-parameter sweep of ``sweepSize`` XGBoost runs on v2 (real training with early
///    stopping, per-round `train-*` / `validation-*` curves, a log each), under one parent run;
/// 4. two retraining runs on v3.
///
/// The hooks ``registerDatasets`` and ``registerModels`` add the registry records when the
/// registries are available (the engine wires them).
public struct DemoWorkspaceBuilder {
    /// What was built.
    public struct Summary: Sendable {
        public var root: URL
        public var datasetFiles: [URL]
        public var runs: Int
        public var bestRunID: String?
        public var bestValidationAUC: Double?
        public var registryNotes: [String]
        public var seconds: Double
    }

    /// A finished demo training run.
    public struct TrainedRun: Sendable {
        public var runID: String
        public var name: String
        public var datasetVersion: Int
        public var params: [String: String]
        public var validationAUC: Double
        public var validationLogLoss: Double
        public var accuracy: Double
        /// The model as XGBoost JSON.
        public var modelFile: URL
        /// The preprocessing the model was trained with (fitted on ``trainRows``), as a
        /// pipeline's `split` step makes it: the version can be served and scored like any other.
        public var spec: PreprocessingSpec
        /// The data file it was trained on, and the rows of it in its training split.
        public var dataFile: URL
        public var trainRows: [Int]
        /// The rows it was validated on (its held-out split: the reference predictions are its scores there).
        public var validationRows: [Int] = []
    }

    public var directory: URL
    public var seed: UInt64 = 2024
    public var sweepSize = 20
    /// Registers the three data files as versions of dataset `churn` (v1, v2, v3); returns notes to print.
    public var registerDatasets: ((DeckStore, [URL]) throws -> [String])?
    /// Registers model versions from the best runs and sets aliases; returns notes to print.
    public var registerModels: ((DeckStore, [TrainedRun]) throws -> [String])?

    public init(directory: URL) { self.directory = directory }

    /// The marker that tells a demo workspace from a user's (only demo workspaces are replaced).
    public static let markerName = "demo-workspace"

    public func build(progress: (String) -> Void = { _ in }) throws -> Summary {
        let clock = ContinuousClock(), started = clock.now
        let fm = FileManager.default
        let marker = directory.appendingPathComponent(".mldeck/\(Self.markerName)")
        if fm.fileExists(atPath: directory.appendingPathComponent(".mldeck").path) {
            guard fm.fileExists(atPath: marker.path) else { throw DemoError.notADemoWorkspace(directory.path) }
            try fm.removeItem(at: directory)
        }
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let workspace = try Workspace.create(at: directory)
        try Data("built by mldeck demo\n".utf8).write(to: marker)
        try Data(DemoPipelineYAML.text.utf8).write(to: workspace.configURL)
        let store = try DeckStore.open(workspace)

        // 1. Data.
        progress("generating the churn data (3 versions)…")
        let gen = ChurnDataGenerator(seed: seed)
        let v1 = gen.customers(1..<3001)
        let v2 = gen.customers(1..<3501)
        let v3 = gen.customers(1..<3501, drift: .priceRise)
        let dataDir = directory.appendingPathComponent("data")
        try fm.createDirectory(at: dataDir, withIntermediateDirectories: true)
        var files: [URL] = []
        for (i, customers) in [v1, v2, v3].enumerated() {
            let url = dataDir.appendingPathComponent("churn_v\(i + 1).csv")
            try Data(ChurnDataGenerator.csv(customers).utf8).write(to: url)
            files.append(url)
        }
        try Data(ChurnDataGenerator.csv(v3).utf8).write(to: dataDir.appendingPathComponent("churn.csv"))
        var notes: [String] = []
        if let registerDatasets { notes += try registerDatasets(store, files) }
        let v2Table = try DataTable.load(path: files[1].path), v3Table = try DataTable.load(path: files[2].path)

        // 2. The sweep on v2.
        progress("training a sweep of \(sweepSize) XGBoost runs…")
        let now = Date().timeIntervalSince1970
        let sweepStart = now - 2 * 86_400
        let parent = try store.createRun(RunStart(name: "sweep-churn", experiment: "churn", status: .running, pipeline: "churn",
                                                  params: ["grid": "max_depth × eta × subsample"], tags: ["kind": "sweep"],
                                                  lineage: RunLineage(datasetVersion: "churn@2", trigger: "manual"),
                                                  owner: nil, startTime: sweepStart))
        let grid = Self.grid(count: sweepSize)
        var trained: [TrainedRun] = []
        let modelsDir = workspace.temporaryDirectory.appendingPathComponent("demo-models")
        try fm.createDirectory(at: modelsDir, withIntermediateDirectories: true)
        var t = sweepStart + 5
        for (i, params) in grid.enumerated() {
            let r = try train(store: store, table: v2Table, dataFile: files[1], datasetVersion: 2, params: params, name: "churn-\(i + 1)",
                              parent: parent.id, trigger: "sweep", startTime: t, modelsDir: modelsDir)
            trained.append(r.run)
            t += r.seconds + 300
        }
        try store.finishRun(parent, status: .finished, endTime: t)

        // 3. Retraining on the drifted v3 (the best sweep params, and a deeper variant).
        progress("retraining on the drifted version…")
        let best = trained.max { $0.validationAUC < $1.validationAUC }!
        var retrainParams = best.params
        var t3 = now - 3 * 3600
        for (i, depth) in [best.params["max_depth"]!, "8"].enumerated() {
            retrainParams["max_depth"] = depth
            let r = try train(store: store, table: v3Table, dataFile: files[2], datasetVersion: 3, params: retrainParams, name: "churn-retrain-\(i + 1)",
                              parent: nil, trigger: "dataset-update", startTime: t3, modelsDir: modelsDir)
            trained.append(r.run)
            t3 += r.seconds + 1800
        }
        if let registerModels { notes += try registerModels(store, trained) }
        let elapsed = clock.now - started
        return Summary(root: workspace.root, datasetFiles: files, runs: trained.count + 1, bestRunID: best.runID,
                       bestValidationAUC: best.validationAUC, registryNotes: notes,
                       seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// `count` parameter sets over max_depth × eta × subsample, in a fixed order.
    static func grid(count: Int) -> [[String: String]] {
        var out: [[String: String]] = []
        for depth in ["3", "4", "6", "8", "10"] {
            for eta in ["0.05", "0.1", "0.3"] {
                for subsample in ["0.8", "1.0"] {
                    out.append(["max_depth": depth, "eta": eta, "subsample": subsample, "rounds": "120"])
                }
            }
        }
        // Spread the choice over the grid rather than taking its first corner.
        let n = min(count, out.count)
        return (0..<n).map { out[$0 * out.count / n] }
    }

    /// Trains one run: 80/20 split (seeded), the preprocessing of a `split` step (target `churn`,
    /// `customer_id` excluded and kept as the id column, encodings fitted on the training rows),
    /// XGBoost with early stopping on validation AUC, per-round curves, final metrics, the log.
    func train(store: DeckStore, table: DataTable, dataFile: URL, datasetVersion: Int, params: [String: String],
               name: String, parent: String?, trigger: String, startTime: Double, modelsDir: URL) throws -> (run: TrainedRun, seconds: Double) {
        let clock = ContinuousClock(), started = clock.now
        var g = SplitMix64(seed: 42)
        var order = Array(0..<table.rowCount)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, g.nextIndex(below: i + 1)) }
        let cut = Int(Double(order.count) * 0.8)
        let trainRows = Array(order[..<cut]), validRows = Array(order[cut...])
        let fitter = PreprocessingFitter(options: PreprocessingFitter.Options(target: "churn", exclude: ["customer_id"]))
        let (task, classes) = try fitter.inferTask(table)
        let (features, excluded) = try fitter.chooseFeatures(table)
        let spec = fitter.fit(table, task: task, classes: classes, features: features, excluded: excluded, trainRows: trainRows)
        let transformer = FeatureTransformer(spec: spec)
        func matrix(_ rows: [Int]) throws -> LabeledMatrix {
            try LabeledMatrix(features: try transformer.features(table, rows: rows), labels: try transformer.labels(table, rows: rows))
        }
        let names = spec.featureNames, rowCount = table.rowCount
        let trainSet = try matrix(trainRows), validSet = try matrix(validRows)
        let parameters = XGBoostParameters(objective: .binaryLogistic, rounds: Int(params["rounds"] ?? "120") ?? 120,
                                           earlyStoppingRounds: 10, threads: 1, evalMetrics: ["logloss", "auc"],
                                           extra: ["max_depth": params["max_depth"] ?? "6", "eta": params["eta"] ?? "0.1",
                                                   "subsample": params["subsample"] ?? "1.0", "seed": "7", "tree_method": "hist"])
        var logText = "$ mldeck run churn \(params.sorted { $0.key < $1.key }.map { "-p \($0.key)=\($0.value)" }.joined(separator: " "))\n"
        logText += "[prepare] split \(rowCount) rows: \(cut) train / \(rowCount - cut) validation (seed 42); \(spec.inputs.count) input columns → \(names.count) features\n"
        logText += "[train] xgboost binary:logistic, \(names.count) features, early stopping on validation-auc (10 rounds)\n"
        let result = try XGBoostTrainer.train(parameters: parameters, train: trainSet, validation: validSet)
        var points: [MetricPoint] = []
        let seconds = max(0.05, Double((clock.now - started).components.attoseconds) / 1e18 + Double((clock.now - started).components.seconds))
        // Spread the rounds over a plausible wall time so the curves have timestamps to match.
        let wall = seconds * 40
        for log in result.history {
            let ts = startTime + wall * Double(log.round + 1) / Double(result.history.count)
            var line = "[\(log.round)]"
            for (k, v) in log.metrics.sorted(by: { $0.key < $1.key }) {
                points.append(MetricPoint(key: k, value: v, step: Int64(log.round), timestamp: ts))
                line += "\t\(k):\(CompactNumber4.format(v))"
            }
            logText += line + "\n"
        }
        let prediction = try result.booster.predict(validSet.features).doubles
        let validLabels = validSet.labels.map { $0 > 0.5 }
        let auc = ROCAUC.binary(positives: validLabels, scores: prediction) ?? .nan
        let logloss = LogLoss.binary(labels: validLabels.map { $0 ? 1 : 0 }, probabilities: prediction)
        let accuracy = Double(zip(prediction, validLabels).filter { ($0.0 >= 0.5) == $0.1 }.count) / Double(validLabels.count)
        let end = startTime + wall
        for (k, v) in [("auc", auc), ("logloss", logloss), ("accuracy", accuracy)] {
            points.append(MetricPoint(key: k, value: v, step: Int64(result.bestIteration), timestamp: end))
        }
        logText += "[train] best round \(result.bestIteration) of \(result.roundsTrained): validation-auc \(CompactNumber4.format(result.bestScore ?? .nan))\n"
        logText += "[evaluate] auc \(CompactNumber4.format(auc))  logloss \(CompactNumber4.format(logloss))  accuracy \(CompactNumber4.format(accuracy))\n"
        let run = try store.createRun(RunStart(name: name, experiment: "churn", status: .running, command: "mldeck run churn",
                                               pipeline: "churn", params: params, tags: ["model_type": "xgboost"],
                                               lineage: RunLineage(datasetVersion: "churn@\(datasetVersion)", parentRunID: parent, trigger: trigger),
                                               owner: nil, startTime: startTime))
        try store.logMetrics(points, run: run)
        let modelFile = modelsDir.appendingPathComponent("\(run.id).json")
        try result.booster.jsonData().write(to: modelFile)
        let logURL = store.logURL(of: run.id)
        try FileManager.default.createDirectory(at: logURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(logText.utf8).write(to: logURL)
        try store.logArtifact(run: run, path: "model/model.json", file: modelFile)
        // The stages the run went through, with their share of the wall time.
        let prepareEnd = startTime + wall * 0.05, trainEnd = startTime + wall * 0.9
        try store.recordSteps([
            RunStepRecord(name: "prepare", position: 0, kind: "split", status: .finished, startTime: startTime, endTime: prepareEnd),
            RunStepRecord(name: "train", position: 1, kind: "xgboost", status: .finished, startTime: prepareEnd, endTime: trainEnd),
            RunStepRecord(name: "evaluate", position: 2, kind: "evaluate", status: .finished, startTime: trainEnd, endTime: end),
        ], run: run)
        try store.finishRun(run, status: .finished, exitCode: 0, endTime: end)
        let trainedRun = TrainedRun(runID: run.id, name: name, datasetVersion: datasetVersion, params: params, validationAUC: auc,
                                    validationLogLoss: logloss, accuracy: accuracy, modelFile: modelFile, spec: spec,
                                    dataFile: dataFile, trainRows: trainRows, validationRows: validRows)
        return (trainedRun, wall)
    }
}

/// Errors of the demo builder.
public enum DemoError: Error, CustomStringConvertible, Equatable {
    case notADemoWorkspace(String)

    public var description: String {
        switch self {
        case .notADemoWorkspace(let path):
            return "\(path) is a workspace that mldeck demo did not make; choose another folder (mldeck demo DIR)"
        }
    }
}

/// Four significant digits for log lines.
enum CompactNumber4 {
    static func format(_ v: Double) -> String {
        guard v.isFinite else { return "\(v)" }
        return String(format: "%.4f", v)
    }
}
