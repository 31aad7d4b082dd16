import Foundation

/// The lease that makes one process the workspace's runner of triggers and monitors.
public struct RunnerLease: Sendable, Equatable, Codable {
    /// A fresh id per runner instance (a pid alone is reused).
    public var holder: String
    /// `agent` or `dashboard`.
    public var role: String
    public var pid: Int32
    /// The process start token (see ``ProcessIdentity``).
    public var token: String
    public var host: String
    public var acquiredAt: Double
    public var heartbeatAt: Double
    public var expiresAt: Double

    public init(holder: String, role: String, owner: ProcessIdentity, acquiredAt: Double, heartbeatAt: Double, expiresAt: Double) {
        self.holder = holder; self.role = role; pid = owner.pid; token = owner.token; host = owner.host
        self.acquiredAt = acquiredAt; self.heartbeatAt = heartbeatAt; self.expiresAt = expiresAt
    }

    /// The process that holds it.
    public var owner: ProcessIdentity { ProcessIdentity(pid: pid, token: token, host: host) }

    /// True when another runner may take the lease over at `now`: it expired, or its holder
    /// process on this host is gone (judged by pid and start time, not by pid alone).
    public func isTakeable(now: Double, host currentHost: String = ProcessIdentity.hostName) -> Bool {
        if now >= expiresAt { return true }
        return host == currentHost && !owner.isAlive
    }
}

/// The outcome of asking for the runner lease.
public enum RunnerLeaseResult: Sendable, Equatable {
    /// This runner holds it now; `tookOverFrom` is the dead or expired holder it replaced.
    case acquired(RunnerLease, tookOverFrom: RunnerLease?)
    /// Another live runner holds it.
    case heldByOther(RunnerLease)
}

/// What the runner last saw for one trigger of one pipeline.
public struct TriggerStateRecord: Sendable, Equatable {
    public var pipeline: String
    public var triggerKey: String
    /// The newest dataset version (`churn@3`), code hash or alert id seen; nil for schedules.
    public var lastSeen: String?
    /// When the runner last evaluated the trigger.
    public var checkedAt: Double
    public var lastFiredAt: Double?
    public var lastReason: String?

    public init(pipeline: String, triggerKey: String, lastSeen: String?, checkedAt: Double, lastFiredAt: Double? = nil, lastReason: String? = nil) {
        self.pipeline = pipeline; self.triggerKey = triggerKey; self.lastSeen = lastSeen; self.checkedAt = checkedAt
        self.lastFiredAt = lastFiredAt; self.lastReason = lastReason
    }
}

/// Where a firing is in its life.
public enum TriggerFiringStatus: String, Sendable, Codable {
    /// Recorded; waiting for its debounce to pass or for the pipeline's triggered run to end.
    case pending
    /// Its run is being created (a runner that dies here finds the run by its tag on restart).
    case launching
    /// Its run was created (and its process started).
    case started
    /// Its run ended (``TriggerFiringRecord/runStatus``).
    case finished
}

/// One recorded firing of a trigger.
public struct TriggerFiringRecord: Sendable, Equatable {
    public var id: Int64
    public var pipeline: String
    public var triggerKey: String
    /// `dataset-update`, `schedule`, …
    public var kind: String
    /// Why it fired (the latest reason when several firings coalesced).
    public var reason: String
    public var firedAt: Double
    /// The latest coalesced firing.
    public var lastAt: Double
    /// When its debounce ends.
    public var dueAt: Double
    /// How many firings it stands for.
    public var count: Int
    public var status: TriggerFiringStatus
    public var runID: String?
    public var startedAt: Double?
    public var finishedAt: Double?
    /// The final status of its run (`FINISHED`, `FAILED`, `KILLED`).
    public var runStatus: String?
    /// True once a failure alert was raised for its run.
    public var alerted: Bool
}

/// A firing to record (see ``TriggerStore/recordTriggerCheck(_:firing:)``).
public struct TriggerFiring: Sendable, Equatable {
    public var kind: String
    public var reason: String
    public var at: Double
    /// Seconds to wait for more firings to coalesce with before the run may start.
    public var debounce: Double

    public init(kind: String, reason: String, at: Double, debounce: Double) {
        self.kind = kind; self.reason = reason; self.at = at; self.debounce = debounce
    }
}
