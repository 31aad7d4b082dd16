import DeckStore
import Foundation

/// Evaluates the triggers of `mldeck.yaml` and starts the runs they ask for.
///
/// Each ``tick()``:
/// 1. checks every trigger and records what it saw **and** its firing in one transaction
///    (``TriggerStore/recordTriggerCheck(_:firing:)``), before any run starts;
/// 2. follows the runs of started firings: an ended run closes its firings (a failed one raises
///    one `run_failed` alert); a run left QUEUED by a runner killed before it started the run's
///    process is started now; firings left `launching` find their run by its tag or go back to pending;
/// 3. starts one run per pipeline once one of its pending firings is due (its debounce passed;
///    every pending firing of the pipeline joins that run), unless a triggered run of that pipeline is still going: then they wait.
///
/// A runner killed at any point and started again therefore neither loses a firing nor runs it twice.
/// Only the holder of the runner lease may tick (see ``TriggerRunner``).
public final class TriggerEngine: @unchecked Sendable {  // used from one task at a time (the runner's loop)
    public typealias Store = TriggerStore & TrackingStore & DatasetStore

    let store: any Store
    let launcher: any TriggerLauncher
    let alerts: (any TriggerAlertSource)?
    let clock: @Sendable () -> Date
    let configProvider: () throws -> WorkspaceConfig
    let codeHash: (PipelineSpec, WorkspaceConfig) throws -> String
    /// Lines for the log (each firing, each started run, …).
    public var log: (String) -> Void = { _ in }
    var evaluator = TriggerEvaluator()
    let localTimeZone: TimeZone

    /// Tag naming the firings a run was started for (`12,13`).
    public static let firingsTag = "mldeck.trigger.firings"
    /// Tag saying why a triggered run started.
    public static let reasonTag = "mldeck.trigger.reason"

    /// - Parameters:
    ///   - configProvider: reads `mldeck.yaml` afresh (each tick, so edits are seen).
    ///   - codeHash: a pipeline's code hash (default: ``PipelineCodeHash`` over its definition
    ///     without `triggers:`, and its steps' `deps`).
    public init(store: any Store, launcher: any TriggerLauncher, alerts: (any TriggerAlertSource)? = nil,
                clock: @escaping @Sendable () -> Date = { Date() }, localTimeZone: TimeZone = .current,
                configProvider: @escaping () throws -> WorkspaceConfig,
                codeHash: ((PipelineSpec, WorkspaceConfig) throws -> String)? = nil) {
        self.store = store; self.launcher = launcher; self.alerts = alerts; self.clock = clock
        self.localTimeZone = localTimeZone; self.configProvider = configProvider
        let root = store.workspace.root
        self.codeHash = codeHash ?? { pipeline, config in
            // The definition without its `triggers:`: editing a trigger is not a code change.
            var code = pipeline
            if case .map(let pairs, let at) = pipeline.raw { code.raw = .map(pairs.filter { $0.key != "triggers" }, at: at) }
            return PipelineCodeHash.of(code, dependencies: try PipelineCodeHash.dependencies(of: pipeline, workspaceRoot: root, configFile: config.file))
        }
    }

    /// One round: check triggers, follow runs, start due firings.
    public func tick() throws {
        let config = try configProvider()
        try checkTriggers(config)
        try followRuns(config)
        try startDue(config)
    }

    // MARK: 1. checking

    func checkTriggers(_ config: WorkspaceConfig) throws {
        let now = clock().timeIntervalSince1970
        var states: [String: TriggerStateRecord] = [:]
        for s in try store.triggerStates() { states[s.pipeline + "\u{0}" + s.triggerKey] = s }
        for definition in TriggerDefinition.all(in: config, localTimeZone: localTimeZone) {
            guard let pipeline = config.pipeline(definition.pipeline) else { continue }
            let state = states[definition.pipeline + "\u{0}" + definition.key]
            let outcome: TriggerEvaluator.Outcome
            do {
                outcome = try evaluator.evaluate(definition, state: state, now: now) { try observe(definition, pipeline: pipeline, config: config, state: state) }
            } catch {
                log("\(definition.pipeline): \(definition.summary): cannot check: \(error)")
                continue
            }
            if let note = outcome.note { log(note) }
            guard let newState = outcome.state else { continue }
            let id = try store.recordTriggerCheck(newState, firing: outcome.firing)
            if let firing = outcome.firing, let id {
                log("\(definition.pipeline): fired \(definition.summary) (firing #\(id)): \(firing.reason)")
            }
        }
    }

