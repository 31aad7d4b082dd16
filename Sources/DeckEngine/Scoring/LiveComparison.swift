import DeckML
import DeckStore

/// `mldeck models compare-live NAME`: how a shadow version compares with the primary on the
/// same live rows (`mldeck serve NAME@ALIAS --shadow ALIAS2`) — how often they agree, and, on the
/// rows whose true label came back through `/feedback`, each version's quality.
public struct LiveComparison: Codable, Sendable, Equatable {
    /// One primary version against one shadow version.
    public struct Pair: Codable, Sendable, Equatable {
        public var primaryVersion: Int
        public var shadowVersion: Int
        /// Rows both scored.
        public var rows: Int
        /// Share of rows with the same predicted label (classifiers).
        public var agreement: Double?
        /// Mean absolute difference of the predicted values (regression: the prediction; binary:
        /// the positive class's probability).
        public var meanAbsoluteDifference: Double?
        /// Rows with a label fed back.
        public var labeled: Int
        /// Quality on the labeled rows: `accuracy` (and `auc` for binary) or `mae` and `rmse`.
        public var primary: [String: Double]
        public var shadow: [String: Double]

        enum CodingKeys: String, CodingKey {
            case primaryVersion = "primary_version", shadowVersion = "shadow_version", rows, agreement
            case meanAbsoluteDifference = "mean_absolute_difference", labeled, primary, shadow
        }
    }

    public var model: String
    /// Newest primary/shadow pair first.
    public var pairs: [Pair]

    /// Summarises `rows` (as ``PredictionLog/shadowPairs(model:limit:)`` returns them, newest first).
    public static func summarize(model: String, rows: [ShadowPair]) -> LiveComparison {
        var order: [[Int]] = []
        var groups: [[Int]: [ShadowPair]] = [:]
        for row in rows {
            let key = [row.primaryVersion, row.shadowVersion]
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(row)
        }
        return LiveComparison(model: model, pairs: order.compactMap { key in groups[key].map { pair($0) } })
    }

    static func pair(_ rows: [ShadowPair]) -> Pair {
        let first = rows[0]
        let classifier = rows.contains { $0.primaryLabel != nil }
        var agreement: Double?
        if classifier {
            let same = rows.filter { $0.primaryLabel != nil && $0.primaryLabel == $0.shadowLabel }.count
            agreement = Double(same) / Double(rows.count)
        }
        let finite = rows.filter { $0.primaryValue.isFinite && $0.shadowValue.isFinite }
        let mad = finite.isEmpty ? nil : finite.reduce(0.0) { $0 + abs($1.primaryValue - $1.shadowValue) } / Double(finite.count)
        let labeled = rows.filter { $0.actual != nil }
        var primary: [String: Double] = [:], shadow: [String: Double] = [:]
        if classifier {
            primary = classifierQuality(labeled, label: \.primaryLabel, value: \.primaryValue)
            shadow = classifierQuality(labeled, label: \.shadowLabel, value: \.shadowValue)
        } else {
            primary = regressionQuality(labeled, value: \.primaryValue)
            shadow = regressionQuality(labeled, value: \.shadowValue)
        }
        return Pair(primaryVersion: first.primaryVersion, shadowVersion: first.shadowVersion, rows: rows.count, agreement: agreement,
                    meanAbsoluteDifference: mad, labeled: labeled.count, primary: primary, shadow: shadow)
    }

    static func classifierQuality(_ rows: [ShadowPair], label: KeyPath<ShadowPair, String?>, value: KeyPath<ShadowPair, Double>) -> [String: Double] {
        guard !rows.isEmpty else { return [:] }
        var out: [String: Double] = [:]
        out["accuracy"] = Double(rows.filter { $0[keyPath: label] != nil && $0[keyPath: label] == $0.actual }.count) / Double(rows.count)
        // Binary: the value is P(classes[1]); AUC needs both classes among the labels.
        if let classes = rows[0].classes, classes.count == 2 {
            let scored = rows.filter { $0[keyPath: value].isFinite && ($0.actual == classes[0] || $0.actual == classes[1]) }
            if let auc = ROCAUC.binary(positives: scored.map { $0.actual == classes[1] }, scores: scored.map { $0[keyPath: value] }), auc.isFinite {
                out["auc"] = auc
            }
        }
        return out
    }

    static func regressionQuality(_ rows: [ShadowPair], value: KeyPath<ShadowPair, Double>) -> [String: Double] {
        let pairs = rows.compactMap { row -> (Double, Double)? in
            guard let text = row.actual, let actual = Double(text), actual.isFinite, row[keyPath: value].isFinite else { return nil }
            return (row[keyPath: value], actual)
        }
        guard !pairs.isEmpty else { return [:] }
        let n = Double(pairs.count)
        let mae = pairs.reduce(0.0) { $0 + abs($1.0 - $1.1) } / n
        let mse = pairs.reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / n
        return ["mae": mae, "rmse": mse.squareRoot()]
    }
}
