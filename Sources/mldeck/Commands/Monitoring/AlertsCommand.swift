import ArgumentParser
import DeckEngine
import DeckStore
import Foundation

/// `mldeck alerts list|show|ack`: drift, quality and failure alerts.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "List, show and acknowledge alerts (drift, quality, failed runs and triggers).",
        subcommands: [AlertsList.self, AlertsShow.self, AlertsAck.self], defaultSubcommand: AlertsList.self)
}

/// `mldeck alerts list [--open] [--model NAME] [--json]`
struct AlertsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Alerts, newest first.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .long, help: "Only alerts that are not resolved.") var open = false
    @Option(name: .long, help: "Only this model's (or pipeline's) alerts.") var model: String?
    @Option(name: .long, help: "At most this many.") var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more") }
    }

    func run() throws {
        let alerts = try global.openStore().alerts(AlertQuery(openOnly: open, model: model, limit: limit))
        if output.json { return try JSONOutput.print(alerts) }
        print(AlertText.list(alerts))
    }
}

/// `mldeck alerts show ID [--json]`
struct AlertsShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One alert: its features by score and reference-vs-current histograms.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The alert's id (see `mldeck alerts list`).") var id: Int64

    func run() throws {
        let alert = try global.openStore().alert(id: id)
        if output.json { return try JSONOutput.print(alert) }
        print(AlertText.show(alert))
    }
}

/// `mldeck alerts ack ID [--note TEXT] [--json]`
struct AlertsAck: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an alert (who and when are recorded, with a note).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The alert's id (see `mldeck alerts list`).") var id: Int64
    @Option(name: .long, help: "Why, or what is being done.") var note: String?

    func run() throws {
        let alert = try global.openStore().acknowledgeAlert(id: id, note: note)
        if output.json { return try JSONOutput.print(alert) }
        print("Acknowledged alert \(alert.id) (\(alert.severity.rawValue) \(alert.kind.rawValue) on \(alert.subject)) as \(alert.acknowledgedBy ?? "-").")
    }
}
