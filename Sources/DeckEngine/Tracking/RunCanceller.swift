import DeckStore
import Foundation

/// Stops a run that is still going, from any process: the dashboard, `mldeck runs cancel`, a
/// server. The run's owner (`mldeck track` / `mldeck run`) is asked with SIGTERM, so it stops its
/// children and records KILLED itself; a run whose owner is gone or on another host is recorded
/// KILLED here.
public enum RunCanceller {
    /// Cancels the run named by `reference` and returns it as it ended.
    /// - Parameter wait: seconds to wait for the owner to record the end.
    /// - Throws: ``TrackingError/runEnded(run:status:)`` when it had already ended.
    @discardableResult
    public static func cancel(_ reference: String, store: any TrackingStore, wait: Double = 15,
                              by user: String = ProcessInfo.processInfo.userName) throws -> RunRecord {
        let record = try store.resolveRun(reference)
        guard !record.status.isFinal else { throw TrackingError.runEnded(run: record.id, status: record.status) }
        let handle = record.handle
        if let owner = try store.runOwner(handle), owner.host == ProcessIdentity.hostName, owner.isAlive {
            kill(owner.pid, SIGTERM)
            let deadline = Date().addingTimeInterval(wait)
            while Date() < deadline {
                if try store.resolveRun(record.id).status.isFinal { break }
                usleep(50_000)
            }
        }
        if !(try store.resolveRun(record.id).status.isFinal) {
            try store.finishRun(handle, status: .killed, reason: "cancelled by \(user)")
        }
        return try store.resolveRun(record.id)
    }
}
