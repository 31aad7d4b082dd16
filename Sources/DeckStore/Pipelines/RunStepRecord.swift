import Foundation

/// The state of one step of a pipeline run.
public enum StepStatus: String, Codable, Sendable, CaseIterable {
    /// Waiting for the steps it needs.
    case pending = "PENDING"
    case running = "RUNNING"
    case finished = "FINISHED"
    /// Served from the step cache (outputs restored, not run).
    case cached = "CACHED"
    /// Not run: its `if:` condition was false, or a step it needs was skipped.
    case skipped = "SKIPPED"
    case failed = "FAILED"
    /// Stopped by a cancellation, or never started because the run was cancelled.
    case killed = "KILLED"

    /// True once the step will not change any more.
    public var isFinal: Bool { self != .pending && self != .running }
    /// True when the step's outputs exist (ran or restored).
    public var succeeded: Bool { self == .finished || self == .cached }
}

/// One step of a pipeline run as recorded in `run_steps`: the dashboard and `mldeck runs show`
/// follow a run's progress from another process through these rows.
public struct RunStepRecord: Codable, Sendable, Equatable {
    public var name: String
    /// Order in the pipeline definition.
    public var position: Int
    /// `uses: xgboost` → `xgboost`; `run:` → `run`.
    public var kind: String
    public var status: StepStatus
    public var startTime: Double?
    public var endTime: Double?
    public var cacheHit: Bool
    public var cacheKey: String?
    /// Why it was skipped, failed or killed.
    public var reason: String?
    public var attempts: Int
    /// 0…1 while running when known (training rounds done / rounds).
    public var progress: Double?

    public init(name: String, position: Int, kind: String, status: StepStatus, startTime: Double? = nil, endTime: Double? = nil,
                cacheHit: Bool = false, cacheKey: String? = nil, reason: String? = nil, attempts: Int = 0, progress: Double? = nil) {
        self.name = name; self.position = position; self.kind = kind; self.status = status; self.startTime = startTime
        self.endTime = endTime; self.cacheHit = cacheHit; self.cacheKey = cacheKey; self.reason = reason
        self.attempts = attempts; self.progress = progress
    }

    /// Seconds the step took (to now while it runs).
    public func duration(now: Double = Date().timeIntervalSince1970) -> Double? {
        guard let startTime else { return nil }
        return (endTime ?? now) - startTime
    }

    enum CodingKeys: String, CodingKey {
        case name, position, kind, status, startTime = "start_time", endTime = "end_time", cacheHit = "cache_hit"
        case cacheKey = "cache_key", reason, attempts, progress, duration = "duration_s"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        position = try c.decode(Int.self, forKey: .position)
        kind = try c.decode(String.self, forKey: .kind)
        status = try c.decode(StepStatus.self, forKey: .status)
        startTime = try c.decodeIfPresent(String.self, forKey: .startTime).map(JSONTime.decode)
        endTime = try c.decodeIfPresent(String.self, forKey: .endTime).map(JSONTime.decode)
        cacheHit = try c.decode(Bool.self, forKey: .cacheHit)
        cacheKey = try c.decodeIfPresent(String.self, forKey: .cacheKey)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        attempts = try c.decode(Int.self, forKey: .attempts)
        progress = try c.decodeIfPresent(Double.self, forKey: .progress)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(position, forKey: .position)
        try c.encode(kind, forKey: .kind)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(startTime.map(JSONTime.encode), forKey: .startTime)
        try c.encodeIfPresent(endTime.map(JSONTime.encode), forKey: .endTime)
        try c.encodeIfPresent(duration().map { ($0 * 1000).rounded() / 1000 }, forKey: .duration)
        try c.encode(cacheHit, forKey: .cacheHit)
        try c.encodeIfPresent(cacheKey, forKey: .cacheKey)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encode(attempts, forKey: .attempts)
        try c.encodeIfPresent(progress, forKey: .progress)
    }
}
