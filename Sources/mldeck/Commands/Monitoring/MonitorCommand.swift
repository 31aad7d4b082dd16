import ArgumentParser
import DeckEngine
import DeckStore
import Foundation

/// `mldeck monitor NAME[@ALIAS] [--batch FILE] [--json]`
struct MonitorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor", abstract: "Check a model for drift (and quality) and raise or resolve its alerts.",
        discussion: """
        With --batch FILE, compares the file (CSV, TSV, JSON Lines) with the model version's reference
        (its training split). Without it, judges the newest window of the endpoint's logged predictions
        (`monitors:` in mldeck.yaml sets the window, tests, thresholds, drift_share and quality floor);
        a window holds one model version only. A drifted window raises an alert (critical when the
        dataset drifts, warning when some features do) unless the same one is already open; a clean
        window resolves it. New alerts run the `on_alert:` command.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The model: NAME (its monitor's alias, default production), NAME@VERSION or NAME@ALIAS.", valueName: "model"))
    var model: String
    @Option(name: .long, help: ArgumentHelp("A batch file to check instead of the logged predictions.", valueName: "file")) var batch: String?

    func run() throws {
        let store = try global.openStore()
        let config = try MonitorRun.configuration(store.workspace)
        let result = try MonitorRun.check(model, batch: batch, store: store, config: config)
        let notifications = MonitorRun.notify(config: config, store: store) { line in
            FileHandle.standardError.write(Data("mldeck: warning: \(line)\n".utf8))
        }
        if output.json {
            struct Out: Encodable { var result: MonitorResult; var notifications: [NotificationOutcome] }
            return try JSONOutput.print(Out(result: result, notifications: notifications))
        }
        print("\(result.model)@\(result.version): \(result.window) vs \(result.reference)")
        if let report = result.drift {
            print("")
            print(DriftText.render(report, reference: "reference", current: result.source == "batch" ? (batch ?? "batch") : "window"))
        }
        if let note = result.note { print("note: \(note)") }
        if let q = result.quality {
            let bound = (q.higherIsBetter ? "floor " : "ceiling ") + DriftText.number(q.bound)
            print("Quality: \(q.metric) " + (q.value.map(DriftText.number) ?? "-") + " (\(bound), \(q.labeled) labeled)" + (q.note.map { " — \($0)" } ?? ""))
        }
        if result.alerts.isEmpty { print("Alerts: none raised or resolved.") }
        for change in result.alerts {
            print("Alert \(change.alert.id) \(change.action.rawValue): \(change.alert.severity.rawValue) \(change.alert.kind.rawValue) — \(change.alert.message)")
        }
    }
}
