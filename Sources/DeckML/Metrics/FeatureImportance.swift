/// Feature importance of a model, most important first: the `gain` XGBoost's
/// `Booster.get_score(importance_type='gain')` reports (the average loss reduction of the splits
/// on the feature), for the features the model splits on.
public struct FeatureImportance: Sendable, Equatable, Codable {
    /// One feature's score.
    public struct Entry: Sendable, Equatable, Codable {
        /// The feature as the model names it (one-hot encoded columns as `column=value`).
        public var feature: String
        /// The feature's score.
        public var score: Double

        public init(feature: String, score: Double) { self.feature = feature; self.score = score }
    }

    /// What the score measures (`gain`).
    public var type: String
    /// Features by descending score (ties by name).
    public var features: [Entry]

    /// Importance from a feature → score map.
    public init(type: String, scores: [String: Double]) {
        self.type = type
        features = scores.map { Entry(feature: $0.key, score: $0.value) }
            .sorted { $0.score > $1.score || ($0.score == $1.score && $0.feature < $1.feature) }
    }

    /// The `count` most important features.
    public func top(_ count: Int) -> [Entry] { Array(features.prefix(max(0, count))) }
}
