import DeckStore
import Foundation

/// When a monitor's alias (`production`) moves away from a model version, the open drift and
/// quality alerts of the old version describe a model that no longer serves: they are resolved
/// as superseded, as Alertmanager resolves an alert whose source stopped reporting it. The new
/// version starts with a clean slate and its own windows (a window never mixes versions).
public enum SupersededAlerts {
    /// The alert kinds that belong to one served version.
    static let kinds: Set<AlertKind> = [.drift, .quality]

    /// Resolves the open drift and quality alerts of `model` whose version is not the one `alias`
    /// points at now; nothing while the alias points at no version. Returns what it resolved.
    @discardableResult
    public static func resolve(model: String, alias: String, store: any WorkspaceStore,
                               now: Double = Date().timeIntervalSince1970) throws -> [AlertChange] {
        guard let current = try store.modelVersion(model: model, alias: alias) else { return [] }
        let stale = try store.alerts(AlertQuery(openOnly: true, model: model)).filter {
            kinds.contains($0.kind) && $0.version != nil && $0.version != current.version
        }
        var done: Set<String> = []
        var changes: [AlertChange] = []
        for alert in stale.sorted(by: { $0.id < $1.id }) {
            guard let version = alert.version, done.insert("\(alert.kind.rawValue)@\(version)").inserted else { continue }
            let reason = "superseded: \(model)@\(alias) moved from version \(version) to version \(current.version)"
            changes += try store.resolveAlerts(kind: alert.kind, model: model, version: version, reason: reason, now: now)
                .map { AlertChange(action: .resolved, alert: $0) }
        }
        return changes
    }
}