    func observe(_ d: TriggerDefinition, pipeline: PipelineSpec, config: WorkspaceConfig, state: TriggerStateRecord?) throws -> TriggerEvaluator.Observation {
        switch d.kind {
        case .datasetUpdate(let named):
            guard let reference = named ?? pipeline.dataset, !FileDatasetSource.looksLikePath(reference) else { return .nothing }
            let name = String(reference.split(separator: "@", maxSplits: 1).first ?? "")
            guard let latest = try store.latestDatasetVersion(named: name) else { return .nothing }
            return .version(name: name, number: latest.number)
        case .codeChange:
            return .hash(try codeHash(pipeline, config))
        case .drift(let model), .quality(let model):
            guard let alerts else { return .nothing }
            let kind = d.on
            guard let newest = try alerts.newestAlertID(kind: kind, model: model) else { return .alerts(newest: 0, new: []) }
            let after = state?.lastSeen.flatMap { Int64($0) } ?? newest
            return .alerts(newest: newest, new: newest > after ? try alerts.alerts(kind: kind, model: model, after: after) : [])
        case .schedule, .manual:
            return .nothing
        }
    }

    // MARK: 2. following runs

    func followRuns(_ config: WorkspaceConfig) throws {
        let now = clock().timeIntervalSince1970
        for firings in Dictionary(grouping: try store.openTriggerFirings().filter { $0.status != .pending }, by: { $0.status == .launching ? "launching:" + $0.pipeline : ($0.runID ?? "#\($0.id)") }).values {
            guard let first = firings.first else { continue }
            switch first.status {
            case .launching:
                try recoverLaunching(firings, config: config, now: now)
            case .started:
                guard let runID = first.runID else { continue }
                guard let run = try? store.resolveRun(runID) else {
                    try store.finishTriggerFirings(runID: runID, runStatus: "DELETED", at: now)
                    continue
                }
                if run.status.isFinal {
                    try store.finishTriggerFirings(runID: runID, runStatus: run.status.rawValue, at: now)
                    log("\(first.pipeline): triggered run \(runID.prefix(8)) ended \(run.status.rawValue)")
                    if run.status == .failed, let alerts, try store.markTriggerFiringsAlerted(runID: runID) {
                        let reason = run.statusReason ?? "the run failed"
                        do { try alerts.raiseRunFailed(pipeline: first.pipeline, runID: runID, trigger: first.kind, reason: reason) } catch {
                            log("\(first.pipeline): cannot raise the run_failed alert of \(runID.prefix(8)): \(error)")
                        }
                    }
                } else if run.status == .queued, (try store.runOwner(run.handle)) == nil {
                    // A runner killed between recording the run and starting its process: start it now.
                    log("\(first.pipeline): starting run \(runID.prefix(8)) left queued by a stopped runner")
                    try startProcess(for: firings, runID: runID, config: config)
                }
            case .pending, .finished:
                continue
            }
        }
    }

