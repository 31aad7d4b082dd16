import ArgumentParser
import DeckEngine
import DeckStore
import Foundation

/// `mldeck agent`: runs the workspace's triggers (and monitors) headless until SIGTERM / SIGINT.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Run triggers and monitors headless (one runner per workspace; stop with SIGTERM or Ctrl-C).")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Seconds between rounds (default 1).") var interval: Double = 1
    @Flag(name: .long, help: "Do one round and exit (for scripts).") var once = false

    func run() throws {
        guard interval.isFinite, interval >= 0.05, interval <= 3600 else {
            throw ValidationError("--interval: expected seconds from 0.05 to 3600, found \(interval)")
        }
        let store = try global.openStore()
        try store.requireWritable()
        let reloader = ConfigReloader(workspace: store.workspace)
        _ = try reloader.current()   // a broken mldeck.yaml at start is an error, not a silent agent
        let log = AgentLog()
        reloader.log = log.write
        let engine = TriggerEngine(store: store, launcher: DetachedTriggerLauncher(store: store),
                                   alerts: AgentWiring.alertSource(store), configProvider: reloader.current)
        engine.log = log.write
        let runner = TriggerRunner(store: store, engine: engine, role: "agent")
        runner.interval = interval
        runner.log = log.write
        runner.tasks = AgentWiring.tasks(store, log: log)
        if once {
            let held = runner.round()
            if held { try? store.releaseRunnerLease(holder: runner.holder) }
            if !held { throw ExitCode(1) }
            return
        }
        log.write("agent started in \(store.workspace.root.path) (pid \(getpid()))")
        let signals = SignalForwarding.install { name, _ in
            log.write("\(name): stopping")
            runner.stop()
        }
        runner.run()
        signals.forEach { $0.cancel() }
        log.write("agent stopped")
    }
}

/// The agent's log: one line per event with the time, on standard output, unbuffered.
final class AgentLog: @unchecked Sendable {  // `write` is serialised by `lock`
    private let lock = NSLock()
    func write(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardOutput.write(Data("\(Formatting.time(Date().timeIntervalSince1970))  \(line)\n".utf8))
    }
}

/// What the agent runs besides triggers: the alert source for `drift` / `quality` triggers and
/// the monitors (wired here when the alerts area is present).
enum AgentWiring {
    static func alertSource(_ store: DeckStore) -> (any TriggerAlertSource)? { StoreTriggerAlerts(store: store) }
    static func tasks(_ store: DeckStore, log agentLog: AgentLog) -> [() throws -> Void] {
        let log: @Sendable (String) -> Void = { agentLog.write($0) }
        // Runs whose process died (a `kill -9`ed `mldeck run`) are marked FAILED every 10 s, as a
        // store open would, so a dead triggered run does not hold its pipeline's next firing for ever.
        var lastReap = Date.distantPast
        let reap: () throws -> Void = {
            guard Date().timeIntervalSince(lastReap) >= 10 else { return }
            lastReap = Date()
            let reaped = try RunReaper(store: store).reap()
            if reaped > 0 { log("marked \(reaped) run(s) FAILED: their process is gone") }
            for server in ServerRegistry(workspace: store.workspace).reapDead(store: store) {
                log("server \(server.address) (\(server.model)) is gone: its deployment ended at its last heartbeat")
            }
        }
        // The monitors of mldeck.yaml over the endpoint's logged predictions: a drifted window
        // raises an alert (which a `drift` trigger then fires on), `on_alert:` runs off the round.
        let monitors = MonitorPass(store: store, log: log)
        let monitor: () throws -> Void = {
            for result in try monitors.tick() {
                for change in result.alerts where change.shouldNotify {
                    log("alert #\(change.alert.id) \(change.alert.severity.rawValue) \(change.alert.kind.rawValue) on \(change.alert.subject)")
                }
            }
        }
        return [reap, monitor]
    }
}
