import DeckML

/// The preprocessing spec of an XGBoost version registered without one (through MLflow: `mldeck
/// server`'s `register_model`, or `mldeck import mlflow`), derived from the booster itself, the way
/// `mlflow models serve` serves an xgboost Booster: the request's columns are the model's features
/// (the stored names, or `f0`, `f1`, …), taken as numbers, in the booster's order.
///
/// The task comes from the booster's objective:
/// - `binary:logistic` → binary, classes `0` / `1`: the label and both probabilities (MLflow
///   answers the probability of class 1 alone; it is the second probability here);
/// - `multi:softprob` → multiclass, classes `0` … `k-1` with probabilities; `multi:softmax` → the
///   same classes, labels only (the booster predicts the class index, no probabilities);
/// - `reg:*` → regression: the booster's numbers.
///
/// Other objectives (ranking, survival, margins) and features typed categorical (`c`) are refused
/// at load with the version and the objective or feature named.
public enum BoosterDerivedSpec {
    /// The derived spec of `booster`, for the version named `model` (`churn@3`).
    /// - Throws: ``ModelLoadError`` naming the version and what cannot be served.
    public static func spec(of booster: XGBoostBooster, model: String) throws(ModelLoadError) -> PreprocessingSpec {
        let schema: XGBoostModelSchema
        do { schema = try booster.modelSchema() } catch { throw .badModel(model: model, reason: "\(error)") }
        let (task, classes) = try task(of: schema, model: model)
        var inputs: [InputColumn] = []
        for (i, name) in schema.featureNames.enumerated() {
            let stored = schema.featureTypes?[i]
            guard let type = inputType(stored) else {
                throw .unservableFeature(model: model, feature: name, type: stored ?? "")
            }
            inputs.append(InputColumn(name: name, type: type, encoding: .numeric, categories: nil, offset: i, width: 1))
        }
        return PreprocessingSpec(target: "", task: task, classes: classes, inputs: inputs,
                                 featureNames: schema.featureNames, excluded: [])
    }

    /// MLDeck's type of a feature XGBoost typed `stored` (none stored: a float); nil when it
    /// cannot be scored as a number.
    static func inputType(_ stored: String?) -> String? {
        switch stored {
        case nil, "", "float", "q": return "float"
        case "int": return "integer"
        case "i": return "boolean"
        default: return nil  // "c" (categorical), or a type this XGBoost does not know
        }
    }

    static func task(of schema: XGBoostModelSchema, model: String) throws(ModelLoadError) -> (ModelTask, [String]?) {
        switch schema.objective {
        case "binary:logistic":
            return (.binary, ["0", "1"])
        case "multi:softprob", "multi:softmax":
            guard schema.classCount >= 2 else {
                throw .unservableObjective(model: model, objective: "\(schema.objective) with num_class \(schema.classCount)")
            }
            return (.multiclass, (0..<schema.classCount).map(String.init))
        case let objective where objective.hasPrefix("reg:"):
            return (.regression, nil)
        default:
            throw .unservableObjective(model: model, objective: schema.objective)
        }
    }
}
