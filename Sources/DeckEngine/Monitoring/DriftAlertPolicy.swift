import DeckML
import DeckStore
import Foundation

/// What a monitor did to the alerts of a condition after judging a window.
public struct AlertChange: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable {
        /// A new alert was opened.
        case raised
        /// The condition was already open: the open alert was updated (not re-raised).
        case updated
        /// An open alert's severity went up.
        case escalated
        /// A clean window resolved the open alert.
        case resolved
    }

    public var action: Action
    public var alert: AlertRecord

    /// True when someone should hear of it (`on_alert:`): a new or escalated alert.
    public var shouldNotify: Bool { action == .raised || action == .escalated }
}

/// The alert rules for drift: `critical` when the dataset drifts (share of drifted columns ≥
/// `drift_share`), `warning` when some columns drift, `info` when none drifts but new categories
/// appear or a missing-value share moves by ≥ 0.1; a window without any of these is clean and
/// resolves the open drift alert of that model version.
public enum DriftAlertPolicy {
    /// How much a column's missing share may move before an `info` alert.
    public static let missingShareChange = 0.1
    /// Histograms stored per alert (the strongest features first).
    public static let histogramLimit = 10

    /// The severity of a window's report, or nil when it is clean.
    public static func severity(_ report: DriftReport) -> AlertSeverity? {
        if report.datasetDrift { return .critical }
        if report.driftedColumns > 0 { return .warning }
        if report.columns.contains(where: { !$0.unseenCategories.isEmpty || abs($0.missingShareChange) >= missingShareChange }) { return .info }
        return nil
    }

    /// How strongly a column drifted, comparable across tests: the score over its threshold for
    /// distances, −log10(p) over −log10(threshold) for p-values (higher is stronger).
    public static func strength(_ result: DriftResult) -> Double {
        guard let score = result.score, score.isFinite else { return result.drifted ? .infinity : -1 }
        if result.test.isPValue {
            let t = -log10(max(result.threshold, 1e-300))
            let s = -log10(max(score, 1e-300))
            return t > 0 ? s / t : s
        }
        return result.threshold > 0 ? score / result.threshold : score
    }

    /// The columns of a report as alert features, strongest first.
    public static func features(_ report: DriftReport, histograms: [String: AlertHistogram] = [:]) -> [AlertFeature] {
        report.columns.sorted { (strength($0), $1.column) > (strength($1), $0.column) }.map {
            AlertFeature(name: $0.column, type: $0.type.rawValue, test: $0.test.rawValue, score: $0.score, threshold: $0.threshold,
                         drifted: $0.drifted, histogram: histograms[$0.column],
                         unseenCategories: $0.unseenCategories.isEmpty ? nil : $0.unseenCategories,
                         referenceMissingShare: $0.referenceMissingShare, currentMissingShare: $0.currentMissingShare)
        }
    }

    /// One line for a list: `5 of 19 features drifted (share 0.26, dataset drift at ≥ 0.5): tenure, contract, …`.
    public static func message(_ report: DriftReport) -> String {
        let names = features(report).filter(\.drifted).map(\.name)
        var text = "\(report.driftedColumns) of \(report.columns.count) features drifted (share \(format(report.shareDrifted)), dataset drift at ≥ \(format(report.driftShare)))"
        if !names.isEmpty { text += ": " + names.prefix(6).joined(separator: ", ") + (names.count > 6 ? ", …" : "") }
        // New categories and changed missing-value rates are named whether or not anything drifted.
        let unseen = report.columns.filter { !$0.unseenCategories.isEmpty }.map(\.column)
        if !unseen.isEmpty { text += "; new categories in " + unseen.joined(separator: ", ") }
        let missing = report.columns.filter { abs($0.missingShareChange) >= missingShareChange }.map(\.column)
        if !missing.isEmpty { text += "; missing values changed in " + missing.joined(separator: ", ") }
        return text
    }

    /// Raises (or updates) the drift alert of `model@version` for a window's report, or resolves
    /// the open one when the window is clean. Returns what changed (empty: clean and nothing open).
    public static func apply(_ report: DriftReport, model: String, version: Int, window: String,
                             histograms: [String: AlertHistogram] = [:], store: any AlertStore,
                             now: Double = Date().timeIntervalSince1970) throws -> [AlertChange] {
        guard let severity = severity(report) else {
            return try store.resolveAlerts(kind: .drift, model: model, version: version, reason: "\(window): no drift", now: now)
                .map { AlertChange(action: .resolved, alert: $0) }
        }
        let raised = try store.raiseAlert(NewAlert(kind: .drift, severity: severity, model: model, version: version, window: window,
                                                   message: message(report), features: features(report, histograms: histograms)), now: now)
        return [AlertChange(action: raised.isNew ? .raised : raised.escalated ? .escalated : .updated, alert: raised.alert)]
    }

    static func format(_ x: Double) -> String { String(format: "%.2f", x) }
}
