import CXGBoost
import Foundation

/// What a loaded booster says about its own inputs and outputs: the features as XGBoost stored
/// them, and the objective from its configuration. Enough to serve a model saved by another tool
/// (an MLflow `model.ubj`), as `mlflow models serve` does.
public struct XGBoostModelSchema: Sendable, Equatable {
    /// The features in the booster's column order: the stored names, or `f0`, `f1`, … (as
    /// XGBoost names them) when the model was saved without names.
    public var featureNames: [String]
    /// The stored feature types (`float`, `int`, `i`, `q`, `c`), one per feature; nil when the
    /// model stores none.
    public var featureTypes: [String]?
    /// The objective's name (`binary:logistic`, `multi:softprob`, `reg:squarederror`, …).
    public var objective: String
    /// `num_class` of a multiclass model (0 otherwise).
    public var classCount: Int

    public init(featureNames: [String], featureTypes: [String]?, objective: String, classCount: Int) {
        self.featureNames = featureNames; self.featureTypes = featureTypes
        self.objective = objective; self.classCount = classCount
    }
}

extension XGBoostBooster {
    /// Feature types stored in the model (`float`, `int`, `i`, `q`, `c`; empty when it stores none).
    public func featureTypes() throws(XGBoostError) -> [String] {
        try stringFeatureInfo("feature_type")
    }

    /// One string field of the model's feature info (`feature_name` or `feature_type`).
    func stringFeatureInfo(_ field: String) throws(XGBoostError) -> [String] {
        var count: bst_ulong = 0
        var strings: UnsafeMutablePointer<UnsafePointer<CChar>?>?
        // Safety: XGBoost fills `strings` with `count` C strings in the booster's thread-local
        // buffer, valid until the next call on this thread; they are copied before returning.
        try xgbCheck(XGBoosterGetStrFeatureInfo(handle, field, &count, &strings), "XGBoosterGetStrFeatureInfo")
        return (0..<Int(count)).map { strings?[$0].map { String(cString: $0) } ?? "" }
    }

    /// The booster's configuration as XGBoost's JSON text (`XGBoosterSaveJsonConfig`).
    public func jsonConfig() throws(XGBoostError) -> String {
        var length: bst_ulong = 0
        var text: UnsafePointer<CChar>?
        try xgbCheck(XGBoosterSaveJsonConfig(handle, &length, &text), "XGBoosterSaveJsonConfig")
        guard let text else { throw .library(function: "XGBoosterSaveJsonConfig", message: "no configuration returned") }
        // Safety: `text` points to `length` bytes in XGBoost's thread-local buffer; copied now.
        let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(text), count: Int(length))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The model's own schema: features (names, types, count) and objective.
    /// - Throws: ``XGBoostError/library(function:message:)`` when XGBoost refuses a call, or
    ///   when the configuration has no objective.
    public func modelSchema() throws(XGBoostError) -> XGBoostModelSchema {
        let count = try featureCount()
        var names = try featureNames()
        if names.isEmpty { names = (0..<count).map { "f\($0)" } }
        guard names.count == count else {
            throw .library(function: "XGBoosterGetStrFeatureInfo", message: "\(names.count) feature names for \(count) features")
        }
        let types = try featureTypes()
        let config = try jsonConfig()
        guard let object = try? JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any],
              let learner = object["learner"] as? [String: Any],
              let objective = (learner["objective"] as? [String: Any])?["name"] as? String else {
            throw .library(function: "XGBoosterSaveJsonConfig", message: "the configuration names no learner.objective.name")
        }
        let parameters = learner["learner_model_param"] as? [String: Any]
        let classCount = (parameters?["num_class"] as? String).flatMap(Int.init) ?? 0
        return XGBoostModelSchema(featureNames: names, featureTypes: types.isEmpty ? nil : types,
                                  objective: objective, classCount: classCount)
    }
}
