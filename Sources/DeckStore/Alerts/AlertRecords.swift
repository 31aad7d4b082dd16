import Foundation

/// What an alert is about.
public enum AlertKind: String, Codable, Sendable, CaseIterable {
    /// Input (or prediction) drift of a model version against its reference.
    case drift
    /// A quality metric (from feedback labels) below its floor.
    case quality
    /// A pipeline run that a trigger started failed.
    case runFailed = "run_failed"
    /// A trigger could not start its pipeline.
    case triggerFailed = "trigger_failed"
}

/// How urgent an alert is; ordered `info` < `warning` < `critical`.
public enum AlertSeverity: String, Codable, Sendable, CaseIterable, Comparable {
    /// Nothing drifted enough to matter; recorded for the history.
    case info
    /// Some features drifted (less than `drift_share` of them).
    case warning
    /// The dataset drifted (share ≥ `drift_share`), quality fell below its floor, or a run failed.
    case critical

    var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .critical: return 2
        }
    }

    public static func < (a: AlertSeverity, b: AlertSeverity) -> Bool { a.rank < b.rank }
}

/// Reference and current value shares over the same bins (or categories), for the text
/// histograms of `mldeck alerts show`.
public struct AlertHistogram: Codable, Sendable, Equatable {
    /// One label per bin (`[0, 12.5)`, a category name, `missing`).
    public var labels: [String]
    /// Share of the reference's values in each bin (0…1).
    public var reference: [Double]
    /// Share of the current window's values in each bin (0…1).
    public var current: [Double]

    public init(labels: [String], reference: [Double], current: [Double]) {
        self.labels = labels; self.reference = reference; self.current = current
    }
}

/// One feature (column) of an alert's evidence: its test, score and verdict. A quality alert
/// carries one entry for its metric (`test` = `floor`, `score` = the metric, `threshold` = the floor).
public struct AlertFeature: Codable, Sendable, Equatable {
    public var name: String
    /// `numerical` / `categorical` (drift), or `metric` (quality).
    public var type: String?
    /// The test that judged it (`ks`, `wasserstein`, `jensenshannon`, `chisquare`, `floor`, …).
    public var test: String
    /// The value compared with the threshold (a p-value or a distance; the metric for quality).
    public var score: Double?
    public var threshold: Double?
    public var drifted: Bool
    /// Reference-vs-current distribution, when recorded.
    public var histogram: AlertHistogram?
    /// Categories in the window never seen in the reference (training) data (drift of categorical columns).
    public var unseenCategories: [String]?
    /// The share of missing values in the reference and in the window (drift).
    public var referenceMissingShare: Double?
    public var currentMissingShare: Double?

    enum CodingKeys: String, CodingKey {
        case name, type, test, score, threshold, drifted, histogram
        case unseenCategories = "unseen_categories", referenceMissingShare = "reference_missing_share"
        case currentMissingShare = "current_missing_share"
    }

    public init(name: String, type: String? = nil, test: String, score: Double?, threshold: Double?, drifted: Bool,
                histogram: AlertHistogram? = nil, unseenCategories: [String]? = nil, referenceMissingShare: Double? = nil,
                currentMissingShare: Double? = nil) {
        self.name = name; self.type = type; self.test = test; self.score = score; self.threshold = threshold
        self.drifted = drifted; self.histogram = histogram; self.unseenCategories = unseenCategories
        self.referenceMissingShare = referenceMissingShare; self.currentMissingShare = currentMissingShare
    }
}

/// What ``AlertStore/raiseAlert(_:now:)`` records.
public struct NewAlert: Sendable, Equatable {
    public var kind: AlertKind
    public var severity: AlertSeverity
    /// The model the alert is about (for `run_failed` / `trigger_failed`: the pipeline).
    public var model: String
    /// The model version (nil when the alert is not about one version, e.g. a pipeline).
    public var version: Int?
    /// The window in words: `last 1000 predictions (seq 2001–3000, 19:02–19:05 UTC)`, `batch new.csv (7043 rows)`.
    public var window: String
    /// One line for a list: `4 of 19 features drifted (share 0.21 < 0.5)`.
    public var message: String
    /// The evidence, drifted or not (sorted by the caller as it likes to show them).
    public var features: [AlertFeature]
    /// The run the alert is about (a failed run), when there is one.
    public var runID: String?

    public init(kind: AlertKind, severity: AlertSeverity, model: String, version: Int?, window: String, message: String,
                features: [AlertFeature] = [], runID: String? = nil) {
        self.kind = kind; self.severity = severity; self.model = model; self.version = version; self.window = window
        self.message = message; self.features = features; self.runID = runID
    }
}

/// A stored alert. Open while `resolvedAt` is nil; one open alert per condition (kind, model, version).
public struct AlertRecord: Codable, Sendable, Equatable {
    public var id: Int64
    public var kind: AlertKind
    public var severity: AlertSeverity
    public var model: String
    public var version: Int?
    /// The window of the latest occurrence.
    public var window: String
    public var message: String
    /// The evidence of the latest occurrence.
    public var features: [AlertFeature]
    public var runID: String?
    /// Seconds since 1970 of the first occurrence (ISO 8601 in JSON).
    public var createdAt: Double
    /// Seconds since 1970 of the latest occurrence (a window that still showed the condition).
    public var lastSeenAt: Double
    /// How many windows showed the condition while it stayed open (1 at first).
    public var occurrences: Int
    public var acknowledgedBy: String?
    public var acknowledgedAt: Double?
    public var acknowledgeNote: String?
    /// When a later clean window (or a person) resolved it; nil while open.
    public var resolvedAt: Double?
    /// Why it was resolved (`window … is clean`).
    public var resolvedReason: String?

