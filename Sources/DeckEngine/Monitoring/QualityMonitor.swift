import DeckML
import DeckStore
import Foundation

/// A quality metric over the newest labeled predictions of one model version.
public struct QualityResult: Codable, Sendable, Equatable {
    public var metric: String
    /// nil when it could not be computed (too few labels, one class only for AUC).
    public var value: Double?
    public var bound: Double
    public var higherIsBetter: Bool
    /// Labeled predictions it was computed over.
    public var labeled: Int
    /// True when the value breaks the bound (below the floor, above the ceiling).
    public var breached: Bool
    /// Why there is no value, when there is none.
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case metric, value, bound, labeled, breached, note
        case higherIsBetter = "higher_is_better"
    }
}

/// Quality from feedback: labels sent to `POST /feedback` joined to the logged predictions give
/// a rolling metric (accuracy, AUC, F1, precision, recall, log loss for classifiers; RMSE, MAE,
/// R² for regression) computed with DeckML's metrics; breaking the bound raises a `critical`
/// quality alert, and a later window within it resolves it.
public enum QualityMonitor {
    /// The metric over `rows` (newest labeled predictions).
    public static func evaluate(_ rows: [LabeledWindowRow], spec: QualitySpec) -> QualityResult {
        var result = QualityResult(metric: spec.metric, value: nil, bound: spec.bound, higherIsBetter: spec.higherIsBetter,
                                   labeled: rows.count, breached: false, note: nil)
        guard rows.count >= spec.minLabels else {
            result.note = "only \(rows.count) labeled predictions (min_labels \(spec.minLabels))"
            return result
        }
        let value = metric(spec.metric, rows)
        switch value {
        case .success(let v):
            result.value = v
            result.breached = spec.isBelowBound(v)
        case .failure(let why):
            result.note = why.reason
        }
        return result
    }

    struct Unavailable: Error { var reason: String }

    static func metric(_ name: String, _ rows: [LabeledWindowRow]) -> Result<Double, Unavailable> {
        let isClassifier = rows.contains { $0.predicted != nil }
        switch name {
        case "rmse", "mae", "r2":
            guard !isClassifier else { return .failure(Unavailable(reason: "\(name) needs a regression model; this one predicts classes")) }
            var targets: [Double] = [], predictions: [Double] = []
            for row in rows {
                guard let y = Double(row.actual.trimmingCharacters(in: .whitespaces)), y.isFinite, row.value.isFinite else { continue }
                targets.append(y); predictions.append(row.value)
            }
            guard !targets.isEmpty else { return .failure(Unavailable(reason: "no feedback label is a number")) }
            switch name {
            case "rmse": return .success(RegressionMetrics.rmse(targets: targets, predictions: predictions))
            case "mae": return .success(RegressionMetrics.mae(targets: targets, predictions: predictions))
            default: return .success(RegressionMetrics.r2(targets: targets, predictions: predictions))
            }
        default:
            guard isClassifier else { return .failure(Unavailable(reason: "\(name) needs a classifier; this model predicts numbers")) }
            return classification(name, rows)
        }
    }

    static func classification(_ name: String, _ rows: [LabeledWindowRow]) -> Result<Double, Unavailable> {
        if name == "accuracy" {
            return .success(Double(rows.filter { $0.predicted == $0.actual }.count) / Double(rows.count))
        }
        guard let classes = rows.first(where: { $0.classes != nil })?.classes, classes.count >= 2 else {
            return .failure(Unavailable(reason: "the log has no class list for this model"))
        }
        let index = Dictionary(classes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var labels: [Int] = [], predicted: [Int] = [], probabilities: [Double] = []
        for row in rows {
            guard let y = index[row.actual], let p = row.probabilities, p.count == classes.count else { continue }
            labels.append(y)
            predicted.append(row.predicted.flatMap { index[$0] } ?? -1)
            probabilities.append(contentsOf: p)
        }
        guard !labels.isEmpty else { return .failure(Unavailable(reason: "no feedback label is one of the model's classes (\(classes.joined(separator: ", ")))")) }
        let k = classes.count
        switch name {
        case "auc":
            let auc = k == 2
                ? ROCAUC.binary(positives: labels.map { $0 == 1 }, scores: stride(from: 1, to: probabilities.count, by: 2).map { probabilities[$0] })
                : ROCAUC.oneVsRestMacro(labels: labels, probabilities: probabilities, classCount: k)
            return auc.map { .success($0) } ?? .failure(Unavailable(reason: "AUC needs labels of more than one class"))
        case "logloss":
            return .success(k == 2
                ? LogLoss.binary(labels: labels, probabilities: stride(from: 1, to: probabilities.count, by: 2).map { probabilities[$0] })
                : LogLoss.multiclass(labels: labels, probabilities: probabilities, classCount: k))
        default:
            // precision / recall / f1: of the positive class (binary) or macro over classes.
            let positives = k == 2 ? [1] : Array(0..<k)
            var total = 0.0
            for c in positives {
                let tp = Double(zip(labels, predicted).filter { $0 == c && $1 == c }.count)
                let fp = Double(zip(labels, predicted).filter { $0 != c && $1 == c }.count)
                let fn = Double(zip(labels, predicted).filter { $0 == c && $1 != c }.count)
                let precision = tp + fp == 0 ? 0 : tp / (tp + fp)
                let recall = tp + fn == 0 ? 0 : tp / (tp + fn)
                switch name {
                case "precision": total += precision
                case "recall": total += recall
                default: total += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
                }
            }
            return .success(total / Double(positives.count))
        }
    }

    /// Raises (or updates) the quality alert of `model@version` when the metric breaks its bound,
    /// resolves the open one when it is within it; nothing when there is no value.
    public static func apply(_ result: QualityResult, model: String, version: Int, window: String, store: any AlertStore,
                             now: Double = Date().timeIntervalSince1970) throws -> [AlertChange] {
        guard let value = result.value else { return [] }
        let relation = result.higherIsBetter ? "floor" : "ceiling"
        guard result.breached else {
            return try store.resolveAlerts(kind: .quality, model: model, version: version,
                                           reason: "\(window): \(result.metric) \(format(value)) is within its \(relation) \(format(result.bound))", now: now)
                .map { AlertChange(action: .resolved, alert: $0) }
        }
        let message = "\(result.metric) \(format(value)) is \(result.higherIsBetter ? "below its floor" : "above its ceiling") \(format(result.bound)) over \(result.labeled) labeled predictions"
        let feature = AlertFeature(name: result.metric, type: "metric", test: relation, score: value, threshold: result.bound, drifted: true)
        let raised = try store.raiseAlert(NewAlert(kind: .quality, severity: .critical, model: model, version: version, window: window,
                                                   message: message, features: [feature]), now: now)
        return [AlertChange(action: raised.isNew ? .raised : raised.escalated ? .escalated : .updated, alert: raised.alert)]
    }

    static func format(_ x: Double) -> String { String(format: "%.4f", x) }
}
