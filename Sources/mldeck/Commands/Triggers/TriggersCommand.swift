import ArgumentParser
import DeckEngine
import DeckStore
import Foundation

/// `mldeck triggers list`: each trigger of `mldeck.yaml`, its last and next firing and why.
struct TriggersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triggers", abstract: "Show the triggers of mldeck.yaml: last and next firing, and why.",
        subcommands: [TriggersList.self], defaultSubcommand: TriggersList.self)
}

/// `mldeck triggers list [--json]`
struct TriggersList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Each trigger with its last firing, its next firing and why.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    struct Runner: Encodable {
        var role: String; var pid: Int32; var host: String; var heartbeat_at: Double; var expires_at: Double; var alive: Bool
    }
    struct Out: Encodable { var runner: Runner?; var triggers: [TriggerStatus] }

    func run() throws {
        let store = try global.openStore()
        let config = try PipelineEnvironment.loadConfig(store.workspace)
        let now = Date()
        let rows = try TriggerStatusReport.build(config: config, store: store, now: now)
        let lease = try store.runnerLease()
        let alive = lease.map { !$0.isTakeable(now: now.timeIntervalSince1970) } ?? false
        if output.json {
            let runner = lease.map { Runner(role: $0.role, pid: $0.pid, host: $0.host, heartbeat_at: $0.heartbeatAt, expires_at: $0.expiresAt, alive: alive) }
            return try JSONOutput.print(Out(runner: runner, triggers: rows))
        }
        if let lease, alive {
            print("Runner: \(lease.role) pid \(lease.pid) on \(lease.host), since \(Formatting.time(lease.acquiredAt)).")
        } else {
            print("No runner is up: triggers fire only while `mldeck agent` (or the dashboard) runs.")
        }
        if rows.isEmpty { print("No triggers in \(config.file) (add `triggers:` to a pipeline)."); return }
        var table = TextTable(headers: ["PIPELINE", "TRIGGER", "STATE", "LAST FIRED", "NEXT"])
        for r in rows {
            let last = r.lastFiredAt.map { Formatting.time($0) + (r.lastRunID.map { " → run \($0.prefix(8)) \(r.lastRunStatus ?? "")" } ?? "") } ?? "never"
            table.add([r.pipeline, r.trigger, r.state, last, r.next])
        }
        print(table.render())
        for r in rows where r.lastReason != nil { print("  \(r.pipeline) \(r.on): last fired because \(r.lastReason ?? "")") }
    }
}
