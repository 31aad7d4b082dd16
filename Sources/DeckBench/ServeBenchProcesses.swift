import DeckEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An mldeck server in a process of its own: `mldeck serve churn-model@production --port 0` for the
/// serve suite, `mldeck server --port 0` (the MLflow tracking API) for the server suite. Its
/// address is read from the line it prints when listening ("… on http://HOST:PORT …").
final class ServeBenchServer: @unchecked Sendable {
    let child: ChildProcess
    let address: String
    private let output = LockedText()

    /// `mldeck serve churn-model@production --port 0`.
    /// - Parameter extra: more `mldeck serve` arguments (e.g. `--shadow staging`).
    convenience init(workspace: URL, extra: [String] = []) throws {
        try self.init(workspace: workspace, command: ["serve", "churn-model@production", "--port", "0"] + extra)
    }

    /// `mldeck COMMAND… --workspace WORKSPACE`, in `workspace`; `command` must make it listen on a
    /// free port and print its address (e.g. `["server", "--port", "0"]`).
    convenience init(workspace: URL, command: [String]) throws {
        try self.init(arguments: [BenchClock.executablePath] + command + ["--workspace", workspace.path], directory: workspace.path)
    }

    /// Any server program (`arguments[0]` searched in PATH) that prints "… on http://HOST:PORT"
    /// and a line end once it listens (e.g. `scripts/bench/mlflow_null_server.py`).
    init(arguments: [String], directory: String) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_WAIT_POLICY"] = "passive"
        let command = URL(fileURLWithPath: arguments.first ?? "?").lastPathComponent + " " + (arguments.dropFirst().first ?? "")
        child = try ChildProcess(arguments: arguments, environment: environment, directory: directory)
        let child = self.child, output = self.output
        Thread.detachNewThread { child.drainOutput { output.append(String(decoding: $0, as: UTF8.self)) } }
        let deadline = BenchClock.now() + 120
        var found: String?
        while BenchClock.now() < deadline {
            if let range = output.text.range(of: " on http://") {
                let rest = output.text[range.upperBound...]
                if rest.contains("\n") { found = "http://" + rest.prefix { !$0.isWhitespace }; break }
            }
            if kill(child.pid, 0) != 0 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else {
            child.signalGroup(SIGKILL)
            throw ServeBenchError("\(command) did not start: \(output.text.suffix(500))")
        }
        address = found
    }

    /// The server's user + system CPU seconds so far.
    func cpuSeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(child.pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return .nan }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Rows logged and dropped, from `GET /metrics`.
    func metrics() -> (logged: Double, dropped: Double) {
        (metric("mldeck_serve_predictions_logged_total"), metric("mldeck_serve_prediction_log_dropped_total"))
    }

    /// One sample of `GET /metrics` (the whole line's name, labels included), NaN when missing.
    func metric(_ name: String) -> Double {
        guard let text = try? ServeBenchWrk.capture(["curl", "-s", "--max-time", "10", address + "/metrics"]) else { return .nan }
        return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? .nan
    }

    /// SIGTERM (a graceful stop: the log is written), then waits.
    func stop() {
        kill(child.pid, SIGTERM)
        _ = child.wait()
    }
}

/// Text appended from one thread and read from another.
final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    var text: String { lock.lock(); defer { lock.unlock() }; return value }
    func append(_ s: String) { lock.lock(); value += s; lock.unlock() }
}

/// Runs `wrk` and reads its report.
enum ServeBenchWrk {
    struct Result {
        var requestsPerSecond: Double
        /// Seconds.
        var p50: Double
        var p99: Double
        var non2xx: Int
        var socketErrors: Int
    }

    static func script(body: String) -> String {
        // A Lua long string holds the body as it is (JSON has no "]==]").
        "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [==[" + body + "]==]\n"
    }

    /// `wrk -t2 -c16 --latency` for `seconds` with the Lua `script`; `environment` is added to
    /// ours (e.g. `RUN_ID` for the MLflow scripts).
    static func run(_ wrk: String, script: String, url: String, seconds: Int, environment: [String: String] = [:]) throws -> Result {
        let text = try capture([wrk, "-t2", "-c16", "-d\(seconds)s", "--latency", "-s", script, url], environment: environment)
        guard let result = parse(text) else { throw ServeBenchError("cannot read wrk's report:\n\(text)") }
        return result
    }

    /// Reads `Requests/sec`, the 50% and 99% latency lines, non-2xx and socket errors.
    static func parse(_ text: String) -> Result? {
        var rps: Double?, p50: Double?, p99: Double?, non2xx = 0, socketErrors = 0
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if line.hasPrefix("Requests/sec:"), parts.count >= 2 { rps = Double(parts[1]) }
            if line.hasPrefix("50%"), parts.count >= 2 { p50 = duration(parts[1]) }
            if line.hasPrefix("99%"), parts.count >= 2 { p99 = duration(parts[1]) }
            if line.hasPrefix("Non-2xx or 3xx responses:"), let n = parts.last.flatMap({ Int($0) }) { non2xx = n }
            if line.hasPrefix("Socket errors:") {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                socketErrors = parts.compactMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }.reduce(0, +)
            }
        }
        guard let rps, let p50, let p99 else { return nil }
        return Result(requestsPerSecond: rps, p50: p50, p99: p99, non2xx: non2xx, socketErrors: socketErrors)
    }

    /// `812.00us`, `1.23ms`, `2.00s` in seconds.
    static func duration(_ text: String) -> Double? {
        for (suffix, scale) in [("us", 1e-6), ("ms", 1e-3), ("m", 60.0), ("s", 1.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }

    /// Runs a command and returns its output (stdout and stderr); `environment` is added to ours.
    static func capture(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let child = try ChildProcess(arguments: arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { _, b in b })
        var data = Data()
        child.drainOutput { data.append(contentsOf: $0) }
        _ = child.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
