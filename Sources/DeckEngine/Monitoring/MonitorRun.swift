import DeckStore
import Foundation

/// One `mldeck monitor` invocation — or one pass of the agent — from a model name to judged
/// windows, alert changes and notifications. The command line and the agent call this; the
/// rules are in ``ModelMonitor``, ``DriftAlertPolicy``, ``QualityMonitor`` and ``AlertNotifier``.
public enum MonitorRun {
    /// The monitoring sections of the workspace's `mldeck.yaml` (empty when there is no file).
    public static func configuration(_ workspace: Workspace) throws -> MonitoringConfig {
        guard FileManager.default.fileExists(atPath: workspace.configURL.path) else { return MonitoringConfig() }
        let config = try PipelineEnvironment.loadConfig(workspace)
        return try MonitorSpecParser(file: config.file).parse(config)
    }

    /// Checks `model` (`NAME`, `NAME@V`, `NAME@ALIAS`) over the batch file, or over its logged
    /// predictions when `batch` is nil, with its declared monitor (or the defaults).
    public static func check(_ model: String, batch: String?, store: any WorkspaceStore, config: MonitoringConfig,
                             now: Double = Date().timeIntervalSince1970) throws -> MonitorResult {
        let reference = try ModelReference(parsing: model)
        let spec = config.monitor(reference.model) ?? MonitorSpec(model: reference.model)
        let monitor = ModelMonitor(store: store, spec: spec)
        if let batch {
            return try monitor.checkBatch(try monitor.version(for: reference), file: batch, now: now)
        }
        let log = try openLog(store.workspace)
        let logged = try log.latestVersion(model: reference.model)
        if logged == nil, case .latest = reference.selector, try store.modelVersion(model: reference.model, alias: spec.alias) == nil {
            _ = try store.modelVersions(reference.model)  // an unknown model says so first
            throw MonitorError.noPredictions(model: reference.model)
        }
        return try monitor.checkPredictions(try monitor.version(for: reference, loggedVersion: logged), log: log, now: now)
    }

    /// Checks every declared monitor over its logged predictions (what the agent runs each
    /// cycle); a model without logged predictions is skipped, not an error.
    public static func checkAll(store: any WorkspaceStore, config: MonitoringConfig,
                                now: Double = Date().timeIntervalSince1970) throws -> [MonitorResult] {
        guard FileManager.default.fileExists(atPath: PredictionLog.url(in: store.workspace).path) else { return [] }
        var results: [MonitorResult] = []
        for spec in config.monitors {
            do {
                results.append(try check(spec.model, batch: nil, store: store, config: config, now: now))
            } catch MonitorError.noPredictions {
                continue
            }
        }
        return results
    }

    /// Runs `on_alert:` for every notification owed — the alerts this check opened or escalated,
    /// and any an earlier process was killed before running (``AlertOutbox``) — and waits for the
    /// commands; failures are logged, never thrown.
    public static func notify(config: MonitoringConfig, store: any WorkspaceStore,
                              log: @escaping @Sendable (String) -> Void = { _ in }) -> [NotificationOutcome] {
        AlertOutbox(store: store, log: log).deliverAndWait(config.onAlert)
    }

    static func openLog(_ workspace: Workspace) throws -> PredictionLog {
        let url = PredictionLog.url(in: workspace)
        guard FileManager.default.fileExists(atPath: url.path) else { throw MonitorError.noPredictionLog(path: url.path) }
        return try PredictionLog.open(path: url.path)
    }
}
