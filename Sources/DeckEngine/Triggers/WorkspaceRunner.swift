import DeckStore
import Foundation

/// The workspace's runner as `mldeck agent` and the dashboard both build it: the trigger engine
/// over `mldeck.yaml` (re-read each round), starting runs as detached `mldeck run` processes, with
/// the alert store as the source of `drift` / `quality` firings; and, each round while it holds
/// the lease, the reaping of dead runs and the monitors (``MonitorPass``). One implementation, so
/// whichever of the two holds the lease does the same work.
public enum WorkspaceRunner {
    /// A runner for `store` in `role` (`agent` or `dashboard`), logging through `log`.
    /// - Parameter requireConfig: read `mldeck.yaml` once now and throw its error (the agent);
    ///   the dashboard starts anyway and keeps re-reading it each round.
    public static func make(store: DeckStore, role: String, interval: Double = 1, requireConfig: Bool = true,
                            executable: String = PipelineLauncher.currentExecutable,
                            log: @escaping @Sendable (String) -> Void) throws -> TriggerRunner {
        let reloader = ConfigReloader(workspace: store.workspace)
        if requireConfig { _ = try reloader.current() }   // a broken mldeck.yaml at start is an error, not a silent agent
        reloader.log = log
        let engine = TriggerEngine(store: store, launcher: DetachedTriggerLauncher(store: store, executable: executable),
                                   alerts: StoreTriggerAlerts(store: store), configProvider: reloader.current)
        engine.log = log
        let runner = TriggerRunner(store: store, engine: engine, role: role)
        runner.interval = interval
        runner.renewEvery = 5   // a third of the 15 s lease: fewer writes for open dashboards to notice
        runner.log = log
        runner.tasks = tasks(store, log: log)
        return runner
    }

    /// The work besides triggers done each round while holding the lease.
    static func tasks(_ store: DeckStore, log: @escaping @Sendable (String) -> Void) -> [() throws -> Void] {
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
