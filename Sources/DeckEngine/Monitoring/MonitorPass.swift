import DeckStore
import Foundation

/// The monitors' share of a runner's round (`mldeck agent`, or the dashboard while it runs
/// monitors): checks every declared monitor over the logged predictions when the log changed
/// since the last round (or `mldeck.yaml` did), resolves the open alerts of versions a monitor's
/// alias moved away from (``SupersededAlerts``), and runs the `on_alert:` notifications owed
/// (``AlertOutbox``: new or escalated alerts, and those a killed process left) on threads of
/// their own, so a slow webhook never holds the round up. Give one instance the runner's
/// lifetime; hand ``tick(now:)`` to the runner's list of tasks.
public final class MonitorPass: @unchecked Sendable {
    public let store: any WorkspaceStore
    /// Called with one line per notification failure or per monitor that could not run.
    public let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var configStamp: Date?
    private var config = MonitoringConfig()
    private var logStamp: (predictions: Int, feedback: Int)?
    private let outbox: AlertOutbox

    public init(store: any WorkspaceStore, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.log = log
        outbox = AlertOutbox(store: store, log: log)
    }

    /// One round: the results of the monitors it ran (empty when nothing changed).
    @discardableResult
    public func tick(now: Double = Date().timeIntervalSince1970) throws -> [MonitorResult] {
        lock.lock(); defer { lock.unlock() }
        let configChanged = try reloadConfig(store.workspace)
        guard !config.monitors.isEmpty else { return [] }
        let results = try checkMonitors(configChanged: configChanged, now: now)
        // Every round, not only when the log changed: what this round raised, and what a killed
        // process owed (see AlertOutbox).
        outbox.deliver(config.onAlert, now: now)
        return results
    }

    private func checkMonitors(configChanged: Bool, now: Double) throws -> [MonitorResult] {
        let workspace = store.workspace
        resolveSuperseded(now: now)
        let url = PredictionLog.url(in: workspace)
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let counts = try PredictionLog.open(path: url.path).counts()
        if !configChanged, let last = logStamp, last.predictions == counts.predictions, last.feedback == counts.feedback { return [] }
        logStamp = (counts.predictions, counts.feedback)
        var results: [MonitorResult] = []
        for spec in config.monitors {
            do {
                results.append(try MonitorRun.check(spec.model, batch: nil, store: store, config: config, now: now))
            } catch MonitorError.noPredictions {
                continue
            } catch {
                log("monitor \(spec.model): \(error)")
            }
        }
        return results
    }

    /// Resolves the open alerts of versions the monitors' aliases moved away from (checked every
    /// round: a promotion logs no prediction, so it cannot wait for the log to change).
    private func resolveSuperseded(now: Double) {
        for spec in config.monitors {
            do {
                for change in try SupersededAlerts.resolve(model: spec.model, alias: spec.alias, store: store, now: now) {
                    log("alert #\(change.alert.id) \(change.alert.kind.rawValue) on \(change.alert.subject) resolved: \(change.alert.resolvedReason ?? "superseded")")
                }
            } catch {
                log("monitor \(spec.model): cannot resolve the alerts of superseded versions: \(error)")
            }
        }
    }

    /// Waits for the notification commands started so far (at most `timeout` seconds); true when all ended.
    @discardableResult
    public func waitForNotifications(timeout: Double) -> Bool {
        outbox.wait(timeout: timeout)
    }

    /// Re-reads the monitoring sections when `mldeck.yaml` changed; true when it did.
    private func reloadConfig(_ workspace: Workspace) throws -> Bool {
        let modified = (try? FileManager.default.attributesOfItem(atPath: workspace.configURL.path))?[.modificationDate] as? Date
        if modified == configStamp, configStamp != nil || modified == nil { return false }
        config = try MonitorRun.configuration(workspace)
        configStamp = modified
        return true
    }
}
