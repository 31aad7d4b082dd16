/// One measured figure, in the JSON shape of the design:
/// `{"suite", "name", "value", "unit", "target", "better", "reference", "reference_value", "ratio"}`.
public struct BenchFigure: Codable, Sendable {
    public enum Better: String, Codable, Sendable { case higher, lower }

    public var suite: String
    public var name: String
    public var value: Double
    public var unit: String
    public var target: Double?
    public var better: Better
    /// What the reference figure is (a tool, how and where it was measured).
    public var reference: String?
    public var referenceValue: Double?
    /// How many times better than the reference (above 1 when MLDeck is better).
    public var ratio: Double?
    /// A remark printed beside the figure (e.g. why a ratio compares unlike things).
    public var note: String?

    public init(suite: String, name: String, value: Double, unit: String, target: Double?, better: Better,
                reference: String? = nil, referenceValue: Double? = nil, note: String? = nil) {
        self.suite = suite; self.name = name; self.value = value; self.unit = unit; self.target = target
        self.better = better; self.reference = reference; self.referenceValue = referenceValue; self.note = note
        if let r = referenceValue, r > 0, value > 0 {
            ratio = better == .higher ? value / r : r / value
        }
    }

    /// True when the target is met (or there is none).
    public var meetsTarget: Bool {
        guard let target else { return true }
        return better == .higher ? value >= target : value <= target
    }

    enum CodingKeys: String, CodingKey {
        case suite, name, value, unit, target, better, reference, referenceValue = "reference_value", ratio, note
    }
}

/// A benchmark suite: builds what it needs under `directory` and measures.
public protocol BenchSuite: Sendable {
    var name: String { get }
    func run(in directory: String, log: (String) -> Void) throws -> [BenchFigure]
}

/// Every suite, by name.
public enum BenchSuites {
    public static let all: [String: BenchSuite] = [
        "tracking": TrackingBench(),
        "ui": UIBench(),
        "datasets": DatasetsBench(),
        "pipelines": PipelinesBench(),
        "monitor": MonitorBench(),
        "serve": ServeBench(),
        "prediction-log": PredictionLogBench(),
        "server": ServerBench(),
        "workbench": WorkbenchBench(),
    ]
    public static let order = ["tracking", "datasets", "pipelines", "serve", "prediction-log", "server", "monitor", "ui", "workbench"]
}
