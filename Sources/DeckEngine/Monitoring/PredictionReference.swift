import DeckML
import DeckStore
import Foundation

/// The reference side of prediction drift: the model's scores on its own test split (the
/// validation split when the pipeline made no test split), stored with the model version in its
/// reference data (``ReferenceData/predictions``). The `register` step stores them; a version
/// registered before they were stored gets them on first use (``ensure(_:version:store:)``): its
/// run's recorded split on the dataset version it was trained on, scored and stored with the
/// version (a new reference object), so later checks read them without scoring again.
public enum PredictionReference {
    /// The scores of the trained model in `modelFile` on `split`'s test rows (validation rows when
    /// there are no test rows); nil when neither part has rows.
    public static func scores(modelFile: URL, spec: PreprocessingSpec, table: DataTable, split: DatasetSplit) throws -> ReferenceData.Column? {
        guard let rows = scoredRows(split) else { return nil }
        let booster = try XGBoostBooster(modelData: try Data(contentsOf: modelFile), threads: nil)
        return try scores(booster: booster, spec: spec, table: table, rows: rows)
    }

    /// The scores of `booster` on `rows` of `table`, as the endpoint logs them.
    public static func scores(booster: XGBoostBooster, spec: PreprocessingSpec, table: DataTable, rows: [Int]) throws -> ReferenceData.Column {
        let raw = try booster.predict(try FeatureTransformer(spec: spec).features(table, rows: rows))
        return ReferenceData.predictionsColumn(PredictionScores.values(LoadedModel.interpret(raw, spec: spec), rows: rows.count))
    }

    /// The rows scored for the reference: the test split, else the validation split.
    public static func scoredRows(_ split: DatasetSplit) -> [Int]? {
        if !split.test.isEmpty { return split.test }
        return split.validation.isEmpty ? nil : split.validation
    }

    /// The split `version`'s run recorded (any step's `split.bin` under the run's folder), or nil.
    static func recordedSplit(_ version: ModelVersionRecord, workspace: Workspace) -> DatasetSplit? {
        guard let runID = version.runID else { return nil }
        let steps = workspace.runDirectory(runID).appendingPathComponent("steps", isDirectory: true)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: steps.path)) ?? []).sorted()
        for name in names {
            let directory = steps.appendingPathComponent(name, isDirectory: true)
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(SplitFile.name).path),
               let split = try? SplitFile.read(directory) { return split }
        }
        return nil
    }

    /// Scores `version` on its recorded split of `table` (its training dataset); throws a reason.
    static func compute(_ version: ModelVersionRecord, table: DataTable?, store: any WorkspaceStore) throws -> ReferenceData.Column {
        guard let split = recordedSplit(version, workspace: store.workspace), let rows = scoredRows(split) else {
            throw MonitorError.noPredictionReference(model: version.reference, reason: "its run recorded no test split")
        }
        let model: LoadedModel
        do { model = try LoadedModel.load(store: store, version: version) } catch {
            throw MonitorError.noPredictionReference(model: version.reference, reason: "\(error)")
        }
        var data = table
        if data == nil {
            guard let dataset = version.datasetReference else {
                throw MonitorError.noPredictionReference(model: version.reference, reason: "no training dataset is recorded")
            }
            if version.datasetVersionNumber == nil, FileDatasetSource.looksLikePath(dataset) {
                // Trained on a file of the workspace: used only while it is the file the version was trained on.
                let url = WorkspacePath.resolve(dataset, in: store.workspace.root)
                guard let hash = version.datasetHash, (try? FileHashing.sha256(of: url)) == hash else {
                    throw MonitorError.noPredictionReference(model: version.reference, reason: "its training file \(dataset) is gone or has changed")
                }
                data = try DataTable.load(path: url.path)
            } else {
                let record = try store.datasetVersion(dataset)
                data = try DataTable.load(path: try DatasetMaterializer(store: store).path(for: record).path)
            }
        }
        guard let data, rows.allSatisfy({ $0 < data.rowCount }) else {
            throw MonitorError.noPredictionReference(model: version.reference, reason: "its split does not fit its training dataset")
        }
        return try scores(booster: model.booster, spec: model.spec, table: data, rows: rows)
    }

    /// `reference` with the version's reference predictions: as stored, or — first use — computed
    /// and stored with the version now. The note says why there are none when they cannot be had
    /// (prediction drift is then not judged; the input features still are).
    public static func ensure(_ reference: ReferenceData, version: ModelVersionRecord, store: any WorkspaceStore) -> (ReferenceData, note: String?) {
        if reference.predictions != nil { return (reference, nil) }
        do {
            var updated = reference
            updated.predictions = try compute(version, table: nil, store: store)
            let batch = ObjectWriteBatch(store: store.objects)
            let object = try batch.put(try updated.encoded())
            try batch.commit()
            try store.replaceReferenceObject(model: version.model, version: version.version, from: version.referenceObject, to: object)
            return (updated, nil)
        } catch {
            return (reference, "prediction drift not judged: \(error)")
        }
    }
}
