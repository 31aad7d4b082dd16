import DeckEngine

/// The header's badges: who runs the triggers, running runs, open alerts and the prediction endpoint's state.
/// Alerts show `–` until monitoring provides them; the endpoint comes from the server registry
/// (``ServerSnapshot/headerText(previous:)``), `–` until its first read.
public struct HeaderStatus: Sendable, Equatable {
    public var runningRuns: Int
    /// Open drift / quality alerts, nil when monitoring is not available.
    public var openAlerts: Int?
    /// `127.0.0.1:5005 churn-model v3 · 12 req/s`, `2 endpoints`, `none`; nil until the registry was read.
    public var endpoint: String?
    /// Who holds the workspace's trigger-runner lease as this dashboard's runner saw it; nil when
    /// the dashboard runs no triggers (read-only, headless): then no badge.
    public var triggers: RunnerLeaseState?

    public init(runningRuns: Int = 0, openAlerts: Int? = nil, endpoint: String? = nil, triggers: RunnerLeaseState? = nil) {
        self.runningRuns = runningRuns; self.openAlerts = openAlerts; self.endpoint = endpoint; self.triggers = triggers
    }

    /// Pane indices the counts link to (a click on the badge opens the pane).
    static let runsPane = 0, alertsPane = 4

    /// The badges, left to right (the leftmost is dropped first on a narrow screen).
    public var badges: [Badge] {
        var out: [Badge] = []
        if let triggers { out.append(triggers.badge) }
        out.append(runningRuns > 0 ? Badge("● \(runningRuns) running", slot: .statusRunning, pane: Self.runsPane)
                                   : Badge("0 running", slot: .textDim, pane: Self.runsPane))
        if let a = openAlerts {
            out.append(a > 0 ? Badge("▲ \(a) alert\(a == 1 ? "" : "s")", slot: .severityWarning, pane: Self.alertsPane)
                             : Badge("0 alerts", slot: .textDim, pane: Self.alertsPane))
        } else {
            out.append(Badge("alerts –", slot: .textDim))
        }
        out.append(Badge("endpoint \(endpoint ?? "–")", slot: endpoint.map { $0 != "none" } == true ? .success : .textDim))
        return out
    }
}
