import ArgumentParser
import DeckServe
import DeckStore
import Foundation

/// `mldeck serve NAME[@ALIAS|@VERSION] [--host H] [--port P] [--threads N] [--strict-columns] [--token T] …`:
/// wiring around DeckServe's ``PredictionServer``.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve a model version over HTTP (MLflow's scoring protocol); follows an alias as it moves.",
        discussion: """
        POST /invocations (or /predict) with {"dataframe_split": …}, {"dataframe_records": …}, {"instances": …}, {"inputs": …} or a CSV body (Content-Type: text/csv); POST /feedback; GET /health, /version, /metrics. SIGTERM or `mldeck servers stop` finishes the requests in flight, writes the prediction log and exits 0.
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "NAME@ALIAS (followed as it moves), NAME@VERSION (fixed), or NAME (its production alias, else the latest version).",
              completion: NameCompletion.models) var reference: String
    @Option(name: .long, help: "The address to listen on (default 127.0.0.1; any other needs --token).") var host = "127.0.0.1"
    @Option(name: .long, help: "The port (default 5005; 0 picks a free one).") var port = 5005
    @Option(name: .long, help: "Event-loop threads, which also score (default: one per core).") var threads: Int?
    @Flag(name: .long, help: "Refuse (400) requests with columns the model does not read, instead of ignoring them with a warning.")
    var strictColumns = false
    @Option(name: .long, help: "Require 'Authorization: Bearer T' (or set MLDECK_SERVE_TOKEN). Needed for a non-loopback --host.")
    var token: String?
    @Option(name: .long, help: "Largest request body in bytes (default 16 MiB); larger ones get 413.") var maxBody = 16 << 20
    @Flag(name: .long, help: "Do not log predictions.") var noLog = false
    @Option(name: .long, help: "Log rows queued at most before new ones are dropped (default 100000).") var logQueue = 100_000
    @Option(name: .long, help: "What the prediction log keeps: a row count, an age (30d, 12h) or both (default 1000000,30d).")
    var retention: String?
    @Option(name: .long, help: "Also score the requests with this alias's version, off the request path and only with CPU time to spare (a sample on a saturated server), and log both answers (mldeck models compare-live NAME).")
    var shadow: String?

    func run() async throws {
        guard (0...65_535).contains(port) else { throw ServeSetupError.badPort(port) }
        if let threads, !(1...EventLoopThreads.maximum).contains(threads) { throw ServeSetupError.badOption(name: "threads", value: "\(threads)", expected: "1 to \(EventLoopThreads.maximum)") }
        guard maxBody > 0 else { throw ServeSetupError.badOption(name: "max-body", value: "\(maxBody)", expected: "a positive byte count") }
        guard logQueue > 0 else { throw ServeSetupError.badOption(name: "log-queue", value: "\(logQueue)", expected: "a positive row count") }
        let environment = ProcessInfo.processInfo.environment
        var options = ServeOptions()
        options.host = host; options.port = port; options.threads = threads; options.strictColumns = strictColumns
        options.token = try BindPolicy.token(host: host, given: token, environment: environment)
        options.maxBody = maxBody; options.logPredictions = !noLog; options.logQueue = logQueue
        if let retention { options.retention = try RetentionPolicy(parsing: retention) }
        options.shadowAlias = shadow?.lowercased()
        // Test hook: makes the log writer fall behind (seconds after each write).
        if let delay = environment["MLDECK_SERVE_LOG_DELAY"].flatMap(Double.init), delay.isFinite, delay >= 0, delay < 60 {
            options.logWriteDelay = delay
        }

        let store = try global.openStore()
        var ref = try ModelReference(parsing: reference)
        if !reference.contains("@"), (try? store.modelVersion(model: ref.model, alias: "production")) ?? nil != nil {
            ref = ModelReference(model: ref.model, selector: .alias("production"))
        }
        let version = try store.modelVersion(ref)
        var alias: String?
        if case .alias(let name) = ref.selector { alias = name.lowercased() }
        let server = try PredictionServer(store: store, version: version, alias: alias, options: options)
        let following = alias.map { " (following \(ref.model)@\($0))" } ?? ""
        let shadowing = server.shadow.map { " with shadow \($0.slot.current.version.reference)" } ?? ""
        try await server.run { address in
            FileHandle.standardOutput.write(Data("mldeck serve: \(version.reference)\(following)\(shadowing) on \(address)\n".utf8))
        }
        FileHandle.standardError.write(Data("mldeck serve: stopped\n".utf8))
    }
}
