import DeckML
import Foundation

/// Which predictions a monitor judges at a time.
public enum MonitorWindow: Sendable, Equatable, CustomStringConvertible {
    /// The last N logged predictions of one model version.
    case lastPredictions(Int)
    /// The predictions of one model version logged in the last N seconds.
    case timeSpan(Double)

    public var description: String {
        switch self {
        case .lastPredictions(let n): return "last \(n) predictions"
        case .timeSpan(let seconds): return "last \(DurationWords.text(seconds))"
        }
    }
}

/// The quality part of a monitor: a metric over the predictions that got a label through
/// `POST /feedback`, and the bound it must keep.
public struct QualitySpec: Sendable, Equatable {
    /// `accuracy`, `auc`, `f1`, `logloss` (classifiers), `rmse`, `mae`, `r2` (regression).
    public var metric: String
    /// The bound: the metric must stay ≥ it (higher-is-better metrics, `floor:`) or ≤ it
    /// (lower-is-better metrics such as rmse, `ceiling:`).
    public var bound: Double
    public var higherIsBetter: Bool
    /// The newest labeled predictions the metric is computed over.
    public var window: Int
    /// Fewer labeled predictions than this and quality is not judged.
    public var minLabels: Int

    public init(metric: String, bound: Double, higherIsBetter: Bool, window: Int = 500, minLabels: Int = 30) {
        self.metric = metric; self.bound = bound; self.higherIsBetter = higherIsBetter; self.window = window; self.minLabels = minLabels
    }

    /// Metrics a quality monitor knows, with whether higher is better.
    public static let metrics: [String: Bool] = [
        "accuracy": true, "auc": true, "f1": true, "precision": true, "recall": true, "logloss": false,
        "rmse": false, "mae": false, "r2": true,
    ]

    /// True when `value` breaks the bound.
    public func isBelowBound(_ value: Double) -> Bool { higherIsBetter ? value < bound : value > bound }
}

/// A monitor declared under `monitors:` in `mldeck.yaml`, for one model.
public struct MonitorSpec: Sendable, Equatable {
    /// The model it watches.
    public var model: String
    /// The alias whose version `mldeck monitor MODEL` watches (default `production`).
    public var alias: String
    public var window: MonitorWindow
    /// A window with fewer predictions than this is not judged.
    public var minRows: Int
    /// Drift tests, thresholds and the dataset drift share.
    public var drift: DriftOptions
    /// The quality part, when the monitor has one.
    public var quality: QualitySpec?
    public var location: ConfigLocation

    public init(model: String, alias: String = "production", window: MonitorWindow = .lastPredictions(1000), minRows: Int = 30,
                drift: DriftOptions = DriftOptions(), quality: QualitySpec? = nil, location: ConfigLocation = ConfigLocation(line: 0, column: 0)) {
        self.model = model; self.alias = alias; self.window = window; self.minRows = minRows; self.drift = drift
        self.quality = quality; self.location = location
    }
}

/// `on_alert:` — a command given each new (or escalated) alert as JSON on standard input.
public struct AlertCommandSpec: Sendable, Equatable {
    public var command: String
    /// Run through `/bin/sh -c` (needed for pipes such as `… | curl …`); default true.
    public var shell: Bool
    /// Seconds before the command is stopped (default 30).
    public var timeout: Double

    public init(command: String, shell: Bool = true, timeout: Double = 30) { self.command = command; self.shell = shell; self.timeout = timeout }
}

/// Everything about monitoring that `mldeck.yaml` declares.
public struct MonitoringConfig: Sendable, Equatable {
    /// By model name, in file order.
    public var monitors: [MonitorSpec]
    public var onAlert: AlertCommandSpec?

    public init(monitors: [MonitorSpec] = [], onAlert: AlertCommandSpec? = nil) { self.monitors = monitors; self.onAlert = onAlert }

    /// The monitor of `model`, if one is declared.
    public func monitor(_ model: String) -> MonitorSpec? { monitors.first { $0.model == model } }
}

/// Seconds in short words (`90 s`, `10 min`, `2 h`, `7 d`).
enum DurationWords {
    static func text(_ seconds: Double) -> String {
        func whole(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(format: "%.1f", x) }
        if seconds >= 86_400, (seconds / 86_400) == (seconds / 86_400).rounded() { return whole(seconds / 86_400) + " d" }
        if seconds >= 3_600, (seconds / 3_600) == (seconds / 3_600).rounded() { return whole(seconds / 3_600) + " h" }
        if seconds >= 60, (seconds / 60) == (seconds / 60).rounded() { return whole(seconds / 60) + " min" }
        return whole(seconds) + " s"
    }
}
