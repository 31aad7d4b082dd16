import DeckStore
import Foundation

/// The prediction servers of the workspace as the dashboard shows them: one read of the server
/// registry (`.mldeck/servers/`, made off the UI thread) turned into the header's endpoint badge
/// and the Models pane's deployment text.
public struct ServerSnapshot: Sendable, Equatable {
    /// The live servers (entries of dead processes are left out).
    public var servers: [ServerEntry]
    /// When the registry was read (seconds, on the caller's clock: only differences count).
    public var time: Double

    public init(servers: [ServerEntry], time: Double) { self.servers = servers; self.time = time }

    /// Reads the registry of `workspace` (touches the disk: call it off the UI thread).
    public static func read(_ workspace: Workspace, time: Double) -> ServerSnapshot {
        ServerSnapshot(servers: ServerRegistry(workspace: workspace).list(), time: time)
    }

    /// Reads the registry of the store's workspace, first ending the deployments of servers found
    /// dead and pruning their entries (``ServerRegistry/reapDead(store:)``; writes the store: call
    /// it off the UI thread, as the dashboard's loader does).
    public static func read(_ store: DeckStore, time: Double) -> ServerSnapshot {
        let registry = ServerRegistry(workspace: store.workspace)
        registry.reapDead(store: store)
        return ServerSnapshot(servers: registry.list(), time: time)
    }

    /// Requests per second over all servers since `previous`, from the change of each server's
    /// request count (servers update it every second); nil without an earlier read of a server.
    public func requestsPerSecond(since previous: ServerSnapshot?) -> Double? {
        guard let previous, time > previous.time else { return nil }
        var total = 0.0, matched = false
        for s in servers {
            guard let p = previous.servers.first(where: { $0.address == s.address && $0.pid == s.pid && $0.started == s.started }) else { continue }
            matched = true
            total += Double(max(0, s.requests - p.requests)) / (time - previous.time)
        }
        return matched ? total : nil
    }

    /// The header badge's text: `127.0.0.1:5005 churn-model v3 · 12 req/s`, `2 endpoints · 30 req/s`,
    /// or `none` when no server runs.
    public func headerText(previous: ServerSnapshot?) -> String {
        guard let first = servers.first else { return "none" }
        let rate = requestsPerSecond(since: previous).map { " · \(Self.rateText($0)) req/s" } ?? ""
        if servers.count > 1 { return "\(servers.count) endpoints\(rate)" }
        return "\(Self.hostPort(first)) \(first.model) v\(first.version)\(rate)"
    }

    /// The deployment of `model`: `v3 on 127.0.0.1:5005 (production)`, one part per server; nil when none serves it.
    public func deployment(of model: String) -> String? {
        let parts = servers.filter { $0.model == model }.map { s in
            "v\(s.version) on \(Self.hostPort(s))" + (s.alias.map { " (\($0))" } ?? "")
        }
        return parts.isEmpty ? nil : "serving " + parts.joined(separator: ", ")
    }

    /// The addresses serving `version` of `model`.
    public func addresses(serving model: String, version: Int) -> [String] {
        servers.filter { $0.model == model && $0.version == version }.map(Self.hostPort)
    }

    /// `127.0.0.1:5005` from `http://127.0.0.1:5005`.
    static func hostPort(_ s: ServerEntry) -> String {
        s.address.hasPrefix("http://") ? String(s.address.dropFirst(7)) : s.address
    }

    static func rateText(_ r: Double) -> String {
        r >= 10 || r == 0 ? String(format: "%.0f", r.rounded()) : String(format: "%.1f", r)
    }
}
