import DeckStore
import Foundation

/// A quality metric over time: the monitor's rolling metric (``QualityMonitor``, over the last
/// `window` labeled predictions) evaluated at evenly spaced points of the prediction log's
/// feedback join, oldest first, with the bound it is held to. The last point is the value the
/// monitor computes now. Shown when a quality alert is opened in the dashboard.
public struct QualityHistory: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        /// Labeled predictions up to and including this point (oldest first, from 1).
        public var index: Int
        /// When the newest prediction of the window was logged.
        public var time: Double?
        public var value: Double
        public var breached: Bool
    }
    public var metric: String
    public var bound: Double
    public var higherIsBetter: Bool
    /// Labeled predictions each point's metric is computed over (fewer at the start of the log).
    public var window: Int
    /// Labeled predictions read (the newest ones).
    public var labeled: Int
    public var points: [Point]

    /// The history over `rows` (newest first, as ``PredictionLog/labeledWindow(model:version:limit:)``
    /// returns them) at up to `maxPoints` points; windows with fewer than the spec's `minLabels`
    /// rows, or whose metric cannot be computed, give no point.
    public static func compute(_ rows: [LabeledWindowRow], spec: QualitySpec, maxPoints: Int = 60) -> QualityHistory {
        let oldestFirst = Array(rows.reversed())
        let n = oldestFirst.count
        var history = QualityHistory(metric: spec.metric, bound: spec.bound, higherIsBetter: spec.higherIsBetter,
                                     window: spec.window, labeled: n, points: [])
        let first = max(1, min(spec.minLabels, n))
        guard n >= first, maxPoints > 0 else { return history }
        // End indices (exclusive) from `first` to n, evenly spaced, always including n.
        let count = min(maxPoints, n - first + 1)
        var ends: [Int] = []
        for k in 0..<count {
            let end = count == 1 ? n : first + Int((Double(n - first) * Double(k) / Double(count - 1)).rounded())
            if ends.last != end { ends.append(end) }
        }
        for end in ends {
            let slice = Array(oldestFirst[max(0, end - spec.window)..<end])
            let result = QualityMonitor.evaluate(slice, spec: spec)
            guard let value = result.value else { continue }
            history.points.append(Point(index: end, time: slice.last?.time, value: value, breached: result.breached))
        }
        return history
    }

    /// Reads the history of the metric a quality alert on `model@version` is about: the monitor
    /// of `mldeck.yaml` gives the window and minimum labels (the alert's own metric and bound are
    /// used when the monitor changed since), over up to `windows` windows of the newest labeled predictions.
    /// - Parameter config: the monitors (default: read from the workspace's `mldeck.yaml`).
    public static func load(alert: AlertRecord, store: any WorkspaceStore, config: MonitoringConfig? = nil,
                            windows: Int = 8, maxPoints: Int = 60) throws -> QualityHistory? {
        guard alert.kind == .quality, let version = alert.version, let feature = alert.features.first,
              let bound = feature.threshold else { return nil }
        let higher = feature.test != "ceiling"
        var spec = QualitySpec(metric: feature.name, bound: bound, higherIsBetter: higher)
        let monitors = config ?? (try? MonitorRun.configuration(store.workspace))
        if let declared = monitors?.monitor(alert.model)?.quality, declared.metric == feature.name {
            spec.window = declared.window; spec.minLabels = declared.minLabels
        }
        let url = PredictionLog.url(in: store.workspace)
        guard FileManager.default.fileExists(atPath: url.path) else { return compute([], spec: spec, maxPoints: maxPoints) }
        let rows = try PredictionLog.open(path: url.path).labeledWindow(model: alert.model, version: version,
                                                                          limit: min(spec.window * max(1, windows), 200_000))
        return compute(rows, spec: spec, maxPoints: maxPoints)
    }
}
