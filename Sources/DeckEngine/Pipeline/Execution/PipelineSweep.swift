import DeckML
import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `mldeck run PIPELINE --sweep K=V1,V2 …` or `--trials N --param-range K=LOW:HIGH[:log|int] …`:
/// the children of a ``SweepPlan`` as runs under one parent run. The parent carries no params
/// of its own (its command and the `mldeck.sweep` tag hold the sweep's options); each child
/// carries its full params. All children are created `QUEUED` at once; at most `concurrency`
/// execute at a time, each in its own `mldeck run --run-id` process. At the end the best child
/// by the pipeline's metric (``SweepRanking``) is recorded on the parent (`mldeck.sweep.best`),
/// and with `register: best` only that child's params are registered, by one more run whose
/// parent is the best child (its steps up to `register` come from the cache).
public final class PipelineSweep: @unchecked Sendable {
    /// One swept param and its values.
    public struct Axis: Sendable, Equatable {
        public var name: String
        public var values: [String]
        public init(name: String, values: [String]) { self.name = name; self.values = values }

        /// Parses `NAME=V1,V2,…`.
        public static func parse(_ text: String) throws -> Axis {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                throw SweepError.malformed(option: "--sweep", text: text, expected: "NAME=V1,V2,… (e.g. max_depth=3,4,6)")
            }
            let name = text[..<eq].trimmingCharacters(in: .whitespaces)
            let values = text[text.index(after: eq)...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !values.isEmpty else { throw SweepError.malformed(option: "--sweep", text: text, expected: "values after \(name)= (e.g. \(name)=1,2,3)") }
            return Axis(name: name, values: values)
        }
    }

    /// Something that happened in the sweep.
    public enum Event: Sendable {
        case queued(parent: String, runs: [(id: String, params: [String: String])])
        case started(runID: String, params: [String: String])
        case finished(runID: String, status: RunStatus, metrics: [String: Double])
        /// The run that registers the best child's model started.
        case registering(runID: String, bestChild: String)
    }

    /// The best child and the metric it won by.
    public struct Best: Sendable {
        public var runID: String
        public var metric: String
        public var value: Double
        public var params: [String: String]
    }

    /// How the sweep ended.
    public struct Outcome: Sendable {
        public var parentRunID: String
        public var status: RunStatus
        public var runs: [(id: String, params: [String: String], status: RunStatus, metrics: [String: Double])]
        /// The best finished child; nil when none reported the metric.
        public var best: Best?
        /// The metric children are ranked by (nil when none).
        public var metric: String?
        /// The run that registered the best child's model (`register: best`).
        public var registrationRunID: String?
        /// Model versions registered by the sweep (`NAME@V`).
        public var registered: [String]
        public var notices: [String]
    }

    let store: any WorkspaceStore
    let config: WorkspaceConfig
    let base: PipelineLauncher.Launch
    let plan: SweepPlan
    let concurrency: Int
    let executable: String
    let parentRunID: String?
    let observer: (@Sendable (Event) -> Void)?
    private let cancellation = CancellationToken()
    private let active = LockedBox<[String: ChildProcess]>([:])

