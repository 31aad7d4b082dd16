import ArgumentParser
import DeckEngine
import DeckServe
import DeckStore
import Foundation

/// `mldeck server [--host H] [--port P] [--token T] [--threads N]`: wiring around DeckServe's ``MLflowServer``.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server", abstract: "Serve MLflow's tracking REST API on the workspace, so MLflow scripts log into MLDeck unchanged.",
        discussion: """
        MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python train.py records its runs as ordinary MLDeck runs (the dashboard shows them live). Endpoints: /api/2.0/mlflow/… (experiments, runs, metrics) and the mlflow-artifacts proxy. SIGTERM finishes the requests in flight and exits 0.
        """)

    /// The environment variable that gives the token when `--token` is not given.
    static let tokenVariable = "MLDECK_SERVER_TOKEN"

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "The address to listen on (default 127.0.0.1; any other needs --token).") var host = "127.0.0.1"
    @Option(name: .long, help: "The port (default 5000; 0 picks a free one).") var port = 5000
    @Option(name: .long, help: "Require 'Authorization: Bearer T' (or set MLDECK_SERVER_TOKEN); MLflow clients send it from MLFLOW_TRACKING_TOKEN. Needed for a non-loopback --host.")
    var token: String?
    @Option(name: .long, help: "Largest JSON request body in bytes (default 16 MiB); artifacts are streamed and not limited.") var maxBody = 16 << 20

    @Option(name: .long, help: "Event-loop threads, which also answer the logging calls (default: half the cores, at least 1).") var threads: Int?

    @Option(name: .long, help: "Mark RUNNING MLflow runs with no call for this long FAILED (e.g. 2h, 30m, 90s; off by default); a later call for the run revives it.")
    var inactiveAfter: String?

    func run() async throws {
        guard (0...65_535).contains(port) else { throw ServeSetupError.badPort(port) }
        if let threads, !(1...EventLoopThreads.maximum).contains(threads) {
            throw ServeSetupError.badOption(name: "threads", value: "\(threads)", expected: "1 to \(EventLoopThreads.maximum)")
        }
        guard maxBody > 0 else { throw ServeSetupError.badOption(name: "max-body", value: "\(maxBody)", expected: "a positive byte count") }
        let given = token ?? ProcessInfo.processInfo.environment[Self.tokenVariable]
        if (given ?? "").isEmpty && !BindPolicy.isLoopback(host) { throw MLflowServerSetupError.tokenRequired(host: host) }
        let bearer = try BindPolicy.token(host: host, given: given, environment: [:])
        var inactive: Double?
        if let text = inactiveAfter {
            guard let seconds = DurationText.seconds(text), seconds > 0, seconds <= 1e9 else {
                throw ServeSetupError.badOption(name: "inactive-after", value: text, expected: "a duration such as 2h, 30m, 90s (more than 0)")
            }
            inactive = seconds
        }
        let store = try global.openStore()
        let server = try MLflowServer(store: store, host: host, port: port, token: bearer, maxBody: maxBody, inactiveAfter: inactive, threads: threads)
        try await server.run { address in
            FileHandle.standardOutput.write(Data("mldeck server: MLflow tracking API on \(address) (MLFLOW_TRACKING_URI=\(address))\n".utf8))
        }
        FileHandle.standardError.write(Data("mldeck server: stopped\n".utf8))
    }
}
