import DeckStore
import Foundation

/// ``TriggerAlertSource`` over the workspace's alert store: `drift` and `quality` triggers fire on
/// new alerts of severity `warning` or above (an `info` alert is history, not a reason to retrain);
/// a failed triggered run raises `run_failed`, a firing that could not start its run `trigger_failed`
/// (both `critical`, about the pipeline).
public struct StoreTriggerAlerts: TriggerAlertSource {
    let store: any AlertStore
    /// How many recent alerts of a model are looked at per check.
    var window = 50

    public init(store: any AlertStore) { self.store = store }

    func recent(kind: String, model: String) throws -> [AlertRecord] {
        guard let kind = AlertKind(rawValue: kind) else { return [] }
        return try store.alerts(AlertQuery(model: model, kind: kind, limit: window)).filter { $0.severity >= .warning }
    }

    public func newestAlertID(kind: String, model: String) throws -> Int64? {
        try recent(kind: kind, model: model).map(\.id).max()
    }

    public func alerts(kind: String, model: String, after id: Int64) throws -> [TriggerAlert] {
        try recent(kind: kind, model: model).filter { $0.id > id }.sorted { $0.id < $1.id }.map {
            TriggerAlert(id: $0.id, summary: "\($0.severity.rawValue) \($0.kind.rawValue) on \($0.model)\($0.version.map { " v\($0)" } ?? ""): \($0.message)")
        }
    }

    public func raiseRunFailed(pipeline: String, runID: String, trigger: String, reason: String) throws {
        try store.raiseAlert(NewAlert(kind: .runFailed, severity: .critical, model: pipeline, version: nil, window: "run \(runID.prefix(8))",
                                      message: "the run that trigger \(trigger) started failed: \(reason)", runID: runID))
    }

    public func raiseTriggerFailed(pipeline: String, trigger: String, reason: String) throws {
        try store.raiseAlert(NewAlert(kind: .triggerFailed, severity: .critical, model: pipeline, version: nil, window: "trigger \(trigger)",
                                      message: "trigger \(trigger) could not start the pipeline: \(reason)"))
    }
}
