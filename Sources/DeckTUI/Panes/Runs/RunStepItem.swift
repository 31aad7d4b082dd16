/// One step of a pipeline run as the run view lists it.
public struct RunStepItem: Sendable, Equatable {
    public var name: String
    /// `PENDING`, `RUNNING`, `FINISHED`, `FAILED`, `SKIPPED`, `CACHED`, …
    public var state: String
    public var duration: Double?
    /// Whether the outputs came from the cache instead of running.
    public var cacheHit: Bool
    public var detail: String?

    public init(name: String, state: String, duration: Double? = nil, cacheHit: Bool = false, detail: String? = nil) {
        self.name = name; self.state = state; self.duration = duration; self.cacheHit = cacheHit; self.detail = detail
    }

    /// The theme slot for the state.
    public var slot: ThemeSlot {
        switch state.uppercased() {
        case "RUNNING": return .statusRunning
        case "FINISHED", "SUCCEEDED", "DONE", "CACHED": return .statusFinished
        case "FAILED": return .statusFailed
        case "KILLED", "CANCELLED", "CANCELED": return .statusKilled
        default: return .statusQueued
        }
    }
}
