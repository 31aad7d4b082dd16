import DeckStore
import Foundation

/// The record of one step while it runs: every change is written to the store (so another
/// process follows it) and told to the run's event sink. `RUNNING` is recorded once the step
/// really runs, not for a cache hit or a skip.
final class StepProgress: @unchecked Sendable {  // used by the step's thread only
    private(set) var record: RunStepRecord
    let started: Double
    private let store: any PipelineStepStore
    private let run: RunHandle
    private let sink: RunEventSink
    private var recordedRunning = false

    init(_ record: RunStepRecord, store: any PipelineStepStore, run: RunHandle, sink: RunEventSink) {
        var running = record
        running.status = .running
        running.startTime = Date().timeIntervalSince1970
        self.record = running
        self.started = running.startTime ?? 0
        self.store = store; self.run = run; self.sink = sink
        sink.emit(.stepStarted(step: record.name))
    }

    var name: String { record.name }

    /// Records `RUNNING` (once).
    func markRunning() {
        guard !recordedRunning else { return }
        recordedRunning = true
        try? store.updateStep(record, run: run)
    }

    /// Records the start of attempt `number` (1-based) after `previousError`.
    func beginAttempt(_ number: Int, of total: Int, after previousError: Error?) {
        record.attempts = number
        guard number > 1 else { return }
        sink.log(step: name, line: "retrying (attempt \(number) of \(total)) after: \(previousError.map { "\($0)" } ?? "")")
        try? store.updateStep(record, run: run)
    }

    /// The cache key the step was looked up under.
    func setCacheKey(_ key: String) { record.cacheKey = key }

    /// The record as it is when the step ends as `status` (without writing it).
    func final(_ status: StepStatus, reason: String? = nil, cacheHit: Bool = false) -> RunStepRecord {
        var final = record
        final.status = status; final.reason = reason; final.cacheHit = cacheHit
        final.endTime = Date().timeIntervalSince1970
        if status.succeeded { final.progress = 1 }
        return final
    }

    /// Ends the step as `status`: recorded (unless `alreadyRecorded`, e.g. with its cached
    /// outputs in one transaction), logged with its reason, and published.
    func finish(_ status: StepStatus, reason: String? = nil, cacheHit: Bool = false, alreadyRecorded: RunStepRecord? = nil) -> RunStepRecord {
        record = alreadyRecorded ?? final(status, reason: reason, cacheHit: cacheHit)
        if alreadyRecorded == nil { try? store.updateStep(record, run: run) }
        if let reason { sink.log(step: name, line: status == .skipped ? "skipped: \(reason)" : reason) }
        let duration = (record.endTime ?? started) - started
        sink.emit(.stepFinished(step: name, status: status, cacheHit: cacheHit, duration: duration, reason: reason))
        return record
    }
}
