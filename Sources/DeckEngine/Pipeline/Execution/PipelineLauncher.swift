import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts pipeline runs in processes of their own: `mldeck run PIPELINE --run-id ID`, detached
/// (new session, no terminal) so that closing the dashboard or the shell stops no run. The run
/// is created `QUEUED` first, so its id is known at once; the process takes it over.
public enum PipelineLauncher {
    /// What to launch.
    public struct Launch: Sendable {
        public var pipeline: String
        public var params: [String: String]
        public var dataset: String?
        public var force: Bool
        public var noCache: Bool
        public var trigger: String
        public var parentRunID: String?
        /// Appended to the recorded command as a shell comment (a sweep child records its sweep).
        public var sweepNote: String?
        /// When set, `register` steps are skipped with this reason (`--register best|none` sweeps).
        public var registrationDeferred: String?
        /// Extra tags of the run (a trigger's reason).
        public var tags: [String: String]

        public init(pipeline: String, params: [String: String] = [:], dataset: String? = nil, force: Bool = false,
                    noCache: Bool = false, trigger: String = "manual", parentRunID: String? = nil,
                    sweepNote: String? = nil, registrationDeferred: String? = nil, tags: [String: String] = [:]) {
            self.pipeline = pipeline; self.params = params; self.dataset = dataset; self.force = force
            self.noCache = noCache; self.trigger = trigger; self.parentRunID = parentRunID
            self.sweepNote = sweepNote; self.registrationDeferred = registrationDeferred; self.tags = tags
        }
    }

