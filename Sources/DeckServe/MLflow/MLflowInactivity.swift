import DeckStore
import Foundation

/// `mldeck server --inactive-after D`: the MLflow client sends no heartbeat, so a script killed
/// mid-run leaves its run RUNNING forever (mlflow#10157). The server remembers when each run was
/// last named by a call; ``MLflowService/failInactiveRuns(now:)`` marks runs with no call for `D`
/// FAILED with the reason, and the next call for such a run revives it (RUNNING again).
final class RunCallClock: @unchecked Sendable {
    private let lock = NSLock()
    private var lastCall: [String: Double] = [:]
    /// Runs not named since the server started count from its start (a restart fails nothing at once).
    let startedAt: Double

    init(startedAt: Double = Date().timeIntervalSince1970) { self.startedAt = startedAt }

    func touch(_ runID: String, now: Double = Date().timeIntervalSince1970) {
        lock.lock(); lastCall[runID] = now; lock.unlock()
    }

    func last(_ runID: String) -> Double {
        lock.lock(); defer { lock.unlock() }
        return lastCall[runID] ?? startedAt
    }
}

extension MLflowService {
    /// The start of the reason given to runs failed for inactivity (a later call revives only those).
    public static let inactiveReasonPrefix = "mldeck server: no MLflow call for "

    /// The reason text for a run failed after `seconds` without a call.
    static func inactiveReason(_ seconds: Double) -> String {
        "\(inactiveReasonPrefix)\(TimeText.duration(seconds)) (--inactive-after); the script that logged it probably died. A later call for the run revives it."
    }

    /// Marks FAILED every RUNNING run without an owning process (runs the MLflow client logs) that
    /// had no call for ``inactiveAfter`` seconds, ending it at its last call. Returns their ids.
    /// Does nothing when ``inactiveAfter`` is nil.
    @discardableResult
    public func failInactiveRuns(now: Double = Date().timeIntervalSince1970) throws -> [String] {
        guard let limit = inactiveAfter else { return [] }
        var failed: [String] = []
        for row in try store.listRuns(RunQuery(filter: "status = 'RUNNING'", deleted: .include)) {
            let record = row.run
            let last = max(callClock.last(record.id), min(record.startTime, now))
            guard now - last >= limit, try store.runOwner(record.handle) == nil else { continue }
            if try store.finishRun(record.handle, status: .failed, reason: Self.inactiveReason(limit), endTime: last) {
                failed.append(record.id)
            }
        }
        return failed
    }

    /// Records a call for the run, and revives it when it was failed for inactivity.
    func noteCall(_ record: RunRecord) throws -> RunRecord {
        callClock.touch(record.id)
        guard record.status == .failed, record.statusReason?.hasPrefix(Self.inactiveReasonPrefix) == true,
              try store.reviveRun(record.handle, reasonPrefix: Self.inactiveReasonPrefix) else { return record }
        return try store.runRecord(exactID: record.id) ?? record
    }
}
