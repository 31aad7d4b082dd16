import DeckML
import DeckStore
import Foundation

/// `evaluation.json`, the artifact an `evaluate` step leaves: the split and rows it scored, the
/// metrics and confusion matrix, the class names, and the charts (curves, residuals, importance).
public struct EvaluationReport: Codable, Sendable {
    /// The split scored (`test`, `validation` or `train`).
    public var split: String
    /// Rows scored.
    public var rows: Int
    /// Metrics, confusion matrix and threshold.
    public var result: EvaluationResult
    /// Class names in label order (`confusionMatrix` rows and columns); nil for regression.
    public var classes: [String]?
    /// Curves, residuals and importance; nil in reports written before they were recorded.
    public var charts: EvaluationCharts?

    public init(split: String, rows: Int, result: EvaluationResult, classes: [String]? = nil, charts: EvaluationCharts? = nil) {
        self.split = split; self.rows = rows; self.result = result; self.classes = classes; self.charts = charts
    }

    /// The file name in the step's outputs.
    public static let fileName = "evaluation.json"

    /// The JSON bytes (sorted keys; ±∞ and NaN as the strings `Infinity`, `-Infinity`, `NaN`).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self)
    }

    /// Reads `jsonData()`'s format.
    public static func decode(_ data: Data) throws -> EvaluationReport {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(EvaluationReport.self, from: data)
    }

    /// The evaluation a run recorded: its `steps/STEP/evaluation.json` artifact (the first
    /// evaluate step by path), or nil when it has none or the file cannot be read.
    public static func load(from store: any StoreBase, artifacts: [ArtifactRecord]) -> (step: String, report: EvaluationReport)? {
        let candidates = artifacts.filter { $0.path.hasPrefix("steps/") && $0.path.hasSuffix("/" + fileName) }
            .sorted { $0.path < $1.path }
        for artifact in candidates {
            guard let data = try? store.objects.read(artifact.object), let report = try? decode(data) else { continue }
            let step = String(artifact.path.dropFirst("steps/".count).dropLast(fileName.count + 1))
            return (step, report)
        }
        return nil
    }
}
