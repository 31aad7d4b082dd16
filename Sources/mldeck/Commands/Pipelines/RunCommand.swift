import ArgumentParser
import DeckEngine
import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `mldeck run PIPELINE [-p K=V …] [--dataset NAME@V] [--sweep K=V1,V2 …] [--detach]`
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline from mldeck.yaml as a tracked run.",
        discussion: """
        Steps run as a DAG; unchanged steps are served from the cache. Ctrl-C stops the run (KILLED). \
        Exit status 0 only when the run finished.

        Sweeps run each param set as a child of one parent run (which has no params):
          grid:    --sweep max_depth=3,4,6 --sweep eta=0.05,0.1
          random:  --trials 20 --seed 7 --param-range eta=0.01:0.3:log
                   --param-range max_depth=3:10:int --param-range subsample=0.5:1.0
        A range is NAME=LOW:HIGH[:uniform|log|int]: uniform (the default) draws a number in \
        [LOW, HIGH], log draws log-uniformly (LOW > 0), int draws a whole number, both ends \
        included. The seed defaults to 42 and is recorded. With --trials, --sweep values are drawn \
        at random too. The end prints the best child by the pipeline's metric (the deploy \
        condition's, else evaluate's first; losses are better lower) and the commands that list \
        the sweep (mldeck runs list --filter "parent = 'ID'"). --register best (the default) \
        registers only the best child, by one more run whose parent is that child; all registers \
        every child; none, no child.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The pipeline (see mldeck pipelines list).", completion: NameCompletion.pipelines) var pipeline: String
    @Option(name: [.customShort("p"), .customLong("param")], help: "Override a param: KEY=VALUE (repeatable).") var param: [String] = []
    @Option(name: .long, help: "Pin the dataset: NAME@VERSION (or NAME, or a data file).") var dataset: String?
    @Option(name: .long, help: "Sweep a param: KEY=V1,V2,… (repeatable; the grid runs as QUEUED runs under a parent).") var sweep: [String] = []
    @Option(name: .long, help: "Random search: this many trials drawn from --param-range (and --sweep values).") var trials: Int?
    @Option(name: .long, help: ArgumentHelp("Sample a param in a range: NAME=LOW:HIGH[:uniform|log|int] (repeatable; needs --trials).",
                                            valueName: "range")) var paramRange: [String] = []
    @Option(name: .long, help: "Seed of a random search (default 42; recorded with the sweep).") var seed: UInt64?
    @Option(name: .long, help: ArgumentHelp("Which sweep children run `register`: best (default), all or none.",
                                            valueName: "best|all|none")) var register: String?
    @Option(name: .long, help: "Sweep runs executing at once.") var sweepParallel: Int = 1
    @Option(name: .long, help: "Steps running side by side at most (default: the number of cores).") var parallel: Int?
    @Flag(name: .long, help: "Start the run (or the whole sweep) in the background and print its id (a sweep's: its parent's).") var detach = false
    @Flag(name: .long, help: "Run every step even when it is cached.") var force = false
    @Flag(name: .long, help: "Neither read nor write the step cache.") var noCache = false
    @Flag(name: .long, help: "Print only the summary.") var quiet = false
    @Option(name: .long, help: .hidden) var runId: String?
    @Option(name: .long, help: .hidden) var trigger: String = "manual"
    @Option(name: .long, help: .hidden) var deferRegister: String?

    func validate() throws {
        _ = try KeyValue.parse(param, option: "-p")
        if sweepParallel < 1 { throw ValidationError("--sweep-parallel must be at least 1") }
        let plan = try sweepPlan()
        if plan == nil, register != nil {
            throw ValidationError("--register chooses which children of a sweep register a model; add --sweep or --trials (a single run registers as its pipeline says)")
        }
    }

    /// The sweep of the options, nil for a single run; option errors as usage errors (exit 2).
    func sweepPlan() throws -> SweepPlan? {
        do { return try SweepPlan.parse(sweep: sweep, ranges: paramRange, trials: trials, seed: seed, register: register) } catch let error as SweepError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        do { try execute() } catch {
            failQueuedRun(error)
            throw error
        }
    }

    /// A detached process (`--run-id`) that fails before taking its QUEUED run over (a bad
    /// config, an unknown param, …) marks the run FAILED with the reason, so it does not stay QUEUED.
    func failQueuedRun(_ error: Error) {
        guard let runId, !(error is ExitCode), let store = try? global.openStore(),
              let record = try? store.resolveRun(runId), record.status == .queued else { return }
        let reason = UserMessage.text(for: DeckStore.userFacing(error, workspace: store.workspace.root.path))
        _ = try? store.finishRun(record.handle, status: .failed, reason: "not started: \(reason)")
    }

    func execute() throws {
        let trace = ProcessInfo.processInfo.environment["MLDECK_TRACE_TIMING"] != nil
        let t0 = Date()
        let store = try global.openStore()
        if trace { FileHandle.standardError.write(Data(String(format: "store opened %.2f ms\n", Date().timeIntervalSince(t0) * 1000).utf8)) }
        let config = try PipelineEnvironment.loadConfig(store.workspace)
        if trace { FileHandle.standardError.write(Data(String(format: "config loaded %.2f ms\n", Date().timeIntervalSince(t0) * 1000).utf8)) }
        let params = try KeyValue.parse(param, option: "-p")
        let base = PipelineLauncher.Launch(pipeline: pipeline, params: params, dataset: dataset, force: force, noCache: noCache, trigger: trigger)
        let plan = try sweepPlan()
        if detach {
            let id = try plan.map { try launchDetachedSweep(base: base, plan: $0, store: store, config: config) }
                ?? PipelineLauncher.launchDetached(base, store: store, config: config)
            if output.json { try JSONOutput.print(["run_id": id]) } else { print(id) }
            return
        }
        if let plan { return try runSweep(store: store, config: config, base: base, plan: plan) }

        let printer = RunProgressPrinter(live: RunProgressPrinter.stdoutIsTerminal && !output.json, quiet: quiet || output.json)
        var request = PipelineRunRequest(pipeline: pipeline, params: params, dataset: dataset, force: force, noCache: noCache,
                                         trigger: trigger, existingRunID: runId, commandLine: CommandLine.arguments.dropFirst().map(ShellQuoting.quote).joined(separator: " "))
        request.commandLine = "mldeck " + (request.commandLine ?? "")
        if let parallel { request.maxParallel = max(1, parallel) }
        request.registrationDeferred = deferRegister
        let execution = PipelineExecution(store: store, config: config, request: request, observer: { printer.handle($0) })
        let signals = SignalForwarding.install(secondInterruptExits: true) { name, _ in execution.cancel(reason: "cancelled (\(name))") }
        defer { signals.forEach { $0.cancel() } }
        let outcome = try execution.run()
        printer.finish()
        if output.json { try JSONOutput.print(RunSummary.json(outcome)) } else { print(RunSummary.text(outcome)) }
        if outcome.status != .finished { throw ExitCode(1) }
    }

    /// Queues the sweep's parent run and starts `mldeck run … --run-id PARENT` detached.
    func launchDetachedSweep(base: PipelineLauncher.Launch, plan: SweepPlan, store: DeckStore, config: WorkspaceConfig) throws -> String {
        let parent = try PipelineSweep.queueParent(base: base, plan: plan, store: store, config: config)
        var args = PipelineLauncher.arguments(for: base, runID: parent.id, workspace: store.workspace)
        args += plan.options + ["--sweep-parallel", String(sweepParallel), "--quiet"]
        try PipelineLauncher.start(parent, arguments: args, store: store)
        return parent.id
    }

    func runSweep(store: DeckStore, config: WorkspaceConfig, base: PipelineLauncher.Launch, plan: SweepPlan) throws {
        let text = !output.json && !quiet
        let sweepRun = PipelineSweep(store: store, config: config, base: base, plan: plan, concurrency: sweepParallel,
                                     parentRunID: runId) { event in
            guard text else { return }
            switch event {
            case .queued(let parent, let runs): print("sweep \(parent.prefix(8)): \(plan.summary), \(runs.count) runs queued")
            case .started(let id, let params): print("  \(id.prefix(8)) started  \(params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
            case .finished(let id, let status, let metrics):
                print("  \(id.prefix(8)) \(status.rawValue)  " + metrics.sorted { $0.key < $1.key }.prefix(6).map { "\($0.key) \(Formatting.number($0.value))" }.joined(separator: "  "))
            case .registering(let id, let best): print("  \(id.prefix(8)) registering the best child \(best.prefix(8))")
            }
        }
        let signals = SignalForwarding.install(secondInterruptExits: true) { _, _ in sweepRun.cancel() }
        defer { signals.forEach { $0.cancel() } }
        let outcome = try sweepRun.run()
        if output.json {
            try JSONOutput.print(SweepSummary.json(outcome))
        } else {
            print(SweepSummary.text(outcome))
        }
        if outcome.status != .finished { throw ExitCode(1) }
    }
}