    /// - Parameter parentRunID: a QUEUED parent to take over (a detached sweep); nil creates one.
    public init(store: any WorkspaceStore, config: WorkspaceConfig, base: PipelineLauncher.Launch, plan: SweepPlan, concurrency: Int = 1,
                parentRunID: String? = nil, executable: String = PipelineLauncher.currentExecutable,
                observer: (@Sendable (Event) -> Void)? = nil) {
        self.store = store; self.config = config; self.base = base; self.plan = plan; self.parentRunID = parentRunID
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

    /// The command a sweep records on its parent: the base run's options and every sweep option.
    public static func commandLine(base: PipelineLauncher.Launch, plan: SweepPlan) -> String {
        var launch = base
        launch.parentRunID = nil; launch.sweepNote = nil
        return PipelineLauncher.commandLine(launch) + " " + plan.optionsText
    }

    /// Creates the parent run, QUEUED, for a detached sweep; checks the pipeline and params first.
    public static func queueParent(base: PipelineLauncher.Launch, plan: SweepPlan, store: any WorkspaceStore, config: WorkspaceConfig) throws -> RunHandle {
        let pipeline = try check(base: base, plan: plan, config: config)
        return try store.createRun(parentStart(pipeline: pipeline, base: base, plan: plan, status: .queued, owner: nil))
    }

    static func parentStart(pipeline: PipelineSpec, base: PipelineLauncher.Launch, plan: SweepPlan, status: RunStatus,
                            owner: ProcessIdentity?) -> RunStart {
        var tags = ["mldeck.pipeline": pipeline.name, "mldeck.sweep": plan.optionsText]
        if plan.trials != nil { tags["mldeck.sweep.seed"] = String(plan.seed) }
        return RunStart(experiment: pipeline.name, status: status, command: commandLine(base: base, plan: plan), pipeline: pipeline.name,
                        params: [:], tags: tags, lineage: RunLineage(trigger: base.trigger), owner: owner)
    }

    /// The pipeline, after checking that every swept and overridden param is one of its params.
    static func check(base: PipelineLauncher.Launch, plan: SweepPlan, config: WorkspaceConfig) throws -> PipelineSpec {
        guard let pipeline = config.pipeline(base.pipeline) else {
            throw PipelineRunError.unknownPipeline(base.pipeline, known: config.pipelines.map(\.name), file: config.file)
        }
        let known = pipeline.paramDictionary
        let keys = pipeline.params.map(\.key)
        for name in base.params.keys.sorted() where known[name] == nil { throw PipelineRunError.unknownParam(name, known: keys) }
        for (option, name) in plan.axes.map({ ("--sweep", $0.name) }) + plan.ranges.map({ ("--param-range", $0.name) }) where known[name] == nil {
            throw SweepError.unknownParam(key: name, option: option, pipeline: pipeline.name, known: keys)
        }
        return pipeline
    }

    public func cancel() {
        cancellation.cancel(reason: "sweep cancelled")
        active.with { for c in $0.values { c.signalGroup(SIGTERM) } }
    }

    public func run() throws -> Outcome {
        let pipeline = try Self.check(base: base, plan: plan, config: config)
        let parent: RunHandle
        if let parentRunID {
            let record = try store.resolveRun(parentRunID)
            guard record.status == .queued else { throw PipelineRunError.runNotQueued(record.id, status: record.status) }
            parent = record.handle
            try store.startQueuedRun(parent)
        } else {
            parent = try store.createRun(Self.parentStart(pipeline: pipeline, base: base, plan: plan, status: .running, owner: .current))
        }
        let hasRegister = pipeline.steps.contains { $0.action == .builtin("register") }
        let launches = plan.combinations.map { combo -> PipelineLauncher.Launch in
            var l = base
            l.params = base.params.merging(combo) { _, new in new }
            l.parentRunID = parent.id
            l.sweepNote = "sweep \(parent.id.prefix(8)): \(plan.optionsText)"
            if hasRegister && plan.registration != .all {
                l.registrationDeferred = plan.registration == .best
                    ? "deferred: in a sweep only the best child is registered (--register best)"
                    : "not run: the sweep was started with --register none"
            }
            return l
        }
        let children: [RunHandle]
        do {
            children = try PipelineLauncher.queue(launches, store: store, config: config, owner: .current)
        } catch {
            _ = try? store.finishRun(parent, status: .failed, reason: "\(error)")
            throw error
        }
        observer?(.queued(parent: parent.id, runs: zip(children, launches).map { ($0.id, $1.params) }))

        let results = LockedBox<[String: (RunStatus, [String: Double])]>([:])
        let slots = DispatchSemaphore(value: concurrency)
        let group = DispatchGroup()
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
            XGBoostThread.start(name: "mldeck-trial") { [self] in
                defer { slots.signal(); group.leave() }
                let (status, metrics) = execute(handle, launch)
                results.with { $0[handle.id] = (status, metrics) }
                observer?(.finished(runID: handle.id, status: status, metrics: metrics))
            }
        }
        group.wait()
        let all = results.with { $0 }
        let rows = zip(children, launches).map { handle, launch in
            (id: handle.id, params: launch.params, status: all[handle.id]?.0 ?? RunStatus.failed, metrics: all[handle.id]?.1 ?? [:])
        }
        var outcome = Outcome(parentRunID: parent.id, status: .finished, runs: rows, best: nil, metric: nil,
                              registrationRunID: nil, registered: [], notices: [])
        outcome.metric = SweepRanking.metric(of: pipeline, children: rows.map(\.metrics))
        if let metric = outcome.metric, let index = SweepRanking.best(rows.map { ($0.status, $0.metrics) }, by: metric),
           let value = rows[index].metrics[metric] {
            outcome.best = Best(runID: rows[index].id, metric: metric, value: value, params: rows[index].params)
            try? store.setTags(["mldeck.sweep.best": rows[index].id, "mldeck.sweep.metric": metric], run: parent)
        }
        if hasRegister && plan.registration == .best && !cancellation.isCancelled {
            if let best = outcome.best {
                registerBest(best, pipeline: pipeline, parent: parent, into: &outcome)
            } else {
                outcome.notices.append("no child finished with \(outcome.metric ?? "a metric"), so no model was registered")
            }
        }
        let statuses = rows.map(\.status)
        let failedCount = statuses.filter { $0 != .finished }.count
        outcome.status = cancellation.isCancelled ? .killed : (failedCount == 0 ? .finished : .failed)
        let reason = outcome.status == .failed ? "\(failedCount) of \(children.count) runs did not finish" : nil
        try store.finishRun(parent, status: outcome.status, reason: reason)
        return outcome
    }

