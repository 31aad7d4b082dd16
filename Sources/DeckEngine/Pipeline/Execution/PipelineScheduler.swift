import DeckML
import DeckStore
import Foundation

/// Runs a pipeline's steps as a DAG: a step starts once every step it needs is final, at most
/// `maxParallel` at a time, each on a thread of its own. A step whose need failed, was stopped
/// or was skipped is skipped without running; after a cancellation no step starts (the pending
/// ones end `KILLED`). What a step does is the caller's `execute` closure; this type only decides
/// when, so it can be read (and tested) without a store or a process.
final class PipelineScheduler: @unchecked Sendable {  // mutable state guarded by `lock`
    /// How a step ended: its final record and, when it succeeded, its result for later steps.
    struct Completion: Sendable {
        var record: RunStepRecord
        var result: StepResult?
    }

    /// What the scheduler ends with.
    struct Finish: Sendable {
        /// Every step's final record, by name.
        var records: [String: RunStepRecord]
        var results: [String: StepResult]
        /// Step names in the order they became final.
        var settled: [String]
    }

    let graph: PipelineGraph
    let maxParallel: Int
    let cancellation: CancellationToken
    private let lock = NSLock()
    private var records: [String: RunStepRecord]
    private var results: [String: StepResult] = [:]
    private var running = Set<String>()
    private var settled: [String] = []

    /// `records` holds each step's record (all `PENDING`).
    init(graph: PipelineGraph, records: [String: RunStepRecord], maxParallel: Int, cancellation: CancellationToken) {
        self.graph = graph
        self.records = records
        self.maxParallel = max(1, maxParallel)
        self.cancellation = cancellation
    }

    /// Runs every step to a final state and returns. `execute` runs a step (given its pending record)
    /// with the results of the steps finished so far; `skipped` is told of each step that ends without running.
    func run(execute: @escaping @Sendable (_ step: RunStepRecord, _ upstream: [String: StepResult]) -> Completion,
             skipped: (RunStepRecord) -> Void) -> Finish {
        let order = graph.topologicalOrder()
        let wake = DispatchSemaphore(value: 0)
        let cancelWake = cancellation.onCancel { wake.signal() }
        defer { cancellation.remove(cancelWake) }
        while true {
            lock.lock()
            if order.allSatisfy({ records[$0]?.status.isFinal ?? true }) { lock.unlock(); break }
            var decided: [RunStepRecord] = []
            for name in order where records[name]?.status == .pending && !running.contains(name) {
                let needs = graph.needs[name] ?? []
                guard needs.allSatisfy({ records[$0]?.status.isFinal ?? true }), var record = records[name] else { continue }
                if let reason = reasonNotToRun(needs: needs) {
                    record.status = reason.status; record.reason = reason.text
                    records[name] = record; settled.append(name)
                    decided.append(record)
                } else if running.count < maxParallel {
                    running.insert(name)
                    let upstream = results, pending = record
                    XGBoostThread.start(name: "mldeck-step") { [self] in
                        let completion = execute(pending, upstream)
                        lock.lock()
                        records[name] = completion.record
                        if let result = completion.result { results[name] = result }
                        running.remove(name); settled.append(name)
                        lock.unlock()
                        wake.signal()
                    }
                }
            }
            lock.unlock()
            decided.forEach(skipped)
            if decided.isEmpty { wake.wait() }
        }
        lock.lock(); defer { lock.unlock() }
        return Finish(records: records, results: results, settled: settled)
    }

    /// Why a step whose needs are final does not run, or nil when it runs. Called under `lock`.
    private func reasonNotToRun(needs: [String]) -> (status: StepStatus, text: String)? {
        if cancellation.isCancelled { return (.killed, "not started: the run was cancelled") }
        for need in needs {
            switch records[need]?.status {
            case .failed?: return (.skipped, "not run: '\(need)' failed")
            case .killed?: return (.skipped, "not run: '\(need)' was stopped")
            default: continue
            }
        }
        if let need = needs.first(where: { records[$0]?.status == .skipped }) {
            return (.skipped, "not run: it needs '\(need)', which was skipped")
        }
        return nil
    }
}