    /// Firings left `launching`: their run exists when it carries their tag; otherwise they go back to pending.
    func recoverLaunching(_ firings: [TriggerFiringRecord], config: WorkspaceConfig, now: Double) throws {
        guard let first = firings.first else { return }
        let tag = firings.map { String($0.id) }.joined(separator: ",")
        let rows = try store.listRuns(RunQuery(filter: "pipeline = '\(first.pipeline.replacingOccurrences(of: "'", with: "''"))'",
                                               orderBy: [RunOrder(field: FilterField(namespace: "attributes", name: "start_time"), descending: true)], limit: 50))
        if let row = rows.first(where: { $0.tags[Self.firingsTag] == tag }) {
            try store.updateTriggerFirings(firings.map(\.id), status: .started, runID: row.run.id, at: now)
            log("\(first.pipeline): found run \(row.run.id.prefix(8)) of firing(s) \(tag) after a restart")
            if row.run.status == .queued, (try store.runOwner(row.run.handle)) == nil {
                try startProcess(for: firings, runID: row.run.id, config: config)
            }
        } else {
            try store.updateTriggerFirings(firings.map(\.id), status: .pending, runID: nil, at: now)
        }
    }

    // MARK: 3. starting

    func startDue(_ config: WorkspaceConfig) throws {
        let now = clock().timeIntervalSince1970
        let open = try store.openTriggerFirings()
        let busy = Set(open.filter { $0.status == .started || $0.status == .launching }.map(\.pipeline))
        for (pipeline, firings) in Dictionary(grouping: open.filter { $0.status == .pending }, by: \.pipeline).sorted(by: { $0.key < $1.key }) {
            guard !busy.contains(pipeline) else { continue }   // waits QUEUED behind the running triggered run
            // Once one firing's debounce has passed, every pending firing of the pipeline joins its run.
            guard firings.contains(where: { $0.dueAt <= now }) else { continue }
            let due = firings
            guard config.pipeline(pipeline) != nil else {
                try store.updateTriggerFirings(due.map(\.id), status: .finished, runID: nil, at: now)
                log("\(pipeline): dropped \(due.count) firing(s): the pipeline is no longer in \(config.file)")
                continue
            }
            try launch(due, pipeline: pipeline, config: config, now: now)
        }
    }

    func launchRequest(for firings: [TriggerFiringRecord], pipeline: String) -> PipelineLauncher.Launch {
        let kinds = Array(Set(firings.map(\.kind))).sorted()
        let reasons = firings.map { $0.count > 1 ? "\($0.reason) (+\($0.count - 1) coalesced)" : $0.reason }
        return PipelineLauncher.Launch(pipeline: pipeline, trigger: kinds.joined(separator: "+"),
                                       tags: [Self.firingsTag: firings.map { String($0.id) }.joined(separator: ","),
                                              Self.reasonTag: reasons.joined(separator: "; ")])
    }

    func launch(_ firings: [TriggerFiringRecord], pipeline: String, config: WorkspaceConfig, now: Double) throws {
        let ids = firings.map(\.id)
        try store.updateTriggerFirings(ids, status: .launching, runID: nil, at: now)
        let request = launchRequest(for: firings, pipeline: pipeline)
        let runID: String
        do {
            runID = try launcher.queue(request, config: config)
        } catch {
            try store.updateTriggerFirings(ids, status: .finished, runID: nil, at: now)
            log("\(pipeline): cannot start a run for \(request.tags[Self.reasonTag] ?? ""): \(error)")
            do { try alerts?.raiseTriggerFailed(pipeline: pipeline, trigger: request.trigger, reason: "\(error)") } catch {
                log("\(pipeline): cannot raise the trigger_failed alert: \(error)")
            }
            return
        }
        try store.updateTriggerFirings(ids, status: .started, runID: runID, at: now)
        log("\(pipeline): started run \(runID.prefix(8)) (trigger \(request.trigger): \(request.tags[Self.reasonTag] ?? ""))")
        try startProcess(for: firings, runID: runID, config: config)
    }

    func startProcess(for firings: [TriggerFiringRecord], runID: String, config: WorkspaceConfig) throws {
        guard let pipeline = firings.first?.pipeline else { return }
        do { try launcher.start(launchRequest(for: firings, pipeline: pipeline), runID: runID) } catch {
            log("\(pipeline): cannot start the process of run \(runID.prefix(8)): \(error)")   // the launcher failed the run; the next tick closes it
        }
    }
}
