import CXGBoost
import Foundation

extension XGBoostBooster {
    /// How feature importance is measured (XGBoost's `importance_type`).
    public enum ImportanceType: String, Sendable, Codable {
        /// Average loss reduction of the splits on the feature.
        case gain
        /// Total loss reduction of the splits on the feature.
        case totalGain = "total_gain"
        /// Number of splits on the feature.
        case weight
        /// Average number of rows reaching the splits on the feature.
        case cover
    }

    /// Feature importance by `type`, as Python's `Booster.get_score(importance_type:)` returns it:
    /// feature name (the model's names, or `f0`, `f1`, … without them) → score, for the features
    /// the trees split on (others are absent). Tree models only; XGBoost reports an error for
    /// `gain` on a linear booster.
    public func featureScores(_ type: ImportanceType) throws(XGBoostError) -> [String: Double] {
        var featureCount: bst_ulong = 0, dimension: bst_ulong = 0
        var names: UnsafeMutablePointer<UnsafePointer<CChar>?>?
        var shape: UnsafePointer<bst_ulong>?
        var scores: UnsafePointer<Float>?
        let config = "{\"importance_type\": \"\(type.rawValue)\", \"feature_map\": \"\"}"
        try xgbCheck(XGBoosterFeatureScore(handle, config, &featureCount, &names, &dimension, &shape, &scores),
                     "XGBoosterFeatureScore")
        var result: [String: Double] = [:]
        guard let names, let scores else { return result }
        for i in 0..<Int(featureCount) {
            guard let name = names[i] else { continue }
            result[String(cString: name)] = Double(scores[i])
        }
        return result
    }
}
