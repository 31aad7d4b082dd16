import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `mldeck run PIPELINE --sweep K=V1,V2 …`: the grid of param values as runs grouped under a
/// parent run. All runs are created `QUEUED` at once; at most `concurrency` execute at a time,
/// each in its own `mldeck run --run-id` process.
public final class PipelineSweep: @unchecked Sendable {
    /// One swept param and its values.
    public struct Axis: Sendable, Equatable {
        public var name: String
        public var values: [String]
        public init(name: String, values: [String]) { self.name = name; self.values = values }

        /// Parses `NAME=V1,V2,…`.
        public static func parse(_ text: String) throws -> Axis {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                throw PipelineRunError.dataset("--sweep expects NAME=V1,V2,… (got '\(text)')")
            }
            let values = text[text.index(after: eq)...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !values.isEmpty else { throw PipelineRunError.dataset("--sweep \(text[..<eq]) has no values") }
            return Axis(name: String(text[..<eq]), values: values)
        }
    }

    /// Something that happened in the sweep.
    public enum Event: Sendable {
        case queued(parent: String, runs: [(id: String, params: [String: String])])
        case started(runID: String, params: [String: String])
        case finished(runID: String, status: RunStatus, metrics: [String: Double])
    }

    /// How the sweep ended.
    public struct Outcome: Sendable {
        public var parentRunID: String
        public var status: RunStatus
        public var runs: [(id: String, params: [String: String], status: RunStatus, metrics: [String: Double])]
    }

    let store: DeckStore
    let config: WorkspaceConfig
    let base: PipelineLauncher.Launch
    let axes: [Axis]
    let concurrency: Int
    let executable: String
    let observer: (@Sendable (Event) -> Void)?
    private let cancellation = CancellationToken()

    public init(store: DeckStore, config: WorkspaceConfig, base: PipelineLauncher.Launch, axes: [Axis], concurrency: Int = 1,
                executable: String = PipelineLauncher.currentExecutable, observer: (@Sendable (Event) -> Void)? = nil) {
        self.store = store; self.config = config; self.base = base; self.axes = axes
        self.concurrency = max(1, concurrency); self.executable = executable; self.observer = observer
    }

    /// The grid, first axis slowest.
    public static func grid(_ axes: [Axis]) -> [[String: String]] {
        var combos: [[String: String]] = [[:]]
        for axis in axes {
            combos = combos.flatMap { combo in axis.values.map { v in combo.merging([axis.name: v]) { _, new in new } } }
        }
        return combos
    }

    public func cancel() { cancellation.cancel(reason: "sweep cancelled") }

    public func run() throws -> Outcome {
        guard let pipeline = config.pipeline(base.pipeline) else {
            throw PipelineRunError.unknownPipeline(base.pipeline, known: config.pipelines.map(\.name), file: config.file)
        }
        var baseParams = pipeline.paramDictionary
        for (k, v) in base.params {
            guard baseParams[k] != nil else { throw PipelineRunError.unknownParam(k, known: pipeline.params.map(\.key)) }
            baseParams[k] = v
        }
        for axis in axes where baseParams[axis.name] == nil {
            throw PipelineRunError.unknownParam(axis.name, known: pipeline.params.map(\.key))
        }
        let sweepText = axes.map { "\($0.name)=\($0.values.joined(separator: ","))" }.joined(separator: " ")
        let parent = try store.createRun(RunStart(experiment: pipeline.name, status: .running,
                                                  command: "mldeck run \(pipeline.name) --sweep \(sweepText)", pipeline: pipeline.name,
                                                  params: baseParams, tags: ["mldeck.pipeline": pipeline.name, "mldeck.sweep": sweepText],
                                                  lineage: RunLineage(trigger: base.trigger)))
        let combos = Self.grid(axes)
        let launches = combos.map { combo -> PipelineLauncher.Launch in
            var l = base
            l.params = base.params.merging(combo) { _, new in new }
            l.parentRunID = parent.id
            return l
        }
        let children = try PipelineLauncher.queue(launches, store: store, config: config, owner: .current)
        observer?(.queued(parent: parent.id, runs: zip(children, launches).map { ($0.id, $1.params) }))

        let results = LockedBox<[String: (RunStatus, [String: Double])]>([:])
        let slots = DispatchSemaphore(value: concurrency)
        let group = DispatchGroup()
        let active = LockedBox<[String: ChildProcess]>([:])
        let stopper = cancellation.onCancel { active.with { for c in $0.values { c.signalGroup(SIGTERM) } } }
        defer { cancellation.remove(stopper) }
        for (handle, launch) in zip(children, launches) {
            slots.wait()
            if cancellation.isCancelled {
                slots.signal()
                _ = try? store.finishRun(handle, status: .killed, reason: "sweep cancelled before it started")
                results.with { $0[handle.id] = (.killed, [:]) }
                continue
            }
            group.enter()
            observer?(.started(runID: handle.id, params: launch.params))
            let args = PipelineLauncher.arguments(for: launch, runID: handle.id, workspace: store.workspace, executable: executable) + ["--quiet"]
            Thread { [self] in
                defer { slots.signal(); group.leave() }
                do {
                    let child = try ChildProcess(arguments: args, environment: ProcessInfo.processInfo.environment,
                                                 directory: store.workspace.root.path)
                    active.with { $0[handle.id] = child }
                    child.drainOutput { _ in }
                    _ = child.wait()
                    active.with { $0[handle.id] = nil }
                } catch {
                    _ = try? store.finishRun(handle, status: .failed, reason: "cannot start: \(error)")
                }
                let record = try? store.runDetails(handle.id)
                if let record, !record.run.status.isFinal {
                    _ = try? store.finishRun(handle, status: .failed, reason: "its process ended without finishing the run")
                }
                let status = (try? store.resolveRun(handle.id).status) ?? .failed
                var metrics: [String: Double] = [:]
                for m in record?.metrics ?? [] where m.count == 1 { metrics[m.key] = m.last }
                results.with { $0[handle.id] = (status, metrics) }
                observer?(.finished(runID: handle.id, status: status, metrics: metrics))
            }.start()
        }
        group.wait()
        let all = results.with { $0 }
        let statuses = children.map { all[$0.id]?.0 ?? .failed }
        let status: RunStatus = cancellation.isCancelled ? .killed : (statuses.allSatisfy { $0 == .finished } ? .finished : .failed)
        try store.finishRun(parent, status: status, reason: status == .failed ? "\(statuses.filter { $0 != .finished }.count) of \(children.count) runs did not finish" : nil)
        return Outcome(parentRunID: parent.id, status: status, runs: zip(children, launches).map { handle, launch in
            (handle.id, launch.params, all[handle.id]?.0 ?? .failed, all[handle.id]?.1 ?? [:])
        })
    }
}
