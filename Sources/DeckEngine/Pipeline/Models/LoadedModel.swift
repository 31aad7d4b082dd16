import DeckML
import DeckStore
import Foundation

/// Predictions of a model for a table: labels and probabilities for classifiers, values for
/// regression.
public struct ModelPredictions: Codable, Sendable, Equatable {
    public var task: ModelTask
    /// Predicted labels (classification), in the target's original form (`Yes` / `No`).
    public var labels: [String]?
    /// Class probabilities per row, in ``classes`` order (classification).
    public var probabilities: [[Double]]?
    public var classes: [String]?
    /// Predicted values (regression), or the probability of the positive class (binary).
    public var values: [Double]
}

/// A registered model version loaded for scoring: its booster and its preprocessing.
public struct LoadedModel: Sendable {
    public let version: ModelVersionRecord
    public let spec: PreprocessingSpec
    public let booster: XGBoostBooster
    /// Whether ``spec`` was derived from the booster (an XGBoost version registered without a
    /// spec, through MLflow) rather than stored by a pipeline's register step.
    public let specIsDerived: Bool
    /// ``spec``'s transformer, built once per loaded model (its lookups are made in its init).
    public let transformer: FeatureTransformer

    public init(version: ModelVersionRecord, spec: PreprocessingSpec, booster: XGBoostBooster, specIsDerived: Bool = false) {
        self.version = version; self.spec = spec; self.booster = booster; self.specIsDerived = specIsDerived
        transformer = FeatureTransformer(spec: spec)
    }

    /// Loads a version's model and preprocessing from the object store. An XGBoost version
    /// without a stored spec gets one derived from its booster (``BoosterDerivedSpec``).
    /// - Throws: ``ModelLoadError`` naming the version.
    public static func load(store: any StoreBase, version: ModelVersionRecord, threads: Int? = nil) throws(ModelLoadError) -> LoadedModel {
        guard let preprocessing = version.preprocessingObject else {
            guard version.framework == "xgboost" else { throw .noPreprocessing(model: version.reference) }
            let booster: XGBoostBooster
            do {
                booster = try XGBoostBooster(modelData: try store.objects.read(version.modelObject), threads: threads)
            } catch {
                throw .badModel(model: version.reference, reason: "\(error)")
            }
            let spec = try BoosterDerivedSpec.spec(of: booster, model: version.reference)
            return LoadedModel(version: version, spec: spec, booster: booster, specIsDerived: true)
        }
        let spec: PreprocessingSpec
        do { spec = try PreprocessingSpec.decode(try store.objects.read(preprocessing)) } catch {
            throw .badPreprocessing(model: version.reference, reason: "\(error)")
        }
        do {
            let booster = try XGBoostBooster(modelData: try store.objects.read(version.modelObject), threads: threads)
            return LoadedModel(version: version, spec: spec, booster: booster)
        } catch {
            throw .badModel(model: version.reference, reason: "\(error)")
        }
    }

    /// The raw prediction of `rows` of a table (all rows when nil).
    public func predictRaw(_ table: DataTable, rows: [Int]? = nil) throws -> XGBoostPrediction {
        let matrix = try transformer.features(table, rows: rows)
        return try booster.predict(matrix)
    }

    /// Predictions with labels mapped back to the original classes.
    public func predict(_ table: DataTable, rows: [Int]? = nil) throws -> ModelPredictions {
        let raw = try predictRaw(table, rows: rows)
        return Self.interpret(raw, spec: spec)
    }

    /// Turns a raw prediction into labels and probabilities.
    public static func interpret(_ raw: XGBoostPrediction, spec: PreprocessingSpec, threshold: Double = 0.5) -> ModelPredictions {
        let values = raw.doubles
        switch spec.task {
        case .regression:
            return ModelPredictions(task: .regression, labels: nil, probabilities: nil, classes: nil, values: values)
        case .binary:
            let classes = spec.classes ?? ["0", "1"]
            return ModelPredictions(task: .binary, labels: values.map { $0 > threshold ? classes[1] : classes[0] },
                                    probabilities: values.map { [1 - $0, $0] }, classes: classes, values: values)
        case .multiclass where raw.outputsPerRow == 1 && spec.classCount > 1:
            // multi:softmax (a booster registered through MLflow): the class index, no probabilities.
            let classes = spec.classes ?? []
            let labels = values.map { v in
                let index = Int(v.rounded())
                return classes.indices.contains(index) ? classes[index] : LabelText.number(v)
            }
            return ModelPredictions(task: .multiclass, labels: labels, probabilities: nil, classes: classes, values: values)
        case .multiclass:
            let classes = spec.classes ?? []
            let k = max(1, raw.outputsPerRow)
            var labels: [String] = [], probabilities: [[Double]] = []
            for r in 0..<raw.rows {
                let row = Array(values[(r * k)..<((r + 1) * k)])
                var best = 0
                for j in 1..<k where row[j] > row[best] { best = j }
                labels.append(best < classes.count ? classes[best] : "\(best)")
                probabilities.append(row)
            }
            return ModelPredictions(task: .multiclass, labels: labels, probabilities: probabilities, classes: classes, values: values)
        }
    }

    /// Evaluates the model on `rows` of a table that holds the target.
    public func evaluate(_ table: DataTable, rows: [Int]) throws -> EvaluationResult {
        let labels = try transformer.labels(table, rows: rows)
        let prediction = try booster.predict(try transformer.features(table, rows: rows))
        return try Evaluator.evaluate(prediction, labels: labels, objective: spec.objective)
    }

    /// Evaluates the model on `rows` and computes what the evaluation draws: ROC, precision-recall
    /// and calibration curves (binary), residuals and predicted-vs-actual (regression), and gain
    /// importance (tree models; a linear booster has none).
    public func evaluateWithCharts(_ table: DataTable, rows: [Int]) throws -> (result: EvaluationResult, charts: EvaluationCharts) {
        let labels = try transformer.labels(table, rows: rows)
        let prediction = try booster.predict(try transformer.features(table, rows: rows))
        let result = try Evaluator.evaluate(prediction, labels: labels, objective: spec.objective)
        var charts: EvaluationCharts
        switch spec.task {
        case .binary: charts = .binary(labels: labels.map { $0 == 1 ? 1 : 0 }, probabilities: prediction.doubles)
        case .regression: charts = .regression(targets: labels.map(Double.init), predictions: prediction.doubles)
        case .multiclass: charts = EvaluationCharts()
        }
        if let scores = try? booster.featureScores(.gain), !scores.isEmpty {
            charts.importance = FeatureImportance(type: XGBoostBooster.ImportanceType.gain.rawValue, scores: scores)
        }
        return (result, charts)
    }
}
