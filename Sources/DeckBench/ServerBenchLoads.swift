import DeckEngine
import Foundation

/// The server suite's measurements against a running `mldeck server`: wrk loads with the MLflow
/// client's own request bodies, the runs/search round trip, and the Python client end to end
/// beside a null server. Each returns raw numbers; ``ServerBench`` turns them into figures.
struct ServerBenchLoads {
    let tools: ServerBenchTools
    let settings: ServerBenchSettings
    let server: ServeBenchServer

    /// One wrk load: medians over the repeats (a new run each time, so no step repeats).
    struct Load {
        var requestsPerSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        /// The server's user + system CPU per request, in milliseconds (median over the repeats).
        var cpuMillisecondsPerRequest: Double
        /// Non-2xx answers and socket errors over every repeat.
        var errors: Int
    }

    /// `script` (one of scripts/bench/mlflow_*.lua) under wrk, 2 threads, 16 connections.
    func wrk(_ script: URL, label: String, log: (String) -> Void) throws -> Load {
        var results: [ServeBenchWrk.Result] = [], cpu: [Double] = []
        for k in 1...settings.repeats {
            let run = try ServerBenchRun.newRun(server.address)
            log("\(label), 16 connections, \(settings.seconds) s (\(k) of \(settings.repeats))…")
            let before = server.cpuSeconds()
            let result = try ServeBenchWrk.run(tools.wrk, script: script.path, url: server.address, seconds: settings.seconds,
                                               environment: ["RUN_ID": run])
            let requests = result.requestsPerSecond * Double(settings.seconds)
            cpu.append(requests > 0 ? (server.cpuSeconds() - before) / requests * 1000 : .nan)
            results.append(result)
        }
        return Load(requestsPerSecond: BenchClock.median(results.map(\.requestsPerSecond)),
                    p50Milliseconds: BenchClock.median(results.map(\.p50)) * 1000, p99Milliseconds: BenchClock.median(results.map(\.p99)) * 1000,
                    cpuMillisecondsPerRequest: BenchClock.median(cpu), errors: results.reduce(0) { $0 + $1.non2xx + $1.socketErrors })
    }

    /// The runs/search round trips.
    struct Search {
        /// Each timed round trip (curl's `time_total`), in milliseconds.
        var milliseconds: [Double]
        /// Runs in the first page's answer.
        var runsInPage: Int
        var cpuMillisecondsPerRequest: Double
    }