    /// The `mldeck` executable of this process (`/proc/self/exe`), or `MLDECK_EXECUTABLE`.
    public static var currentExecutable: String {
        if let given = ProcessInfo.processInfo.environment["MLDECK_EXECUTABLE"], !given.isEmpty { return given }
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Creates the QUEUED run of a launch (params: the pipeline's defaults with the overrides),
    /// checking the pipeline and params first.
    public static func queue(_ launch: Launch, store: any TrackingStore, config: WorkspaceConfig, owner: ProcessIdentity? = nil) throws -> RunHandle {
        try queue([launch], store: store, config: config, owner: owner)[0]
    }

    /// Creates several QUEUED runs in one transaction.
    public static func queue(_ launches: [Launch], store: any TrackingStore, config: WorkspaceConfig, owner: ProcessIdentity? = nil) throws -> [RunHandle] {
        let starts = try launches.map { launch -> RunStart in
            guard let pipeline = config.pipeline(launch.pipeline) else {
                throw PipelineRunError.unknownPipeline(launch.pipeline, known: config.pipelines.map(\.name), file: config.file)
            }
            var params = pipeline.paramDictionary
            for (k, v) in launch.params {
                guard params[k] != nil else { throw PipelineRunError.unknownParam(k, known: pipeline.params.map(\.key)) }
                params[k] = v
            }
            // Refuse what the run's own process would refuse, so no run is left QUEUED for ever.
            let problems = PipelineValidator(file: config.file).problems(in: pipeline, overrides: launch.params)
            guard problems.isEmpty else { throw PipelineRunError.invalid(PipelineConfigErrors(problems)) }
            return RunStart(experiment: pipeline.name, status: .queued, command: commandLine(launch), pipeline: pipeline.name,
                            params: params, tags: launch.tags.merging(["mldeck.pipeline": pipeline.name]) { _, fixed in fixed },
                            lineage: RunLineage(parentRunID: launch.parentRunID, trigger: launch.trigger), owner: owner)
        }
        return try store.createRuns(starts)
    }

    /// The arguments of the process that executes a queued run.
    public static func arguments(for launch: Launch, runID: String, workspace: Workspace, executable: String = currentExecutable) -> [String] {
        var args = [executable, "run", launch.pipeline, "--run-id", runID, "--workspace", workspace.root.path, "--trigger", launch.trigger]
        for (k, v) in launch.params.sorted(by: { $0.key < $1.key }) { args += ["-p", "\(k)=\(v)"] }
        if let dataset = launch.dataset { args += ["--dataset", dataset] }
        if launch.force { args.append("--force") }
        if launch.noCache { args.append("--no-cache") }
        if let reason = launch.registrationDeferred { args += ["--defer-register", reason] }
        return args
    }

    /// The command recorded for a launch: `mldeck run PIPELINE -p K=V … [# sweep note]`.
    public static func commandLine(_ launch: Launch) -> String {
        var parts = ["mldeck", "run", launch.pipeline]
        for (k, v) in launch.params.sorted(by: { $0.key < $1.key }) { parts += ["-p", "\(k)=\(v)"] }
        if let dataset = launch.dataset { parts += ["--dataset", dataset] }
        if launch.force { parts.append("--force") }
        if launch.noCache { parts.append("--no-cache") }
        let text = parts.map(ShellQuoting.quote).joined(separator: " ")
        return launch.sweepNote.map { text + "  # " + $0.replacingOccurrences(of: "\n", with: " ") } ?? text
    }

    /// Queues the run and starts its process detached; returns the run id at once. Its console
    /// output goes to `.mldeck/runs/ID/console`.
    @discardableResult
    public static func launchDetached(_ launch: Launch, store: any TrackingStore, config: WorkspaceConfig,
                                      executable: String = currentExecutable) throws -> String {
        let run = try queue(launch, store: store, config: config)
        try start(run, arguments: arguments(for: launch, runID: run.id, workspace: store.workspace, executable: executable), store: store)
        return run.id
    }

    /// Starts the detached process that takes over the QUEUED `run` and records it as the run's
    /// owner, so a process that dies before taking the run over (a crash, `kill -9`, a bad
    /// configuration) leaves a `FAILED` run with the reason, not a `QUEUED` one: the reaper of the
    /// next store open marks it, or this process when it is still alive then (the dashboard).
    public static func start(_ run: RunHandle, arguments: [String], store: any TrackingStore) throws {
        let directory = store.workspace.runDirectory(run.id)
        let console = directory.appendingPathComponent("console")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let pid = try spawnDetached(arguments, console: console.path, directory: store.workspace.root.path)
            // Fails the run if the process ended while the run was still QUEUED.
            let reap: @Sendable () -> Void = {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                if let record = try? store.resolveRun(run.id), record.status == .queued {
                    let code = (status & 0x7f) == 0 ? "exit status \((status >> 8) & 0xff)" : "signal \(status & 0x7f)"
                    _ = try? store.finishRun(run, status: .failed,
                                             reason: "its process (pid \(pid)) ended with \(code) before starting the run; see \(console.path)")
                }
            }
            if let owner = ProcessIdentity.of(pid: pid) {
                try? store.setQueuedRunOwner(run, owner: owner)
                // Reap it if this process lives longer than the run (the dashboard).
                Thread { reap() }.start()
            } else {
                reap()  // it has already ended (a zombie): reap it and fail the run now
            }
        } catch {
            _ = try? store.finishRun(run, status: .failed, reason: "cannot start the run's process: \(error)")
            throw error
        }
    }

    /// Starts a process in a new session with stdin from /dev/null and output to `console`.
    static func spawnDetached(_ arguments: [String], console: String, directory: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, console, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        try ChildProcess.setDirectory(&actions, directory)
        ChildProcess.closeOtherDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(); sigemptyset(&noSignals)
        var allSignals = sigset_t(); sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        #if os(Linux)
        let setsid: Int32 = 0x80  // POSIX_SPAWN_SETSID (glibc 2.26+)
        #else
        let setsid: Int32 = 0x0400
        #endif
        posix_spawnattr_setflags(&attributes, Int16(setsid | Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)))
        var environment = ProcessInfo.processInfo.environment
        environment["MLDECK_DETACHED"] = "1"
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard code == 0 else { throw ChildProcess.SpawnError.failed(command: arguments[0], errno: code) }
        return pid
    }
}
