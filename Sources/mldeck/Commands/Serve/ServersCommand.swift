import ArgumentParser
import DeckServe
import DeckStore
import Foundation

/// `mldeck servers list|stop`: the workspace's running prediction servers.
struct ServersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servers", abstract: "List or stop the running prediction servers of this workspace.",
        subcommands: [ServersList.self, ServersStop.self], defaultSubcommand: ServersList.self)
}

/// `mldeck servers list [--json]`
struct ServersList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Address, model, version, since and requests of each running server.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let workspace = try Workspace.locate(explicit: global.workspace)
        let registry = ServerRegistry(workspace: workspace)
        if let store = try? DeckStore.open(workspace) { registry.reapDead(store: store) }   // ends the deployments of killed servers
        let servers = registry.list()
        if output.json {
            struct Out: Encodable {
                var address: String; var model: String; var alias: String?; var version: Int; var since: String
                var requests: Int; var pid: Int32
            }
            let iso = ISO8601DateFormatter()
            return try JSONOutput.print(servers.map {
                Out(address: $0.address, model: $0.model, alias: $0.alias, version: $0.version,
                    since: iso.string(from: Date(timeIntervalSince1970: $0.since)), requests: $0.requests, pid: $0.pid)
            })
        }
        if servers.isEmpty { print("No servers running (start one with `mldeck serve MODEL@ALIAS`)."); return }
        let rows = [["ADDRESS", "MODEL", "VERSION", "SINCE", "REQUESTS"]] + servers.map {
            [$0.address, $0.model + ($0.alias.map { "@\($0)" } ?? ""), "\($0.version)",
             TimeText.localTime($0.since) ?? "-", "\($0.requests)"]
        }
        let widths = (0..<5).map { c in rows.map { $0[c].count }.max() ?? 0 }
        for row in rows {
            print(row.enumerated().map { c, cell in c == 4 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }
}

/// `mldeck servers stop ADDRESS|all`
struct ServersStop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop a server gracefully (it answers its requests in flight and writes its log first).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "http://HOST:PORT, HOST:PORT, PORT, or all.") var address: String
    @Option(name: .long, help: "Seconds to wait for each server to end (default 30).") var timeout: Double = 30

    func run() throws {
        guard timeout.isFinite, timeout > 0, timeout <= 3600 else { throw ServeSetupError.badOption(name: "timeout", value: "\(timeout)", expected: "seconds between 0 and 3600") }
        let registry = ServerRegistry(workspace: try Workspace.locate(explicit: global.workspace))
        let entries = try registry.matching(address)
        if entries.isEmpty { print("No servers running."); return }
        for entry in entries {
            try registry.stop(entry, timeout: timeout)
            print("Stopped \(entry.address) (\(entry.model)@\(entry.version)).")
        }
    }
}
