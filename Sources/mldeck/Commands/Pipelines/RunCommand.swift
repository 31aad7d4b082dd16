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
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The pipeline (see mldeck pipelines list).", completion: NameCompletion.pipelines) var pipeline: String
    @Option(name: [.customShort("p"), .customLong("param")], help: "Override a param: KEY=VALUE (repeatable).") var param: [String] = []
    @Option(name: .long, help: "Pin the dataset: NAME@VERSION (or NAME, or a data file).") var dataset: String?
    @Option(name: .long, help: "Sweep a param: KEY=V1,V2,… (repeatable; the grid runs as QUEUED runs under a parent).") var sweep: [String] = []
    @Option(name: .long, help: "Sweep runs executing at once.") var sweepParallel: Int = 1
    @Option(name: .long, help: "Steps running side by side at most (default: the number of cores).") var parallel: Int?
    @Flag(name: .long, help: "Start the run in the background and print its id.") var detach = false
    @Flag(name: .long, help: "Run every step even when it is cached.") var force = false
    @Flag(name: .long, help: "Neither read nor write the step cache.") var noCache = false
    @Flag(name: .long, help: "Print only the summary.") var quiet = false
    @Option(name: .long, help: .hidden) var runId: String?
    @Option(name: .long, help: .hidden) var trigger: String = "manual"

    func validate() throws {
        _ = try KeyValue.parse(param, option: "-p")
        if detach && !sweep.isEmpty { throw ValidationError("--detach and --sweep cannot be combined yet; run the sweep in its own terminal") }
        if sweepParallel < 1 { throw ValidationError("--sweep-parallel must be at least 1") }
    }

    func run() throws {
        let trace = ProcessInfo.processInfo.environment["MLDECK_TRACE_TIMING"] != nil
        let t0 = Date()
        let store = try global.openStore()
        if trace { FileHandle.standardError.write(Data(String(format: "store opened %.2f ms\n", Date().timeIntervalSince(t0) * 1000).utf8)) }
        let config = try PipelineEnvironment.loadConfig(store.workspace)
        if trace { FileHandle.standardError.write(Data(String(format: "config loaded %.2f ms\n", Date().timeIntervalSince(t0) * 1000).utf8)) }
        let params = try KeyValue.parse(param, option: "-p")
        if detach {
            let id = try PipelineLauncher.launchDetached(.init(pipeline: pipeline, params: params, dataset: dataset, force: force,
                                                               noCache: noCache, trigger: trigger), store: store, config: config)
            if output.json { try JSONOutput.print(["run_id": id]) } else { print(id) }
            return
        }
        if !sweep.isEmpty { return try runSweep(store: store, config: config, params: params) }

        let printer = RunProgressPrinter(live: RunProgressPrinter.stdoutIsTerminal && !output.json, quiet: quiet || output.json)
        var request = PipelineRunRequest(pipeline: pipeline, params: params, dataset: dataset, force: force, noCache: noCache,
                                         trigger: trigger, existingRunID: runId, commandLine: CommandLine.arguments.dropFirst().map(ShellQuoting.quote).joined(separator: " "))
        request.commandLine = "mldeck " + (request.commandLine ?? "")
        if let parallel { request.maxParallel = max(1, parallel) }
        let execution = PipelineExecution(store: store, config: config, request: request, observer: { printer.handle($0) })
        let signals = SignalForwarding.install { name in execution.cancel(reason: "cancelled (\(name))") }
        defer { signals.forEach { $0.cancel() } }
        let outcome = try execution.run()
        printer.finish()
        if output.json { try JSONOutput.print(RunSummary.json(outcome)) } else { print(RunSummary.text(outcome)) }
        if outcome.status != .finished { throw ExitCode(1) }
    }

    func runSweep(store: DeckStore, config: WorkspaceConfig, params: [String: String]) throws {
        let axes = try sweep.map(PipelineSweep.Axis.parse)
        let json = output.json
        let sweepRun = PipelineSweep(store: store, config: config,
                                     base: .init(pipeline: pipeline, params: params, dataset: dataset, force: force, noCache: noCache, trigger: trigger),
                                     axes: axes, concurrency: sweepParallel) { event in
            guard !json else { return }
            switch event {
            case .queued(let parent, let runs): print("sweep \(parent.prefix(8)): \(runs.count) runs queued")
            case .started(let id, let params): print("  \(id.prefix(8)) started  \(params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
            case .finished(let id, let status, let metrics):
                print("  \(id.prefix(8)) \(status.rawValue)  " + metrics.sorted { $0.key < $1.key }.prefix(6).map { "\($0.key) \(Formatting.number($0.value))" }.joined(separator: "  "))
            }
        }
        let signals = SignalForwarding.install { _ in sweepRun.cancel() }
        defer { signals.forEach { $0.cancel() } }
        let outcome = try sweepRun.run()
        if json {
            struct Row: Encodable { var run_id: String; var params: [String: String]; var status: RunStatus; var metrics: [String: Double] }
            struct Out: Encodable { var parent_run_id: String; var status: RunStatus; var runs: [Row] }
            try JSONOutput.print(Out(parent_run_id: outcome.parentRunID, status: outcome.status,
                                     runs: outcome.runs.map { Row(run_id: $0.id, params: $0.params, status: $0.status, metrics: $0.metrics) }))
        } else {
            print("sweep \(outcome.parentRunID.prefix(8)) \(outcome.status.rawValue): compare with mldeck runs list --filter \"params.\(axes[0].name) != ''\"")
        }
        if outcome.status != .finished { throw ExitCode(1) }
    }
}

/// SIGINT, SIGTERM and SIGHUP handed to a closure (first signal: graceful stop; a second SIGINT
/// exits at once).
enum SignalForwarding {
    static func install(_ handler: @escaping @Sendable (String) -> Void) -> [DispatchSourceSignal] {
        let names: [Int32: String] = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"]
        let count = SignalCounter()
        // A parent may have started us with these blocked (Foundation's Process does): unblock them.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&unblock, sig) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        return [SIGINT, SIGTERM, SIGHUP].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if count.next() > 1 && sig == SIGINT {
                    FileHandle.standardError.write(Data("mldeck: interrupted again; exiting\n".utf8))
                    exit(130)
                }
                handler(names[sig] ?? "signal \(sig)")
            }
            source.resume()
            return source
        }
    }
}

final class SignalCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}