    /// Runs the best child's params once more with `register` on; its parent is the best child.
    func registerBest(_ best: Best, pipeline: PipelineSpec, parent: RunHandle, into outcome: inout Outcome) {
        var launch = base
        launch.params = base.params.merging(best.params) { _, new in new }
        launch.parentRunID = best.runID
        launch.sweepNote = "registers the best child \(best.runID.prefix(8)) of sweep \(parent.id.prefix(8)): \(plan.optionsText)"
        do {
            let handle = try PipelineLauncher.queue(launch, store: store, config: config, owner: .current)
            outcome.registrationRunID = handle.id
            observer?(.registering(runID: handle.id, bestChild: best.runID))
            let (status, _) = execute(handle, launch)
            guard status == .finished else {
                outcome.notices.append("the run registering the best child (\(handle.id.prefix(8))) ended \(status.rawValue); see mldeck runs show \(handle.id.prefix(8))")
                return
            }
            for step in pipeline.steps where step.action == .builtin("register") {
                let file = store.workspace.runDirectory(handle.id).appendingPathComponent("steps/\(step.name)/registered.json")
                if let data = try? Data(contentsOf: file),
                   let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let reference = object["reference"] as? String {
                    outcome.registered.append(reference)
                }
            }
            try? store.setTags(["mldeck.sweep.registered_by": handle.id], run: parent)
        } catch {
            outcome.notices.append("the best child could not be registered: \(error)")
        }
    }

    /// Executes one queued child in its own process; its final status and last metric values.
    func execute(_ handle: RunHandle, _ launch: PipelineLauncher.Launch) -> (RunStatus, [String: Double]) {
        let args = PipelineLauncher.arguments(for: launch, runID: handle.id, workspace: store.workspace, executable: executable) + ["--quiet"]
        do {
            let child = try ChildProcess(arguments: args, environment: ProcessInfo.processInfo.environment,
                                         directory: store.workspace.root.path)
            active.with { $0[handle.id] = child }
            if cancellation.isCancelled { child.signalGroup(SIGTERM) }
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
        return (status, metrics)
    }
}
