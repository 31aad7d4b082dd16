import Foundation

/// `mldeck bench server`: the figures of issue 14 for `mldeck server`, MLflow's tracking REST API.
/// An MLflow SQLite store of 10,000 runs (10 params, 5 metrics each; made by
/// `scripts/bench/make_mlflow_import_db.py` in MLflow 3.6.0's schema) is imported with
/// `mldeck import mlflow sqlite:///…` into a fresh workspace (timed: the import figure); then
/// `mldeck server --port 0` runs on it in a process of its own, and
/// - wrk (2 threads, 16 keep-alive connections) replays the MLflow client's own request bodies,
///   `scripts/bench/mlflow_log_batch.lua` (1,000 points per request) and
///   `mlflow_log_metric.lua` (one point per request), each on a new run;
/// - runs/search with a metric filter and order, first page of 1,000, is timed as the curl round
///   trip (median after a warm-up);
/// - the MLflow Python client itself (`scripts/bench/mlflow_client_bench.py`) logs end to end,
///   against the server and against `scripts/bench/mlflow_null_server.py`, whose answers cost
///   nothing: the ratio is what the server adds to a script's time (issue: ≤ 1.2× for log_batch).
/// The server's CPU per request is reported beside each load. Needs wrk, curl and a Python with
/// mlflow (`MLDECK_PYTHON`, else the repository's `.build/venv`). `MLDECK_BENCH_SERVER_SECONDS`
/// (default 10), `_REPEATS` (3), `_RUNS` (10,000) and `_SEARCHES` (11) shorten it.
struct ServerBench: BenchSuite {
    let name = "server"
    /// `mlflow server` 3.6.0 under the same wrk bodies (BENCHMARKS.md, issue 14, 30 Nov).
    static let mlflowServer = "mlflow server 3.6.0 (SQLite, --workers 1), same wrk bodies at 4 connections, 30 Nov on this kind of machine (BENCHMARKS.md)"
    static let mlflowPointsPerSecond = 1_120.0
    static let mlflowRequestsPerSecond = 24.1
    static let mlflowSearch = "mlflow server, runs/search over 10,000 runs, first page of 1,000 (issue 14's figure)"
    static let mlflowSearchMilliseconds = 10_800.0

    func run(in directory: String, log: (String) -> Void) throws -> [BenchFigure] {
        let tools = try ServerBenchTools.find()
        let settings = ServerBenchSettings.fromEnvironment()
        let scratch = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let label = settings.runs == 10_000 ? "10k" : "\(settings.runs)"
        log("making an MLflow SQLite store of \(settings.runs) runs (scripts/bench/make_mlflow_import_db.py)…")
        let store = try ServerBenchRun.makeStore(tools, in: scratch, runs: settings.runs)
        let workspace = try ServerBenchRun.makeWorkspace(in: scratch)
        log("mldeck import mlflow sqlite:///… (\(settings.runs) runs)…")
        let imported = try ServerBenchRun.importStore(store, into: workspace)
        var figures = [BenchFigure(suite: name, name: "import_mlflow_sqlite_\(label)_runs_s", value: imported.seconds, unit: "s",
                                   target: settings.runs == 10_000 ? 10 : nil, better: .lower,
                                   note: "wall time of the whole `mldeck import mlflow sqlite:///…` process, \(settings.runs) runs × (10 params, 5 metrics), "
                                       + "fresh workspace; peak \(imported.peakBytes >= 0 ? String(format: "%.0f MB", Double(imported.peakBytes) / 1e6) : "not measured (no GNU time)")")]

        log("starting mldeck server --port 0…")
        let server = try ServeBenchServer(workspace: workspace, command: ["server", "--port", "0"])
        defer { server.stop() }
        let loads = ServerBenchLoads(tools: tools, settings: settings, server: server)
        let conditions = "median of \(settings.repeats) × \(settings.seconds) s, wrk 2 threads, 16 connections on the same cores, a new run each time"

        let batch = try loads.wrk(tools.logBatchLua, label: "runs/log-batch, 1,000 points/request", log: log)
        let batchNote = conditions + "; p50 \(Self.fixed(batch.p50Milliseconds)) ms, p99 \(Self.fixed(batch.p99Milliseconds)) ms; \(batch.errors) non-2xx or socket errors"
        figures.append(BenchFigure(suite: name, name: "log_batch_points_per_s", value: batch.requestsPerSecond * 1000, unit: "points/s", target: 200_000,
                                   better: .higher, reference: Self.mlflowServer, referenceValue: Self.mlflowPointsPerSecond, note: batchNote))
        figures.append(BenchFigure(suite: name, name: "log_batch_server_cpu_ms_per_request", value: batch.cpuMillisecondsPerRequest, unit: "ms",
                                   target: nil, better: .lower, note: "the server's user + system CPU per 1,000-point request"))

        let metric = try loads.wrk(tools.logMetricLua, label: "runs/log-metric, 1 point/request", log: log)
        let metricNote = conditions + "; p50 \(Self.fixed(metric.p50Milliseconds)) ms, p99 \(Self.fixed(metric.p99Milliseconds)) ms; \(metric.errors) non-2xx or socket errors"
        figures.append(BenchFigure(suite: name, name: "log_metric_requests_per_s", value: metric.requestsPerSecond, unit: "requests/s", target: 20_000,
                                   better: .higher, reference: Self.mlflowServer, referenceValue: Self.mlflowRequestsPerSecond, note: metricNote))
        figures.append(BenchFigure(suite: name, name: "log_metric_server_cpu_ms_per_request", value: metric.cpuMillisecondsPerRequest, unit: "ms",
                                   target: nil, better: .lower, note: "the server's user + system CPU per one-point request"))

        let search = try loads.search(scratch: scratch, log: log)
        let sorted = search.milliseconds.sorted()
        figures.append(BenchFigure(suite: name, name: "search_\(label)_first_page_ms", value: BenchClock.median(search.milliseconds), unit: "ms",
                                   target: settings.runs == 10_000 ? 50 : nil, better: .lower,
                                   reference: Self.mlflowSearch, referenceValue: Self.mlflowSearchMilliseconds,
                                   note: "HTTP round trip (curl time_total, a new connection each), median of \(search.milliseconds.count) after 1 warm-up "
                                       + "(min \(Self.fixed(sorted.first ?? .nan)), max \(Self.fixed(sorted.last ?? .nan)) ms); metrics.m1 > 0.5, "
                                       + "order by metrics.m2 DESC, \(search.runsInPage) runs in the page of \(settings.runs)"))
        figures.append(BenchFigure(suite: name, name: "search_server_cpu_ms_per_request", value: search.cpuMillisecondsPerRequest, unit: "ms",
                                   target: nil, better: .lower, note: "the server's user + system CPU per search (answer ~1 MB of JSON)"))

        let client = try loads.client(scratch: scratch, log: log)
        figures += clientFigures(client, settings: settings, version: tools.mlflowVersion)
        return figures
    }

