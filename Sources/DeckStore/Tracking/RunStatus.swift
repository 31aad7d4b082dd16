/// The life cycle of a run, as in MLflow.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    /// Waiting for a slot (sweeps).
    case queued = "QUEUED"
    /// Its owner process is working on it.
    case running = "RUNNING"
    /// Ended successfully.
    case finished = "FINISHED"
    /// Ended with an error, a non-zero exit, a timeout, or its owner died.
    case failed = "FAILED"
    /// Cancelled (Ctrl-C, `mldeck runs cancel`, the dashboard).
    case killed = "KILLED"

    /// True for FINISHED, FAILED and KILLED.
    public var isFinal: Bool { self == .finished || self == .failed || self == .killed }
}
