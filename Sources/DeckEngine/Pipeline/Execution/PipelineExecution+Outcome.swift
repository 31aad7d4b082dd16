import DeckStore
import Foundation

/// The end of a run: its final state from the steps' (KILLED when cancelled, FAILED when a step
/// failed — with the first failure as the reason — else FINISHED), a tag per step, and the
/// ``PipelineOutcome`` the caller prints.
extension PipelineExecution {
    func conclude(_ prepared: PreparedRun, finish: PipelineScheduler.Finish, git: GitInfo, started: Double) throws -> PipelineOutcome {
        let run = prepared.run
        sink.flushMetrics()
        let steps = prepared.pipeline.steps.compactMap { finish.records[$0.name] }
        let firstFailure = finish.settled.lazy.compactMap { finish.records[$0] }.first { $0.status == .failed }
        let status: RunStatus
        var reason: String?
        if cancellation.isCancelled {
            status = .killed; reason = cancellation.reason
        } else if let firstFailure {
            status = .failed; reason = firstFailure.reason ?? "step '\(firstFailure.name)' failed"
        } else {
            status = .finished
        }
        try? store.closeOpenSteps(run: run, status: status == .killed ? .killed : .skipped, reason: reason)
        var tags: [String: String] = [:]
        for step in steps {
            let duration = step.duration().map { String(format: "%.3fs", $0) } ?? "-"
            tags["mldeck.step.\(step.name)"] = "\(step.status.rawValue) \(duration)\(step.cacheHit ? " cached" : "")"
        }
        try? store.setTags(tags, run: run)
        if let dirty = git.dirty() { try? store.updateLineage(RunLineage(gitDirty: dirty), run: run) }
        try store.finishRun(run, status: status, reason: reason)
        sink.emit(.runFinished(runID: run.id, status: status, reason: reason))
        sink.close()

        var metrics: [String: Double] = [:]
        var production: [String: Double]?
        var registered: [String] = [], deployed: [String] = []
        for name in prepared.graph.topologicalOrder() {
            guard let result = finish.results[name] else { continue }
            if result.kind == "evaluate" {
                metrics.merge(result.output.metrics) { _, new in new }
                production = EvaluateStep.productionMetrics(result.output)
            }
            if let version = result.output.facts["registered"] { registered.append(version) }
            if let move = result.output.facts["deployed"] { deployed.append(move) }
        }
        return PipelineOutcome(runID: run.id, status: status, reason: reason, steps: steps, metrics: metrics,
                               productionMetrics: production, registered: registered, deployed: deployed,
                               notices: sink.notices, duration: Date().timeIntervalSince1970 - started)
    }
}