    /// runs/search over the experiment "bench" with `metrics.m1 > 0.5`, ordered by `metrics.m2 DESC`,
    /// first page of 1,000 (the body of scripts/bench/mlflow_server_bench.sh): one warm-up request,
    /// then `settings.searches` timed ones, each a new curl process (a new connection, as the script).
    func search(scratch: URL, log: (String) -> Void) throws -> Search {
        let named = try ServerBenchRun.checked(["curl", "-sS", "-f", "--max-time", "60",
                                                server.address + "/api/2.0/mlflow/experiments/get-by-name?experiment_name=bench"],
                                               failure: "experiments/get-by-name?experiment_name=bench failed (was the store imported?)")
        guard let object = try? JSONSerialization.jsonObject(with: Data(named.utf8)) as? [String: Any],
              let experiment = (object["experiment"] as? [String: Any])?["experiment_id"] as? String else {
            throw ServeBenchError("experiments/get-by-name answered no experiment.experiment_id: \(named.prefix(300))")
        }
        let body = #"{"experiment_ids":["\#(experiment)"],"filter":"metrics.m1 > 0.5","order_by":["metrics.m2 DESC"],"max_results":1000}"#
        let page = scratch.appendingPathComponent("search-page.json")
        func roundTrip() throws -> Double {
            let text = try ServerBenchRun.checked(["curl", "-sS", "-f", "--max-time", "120", "-o", page.path, "-w", "%{time_total}\n",
                                                   "-X", "POST", "-H", "Content-Type: application/json", "-d", body,
                                                   server.address + "/api/2.0/mlflow/runs/search"], failure: "runs/search failed")
            guard let seconds = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw ServeBenchError("curl gave no time for runs/search: \(text.prefix(300))")
            }
            return seconds * 1000
        }
        log("runs/search, metric filter and order, first page of 1,000: 1 warm-up + \(settings.searches) timed…")
        _ = try roundTrip()
        let before = server.cpuSeconds()
        let times = try (0..<settings.searches).map { _ in try roundTrip() }
        let cpu = (server.cpuSeconds() - before) / Double(settings.searches) * 1000
        let runs = try Self.checkedPage(try Data(contentsOf: page), body: body)
        return Search(milliseconds: times, runsInPage: runs, cpuMillisecondsPerRequest: cpu)
    }

    /// The number of runs in a runs/search answer, once it is seen to answer the query: every
    /// run has `m1 > 0.5`, `m2` never increases down the page, and a page of fewer than 1,000
    /// runs has no `next_page_token` (so a timed answer is never a wrong or truncated one).
    static func checkedPage(_ data: Data, body: String) throws -> Int {
        guard let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let runs = answer["runs"] as? [[String: Any]], !runs.isEmpty else {
            throw ServeBenchError("runs/search answered no runs for \(body)")
        }
        var previous = Double.infinity
        for (k, run) in runs.enumerated() {
            let metrics = ((run["data"] as? [String: Any])?["metrics"] as? [[String: Any]]) ?? []
            func value(_ key: String) -> Double? { (metrics.first { $0["key"] as? String == key }?["value"] as? NSNumber)?.doubleValue }
            guard let m1 = value("m1"), let m2 = value("m2"), m1 > 0.5, m2 <= previous else {
                throw ServeBenchError("runs/search answer, run \(k + 1) of \(runs.count): not m1 > 0.5 in m2 DESC order (m1 \(value("m1") ?? .nan), m2 \(value("m2") ?? .nan) after \(previous))")
            }
            previous = m2
        }
        if runs.count < 1000, let token = answer["next_page_token"] as? String, !token.isEmpty {
            throw ServeBenchError("runs/search answered \(runs.count) runs of max_results 1000 and a next_page_token")
        }
        return runs.count
    }

    /// What `scripts/bench/mlflow_client_bench.py` saw, medians over the repeats.
    struct Client {
        var logBatchPointsPerSecond: Double
        var logMetricCallsPerSecond: Double
        var nullLogBatchPointsPerSecond: Double
        var nullLogMetricCallsPerSecond: Double
    }

    /// The MLflow Python client end to end (`MlflowClient().log_batch` of 1,000 `Metric`s per call,
    /// `mlflow.log_metric` one call at a time), against this server and against
    /// `scripts/bench/mlflow_null_server.py` (answers at once: the client's own ceiling),
    /// alternating so both see the same machine.
    func client(scratch: URL, log: (String) -> Void) throws -> Client {
        log("starting scripts/bench/mlflow_null_server.py…")
        let null = try ServeBenchServer(arguments: [tools.python, tools.nullServerScript.path, "--port", "0"], directory: scratch.path)
        defer { null.stop() }
        var ours: [[String: Double]] = [], ceiling: [[String: Double]] = []
        for k in 1...settings.repeats {
            log("MLflow client end to end, mldeck server then null server, \(settings.seconds) s per call kind (\(k) of \(settings.repeats))…")
            ours.append(try clientRun(server.address))
            ceiling.append(try clientRun(null.address))
        }
        func median(_ runs: [[String: Double]], _ key: String) -> Double { BenchClock.median(runs.compactMap { $0[key] }) }
        return Client(logBatchPointsPerSecond: median(ours, "log_batch_points_per_s"), logMetricCallsPerSecond: median(ours, "log_metric_calls_per_s"),
                      nullLogBatchPointsPerSecond: median(ceiling, "log_batch_points_per_s"),
                      nullLogMetricCallsPerSecond: median(ceiling, "log_metric_calls_per_s"))
    }

    /// One run of the client script; the numbers of the JSON object it prints last (its last line starting with `{`).
    private func clientRun(_ address: String) throws -> [String: Double] {
        let text = try ServerBenchRun.checked([tools.python, tools.clientScript.path, address, "--seconds", "\(settings.seconds)"],
                                              failure: "mlflow_client_bench.py against \(address) failed")
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ServeBenchError("mlflow_client_bench.py printed no JSON line: \(text.suffix(300))")
        }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}
