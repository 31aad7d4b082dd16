import ArgumentParser
import DeckStore
import Foundation

/// `mldeck runs log RUN --metric k=v[@step] --param k=v --tag k=v`
struct RunsLog: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "Log metrics, params and tags to a run (for scripts).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id, unique id prefix, or name.", valueName: "run"), completion: NameCompletion.runs) var runReference: String
    @Option(name: .long, help: "KEY=VALUE[@STEP] (repeatable).") var metric: [String] = []
    @Option(name: .long, help: "KEY=VALUE (repeatable).") var param: [String] = []
    @Option(name: .long, help: "KEY=VALUE (repeatable).") var tag: [String] = []
    @Option(name: .long, help: "A file to store as an artifact (repeatable).") var artifact: [String] = []

    func run() throws {
        let store = try global.openStore()
        let handle = try store.handle(for: runReference)
        let now = Date().timeIntervalSince1970
        var points: [MetricPoint] = []
        for (key, text) in try KeyValue.parse(metric, option: "--metric").sorted(by: { $0.key < $1.key }) {
            var valueText = Substring(text), step: Int64 = 0
            if let at = text.lastIndex(of: "@") {
                guard let s = Int64(text[text.index(after: at)...]) else { throw ValidationError("--metric \(key)=\(text): the step after @ must be a whole number") }
                step = s; valueText = text[..<at]
            }
            guard let value = Double(valueText) else { throw TrackingError.invalidValue(key: key, value: String(valueText)) }
            points.append(MetricPoint(key: key, value: value, step: step, timestamp: now))
        }
        try store.logMetrics(points, run: handle)
        try store.logParams(try KeyValue.parse(param, option: "--param"), run: handle)
        try store.setTags(try KeyValue.parse(tag, option: "--tag"), run: handle)
        for path in artifact {
            try store.logArtifact(run: handle, path: URL(fileURLWithPath: path).lastPathComponent, file: URL(fileURLWithPath: path))
        }
        // A sign of life: if the script dies without `runs end`, the run ends here, not at its start.
        if !store.isReadOnly { RunActivity.touch(handle.id, in: store.workspace) }
    }
}

/// `mldeck runs create [--name N] [--experiment E] [--owner-pid PID]` — starts a run for a script to log to; prints its id.
///
/// The run is owned by the process that called mldeck (the script), unless `--owner-pid` names
/// another: when the owner dies without `mldeck runs end`, the next mldeck command marks the run
/// FAILED, ending at its last activity.
struct RunsCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a run for a script to log to; prints its id.",
        discussion: "The run belongs to the calling process (the script): if it dies without `mldeck runs end`, the run is marked FAILED. --owner-pid PID chooses another owner; --owner-pid 0 makes a run without an owner, which stays RUNNING until `mldeck runs end`.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long) var name: String?
    @Option(name: .long) var experiment = "Default"
    @Option(name: [.customShort("p"), .long], help: "KEY=VALUE (repeatable).") var param: [String] = []
    @Option(name: .customLong("owner-pid"), help: "The process that owns the run (default: the one that called mldeck; 0: none).")
    var ownerPID: Int32?

    func run() throws {
        let owner = try Self.owner(ownerPID)
        let store = try global.openStore()
        let handle = try store.createRun(RunStart(name: name, experiment: experiment, params: try KeyValue.parse(param, option: "-p"), owner: owner))
        print(handle.id)
    }

    /// The owner identity: the parent process by default, none for 0, else the given live process.
    static func owner(_ pid: Int32?) throws -> ProcessIdentity? {
        guard let pid else { return ProcessIdentity.of(pid: getppid()) }
        if pid == 0 { return nil }
        guard pid > 0, let identity = ProcessIdentity.of(pid: pid) else {
            throw ValidationError("--owner-pid \(pid): no such process is running on this machine (give the pid of a live process, or 0 for a run without an owner)")
        }
        return identity
    }
}

/// `mldeck runs end RUN [--status FINISHED|FAILED|KILLED]`
struct RunsEnd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "end", abstract: "End a run created with `runs create`.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id, unique id prefix, or name.", valueName: "run"), completion: NameCompletion.runs) var runReference: String
    @Option(name: .long) var status = "FINISHED"

    func run() throws {
        guard let final = RunStatus(rawValue: status.uppercased()), final.isFinal else {
            throw ValidationError("--status must be FINISHED, FAILED or KILLED")
        }
        let store = try global.openStore()
        let handle = try store.handle(for: runReference)
        if try !store.finishRun(handle, status: final) {
            throw TrackingError.runEnded(run: handle.id, status: try store.resolveRun(handle.id).status)
        }
    }
}
