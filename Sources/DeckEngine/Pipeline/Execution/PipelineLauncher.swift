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

        public init(pipeline: String, params: [String: String] = [:], dataset: String? = nil, force: Bool = false,
                    noCache: Bool = false, trigger: String = "manual", parentRunID: String? = nil) {
            self.pipeline = pipeline; self.params = params; self.dataset = dataset; self.force = force
            self.noCache = noCache; self.trigger = trigger; self.parentRunID = parentRunID
        }
    }

    /// The `mldeck` executable of this process (`/proc/self/exe`), or `MLDECK_EXECUTABLE`.
    public static var currentExecutable: String {
        if let given = ProcessInfo.processInfo.environment["MLDECK_EXECUTABLE"], !given.isEmpty { return given }
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Creates the QUEUED run of a launch (params: the pipeline's defaults with the overrides),
    /// checking the pipeline and params first.
    public static func queue(_ launch: Launch, store: DeckStore, config: WorkspaceConfig, owner: ProcessIdentity? = nil) throws -> RunHandle {
        try queue([launch], store: store, config: config, owner: owner)[0]
    }

    /// Creates several QUEUED runs in one transaction.
    public static func queue(_ launches: [Launch], store: DeckStore, config: WorkspaceConfig, owner: ProcessIdentity? = nil) throws -> [RunHandle] {
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
                            params: params, tags: ["mldeck.pipeline": pipeline.name],
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
        return args
    }

    static func commandLine(_ launch: Launch) -> String {
        var parts = ["mldeck", "run", launch.pipeline]
        for (k, v) in launch.params.sorted(by: { $0.key < $1.key }) { parts += ["-p", "\(k)=\(v)"] }
        if let dataset = launch.dataset { parts += ["--dataset", dataset] }
        return parts.map(ShellQuoting.quote).joined(separator: " ")
    }

    /// Queues the run and starts its process detached; returns the run id at once. Its console
    /// output goes to `.mldeck/runs/ID/console`.
    @discardableResult
    public static func launchDetached(_ launch: Launch, store: DeckStore, config: WorkspaceConfig,
                                      executable: String = currentExecutable) throws -> String {
        let run = try queue(launch, store: store, config: config)
        let directory = store.workspace.runDirectory(run.id)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            let pid = try spawnDetached(arguments(for: launch, runID: run.id, workspace: store.workspace, executable: executable),
                                        console: directory.appendingPathComponent("console").path, directory: store.workspace.root.path)
            // Reap it if this process lives longer than the run (the dashboard).
            Thread { var status: Int32 = 0; while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }.start()
        } catch {
            _ = try? store.finishRun(run, status: .failed, reason: "cannot start the run's process: \(error)")
            throw error
        }
        return run.id
    }

    /// Starts a process in a new session with stdin from /dev/null and output to `console`.
    static func spawnDetached(_ arguments: [String], console: String, directory: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, console, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
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
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(directory)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        var pid: pid_t = 0
        let code = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard code == 0 else { throw ChildProcess.SpawnError.failed(command: arguments[0], errno: code) }
        return pid
    }
}
