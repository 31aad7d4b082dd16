import DeckEngine
import DeckStore
import Foundation

/// What the Alerts pane shows, read off the UI thread: every alert, open ones first then the
/// past ones, each group newest first; and for each model the pipeline that retrains it.
public struct AlertsData: Sendable {
    public var alerts: [AlertRecord]
    /// Model → the pipeline `r` starts: the one whose `drift` trigger names the model, else the
    /// one whose `register` step registers it.
    public var retrainPipelines: [String: String]

    /// How many alerts are open.
    public var openCount: Int { alerts.filter(\.isOpen).count }

    /// Reads the alerts (at most `limit`) and, when `mldeck.yaml` reads, the retrain pipelines.
    public static func load(from store: DeckStore, limit: Int = 500) throws -> AlertsData {
        let all = try store.alerts(AlertQuery())
        let ordered = all.filter(\.isOpen) + all.filter { !$0.isOpen }
        let config = try? PipelineEnvironment.loadConfig(store.workspace)
        var retrain: [String: String] = [:]
        for model in Set(all.map(\.model)) {
            if let config, let name = retrainPipeline(for: model, in: config) { retrain[model] = name }
        }
        return AlertsData(alerts: Array(ordered.prefix(limit)), retrainPipelines: retrain)
    }

    /// The pipeline that retrains `model` (see ``retrainPipelines``).
    static func retrainPipeline(for model: String, in config: WorkspaceConfig) -> String? {
        if let p = config.pipelines.first(where: { p in p.triggers.contains { $0.on == "drift" && $0.options["model"] == model } }) {
            return p.name
        }
        return config.pipelines.first { p in
            p.steps.contains { $0.action == .builtin("register") && $0.argument("model")?.text == model }
        }?.name
    }
}

extension AlertRecord {
    /// `churn-model@3` or the model alone.
    var subjectText: String { version.map { "\(model) v\($0)" } ?? model }

    /// The drifted features, highest score first, as `tenure 0.31, monthly_charges 0.22`.
    var driftedSummary: String {
        let drifted = features.filter(\.drifted).sorted { ($0.score ?? 0) > ($1.score ?? 0) }
        guard !drifted.isEmpty else { return message }
        return drifted.map { f in f.score.map { "\(f.name) \(DisplayFormat.number($0))" } ?? f.name }.joined(separator: ", ")
    }

    /// `open`, `acknowledged`, `resolved`.
    var stateText: String { !isOpen ? "resolved" : (isAcknowledged ? "acknowledged" : "open") }

    /// The colour of the severity.
    var severitySlot: ThemeSlot {
        switch severity {
        case .critical: return .severityCritical
        case .warning: return .severityWarning
        case .info: return .severityInfo
        }
    }
}