    public init(id: Int64, kind: AlertKind, severity: AlertSeverity, model: String, version: Int?, window: String, message: String,
                features: [AlertFeature], runID: String?, createdAt: Double, lastSeenAt: Double, occurrences: Int,
                acknowledgedBy: String? = nil, acknowledgedAt: Double? = nil, acknowledgeNote: String? = nil,
                resolvedAt: Double? = nil, resolvedReason: String? = nil) {
        self.id = id; self.kind = kind; self.severity = severity; self.model = model; self.version = version
        self.window = window; self.message = message; self.features = features; self.runID = runID
        self.createdAt = createdAt; self.lastSeenAt = lastSeenAt; self.occurrences = occurrences
        self.acknowledgedBy = acknowledgedBy; self.acknowledgedAt = acknowledgedAt; self.acknowledgeNote = acknowledgeNote
        self.resolvedAt = resolvedAt; self.resolvedReason = resolvedReason
    }

    /// True until resolved.
    public var isOpen: Bool { resolvedAt == nil }
    /// True once someone acknowledged it.
    public var isAcknowledged: Bool { acknowledgedAt != nil }
    /// `churn-model@3` (or the bare model / pipeline name without a version).
    public var subject: String { version.map { "\(model)@\($0)" } ?? model }
    /// The drifted features, in stored order.
    public var driftedFeatures: [AlertFeature] { features.filter(\.drifted) }

    enum CodingKeys: String, CodingKey {
        case id, kind, severity, model, version, window, message, features, occurrences
        case runID = "run_id", createdAt = "created_at", lastSeenAt = "last_seen_at"
        case acknowledgedBy = "acknowledged_by", acknowledgedAt = "acknowledged_at", acknowledgeNote = "acknowledge_note"
        case resolvedAt = "resolved_at", resolvedReason = "resolved_reason", open
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int64.self, forKey: .id)
        kind = try c.decode(AlertKind.self, forKey: .kind)
        severity = try c.decode(AlertSeverity.self, forKey: .severity)
        model = try c.decode(String.self, forKey: .model)
        version = try c.decodeIfPresent(Int.self, forKey: .version)
        window = try c.decode(String.self, forKey: .window)
        message = try c.decode(String.self, forKey: .message)
        features = try c.decode([AlertFeature].self, forKey: .features)
        runID = try c.decodeIfPresent(String.self, forKey: .runID)
        createdAt = try JSONTime.decode(c.decode(String.self, forKey: .createdAt))
        lastSeenAt = try JSONTime.decode(c.decode(String.self, forKey: .lastSeenAt))
        occurrences = try c.decode(Int.self, forKey: .occurrences)
        acknowledgedBy = try c.decodeIfPresent(String.self, forKey: .acknowledgedBy)
        acknowledgedAt = try c.decodeIfPresent(String.self, forKey: .acknowledgedAt).map(JSONTime.decode)
        acknowledgeNote = try c.decodeIfPresent(String.self, forKey: .acknowledgeNote)
        resolvedAt = try c.decodeIfPresent(String.self, forKey: .resolvedAt).map(JSONTime.decode)
        resolvedReason = try c.decodeIfPresent(String.self, forKey: .resolvedReason)
    }

    /// JSON with times in ISO 8601 (UTC) and `open` beside `resolved_at`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(severity, forKey: .severity)
        try c.encode(model, forKey: .model)
        try c.encode(version, forKey: .version)
        try c.encode(window, forKey: .window)
        try c.encode(message, forKey: .message)
        try c.encode(features, forKey: .features)
        try c.encode(runID, forKey: .runID)
        try c.encode(JSONTime.encode(createdAt), forKey: .createdAt)
        try c.encode(JSONTime.encode(lastSeenAt), forKey: .lastSeenAt)
        try c.encode(occurrences, forKey: .occurrences)
        try c.encode(acknowledgedBy, forKey: .acknowledgedBy)
        try c.encode(acknowledgedAt.map(JSONTime.encode), forKey: .acknowledgedAt)
        try c.encode(acknowledgeNote, forKey: .acknowledgeNote)
        try c.encode(resolvedAt.map(JSONTime.encode), forKey: .resolvedAt)
        try c.encode(resolvedReason, forKey: .resolvedReason)
        try c.encode(isOpen, forKey: .open)
    }
}

/// What raising an alert did.
public struct AlertRaise: Sendable, Equatable {
    /// The alert as stored now.
    public var alert: AlertRecord
    /// True when a new alert was opened; false when the same condition was already open (its
    /// occurrence count, latest window and evidence were updated instead: no re-raise).
    public var isNew: Bool
    /// True when an already open alert's severity went up (e.g. warning → critical).
    public var escalated: Bool

    public init(alert: AlertRecord, isNew: Bool, escalated: Bool) { self.alert = alert; self.isNew = isNew; self.escalated = escalated }

    /// True when someone should hear of it (new, or escalated).
    public var shouldNotify: Bool { isNew || escalated }
}

/// Which alerts a listing returns (newest first).
public struct AlertQuery: Sendable, Equatable {
    public var openOnly: Bool
    public var model: String?
    public var kind: AlertKind?
    public var limit: Int?

    public init(openOnly: Bool = false, model: String? = nil, kind: AlertKind? = nil, limit: Int? = nil) {
        self.openOnly = openOnly; self.model = model; self.kind = kind; self.limit = limit
    }
}