    /// The Python client's figures: what a script sees against `mldeck server`, against the null
    /// server, and the ratio (null ÷ mldeck: how many times longer a call takes for real).
    func clientFigures(_ c: ServerBenchLoads.Client, settings: ServerBenchSettings, version: String) -> [BenchFigure] {
        let conditions = "mlflow \(version) client in one Python process, median of \(settings.repeats) × \(settings.seconds) s, alternating with the null server"
        let null = "the same client against scripts/bench/mlflow_null_server.py (answers at once: the client's own ceiling)"
        return [
            BenchFigure(suite: name, name: "client_log_batch_points_per_s", value: c.logBatchPointsPerSecond, unit: "points/s", target: nil,
                        better: .higher, note: "MlflowClient().log_batch(run_id, metrics=[1,000 Metric]) repeated; " + conditions),
            BenchFigure(suite: name, name: "client_log_batch_null_points_per_s", value: c.nullLogBatchPointsPerSecond, unit: "points/s",
                        target: nil, better: .higher, note: null),
            BenchFigure(suite: name, name: "client_log_batch_vs_null", value: Self.ratio(c.nullLogBatchPointsPerSecond, c.logBatchPointsPerSecond),
                        unit: "×", target: 1.2, better: .lower,
                        note: "null-server points/s ÷ mldeck-server points/s (\(Self.fixed(c.nullLogBatchPointsPerSecond)) / \(Self.fixed(c.logBatchPointsPerSecond)))"),
            BenchFigure(suite: name, name: "client_log_metric_calls_per_s", value: c.logMetricCallsPerSecond, unit: "calls/s", target: nil,
                        better: .higher, note: "mlflow.log_metric one call at a time, in an active run; " + conditions),
            BenchFigure(suite: name, name: "client_log_metric_null_calls_per_s", value: c.nullLogMetricCallsPerSecond, unit: "calls/s",
                        target: nil, better: .higher, note: null),
            BenchFigure(suite: name, name: "client_log_metric_vs_null", value: Self.ratio(c.nullLogMetricCallsPerSecond, c.logMetricCallsPerSecond),
                        unit: "×", target: nil, better: .lower,
                        note: "null-server calls/s ÷ mldeck-server calls/s (\(Self.fixed(c.nullLogMetricCallsPerSecond)) / \(Self.fixed(c.logMetricCallsPerSecond)))"),
        ]
    }

    static func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : .nan }
    static func fixed(_ value: Double) -> String { String(format: "%.2f", value) }
}
