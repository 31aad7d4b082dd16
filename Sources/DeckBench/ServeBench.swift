import DeckEngine
import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `mldeck bench serve`: the prediction endpoint under `wrk` on the same machine. A churn model
/// with its full preprocessing (7,043 generated customers with the columns of `wa_churn.csv`,
/// one-hot categories, 200 trees of depth 6) is served by `mldeck serve` (this executable, in
/// a process of its own, prediction logging on); `wrk` sends `dataframe_split` JSON of 1 row, of
/// 100 rows and of 1,000 rows (issue 11's batch figure) per request over 16 connections. Each load runs `repeats` times; the figures are
/// medians. The server's CPU and the prediction-log rows it dropped are reported beside them.
/// Then the single-row load again, alternating between that server and a second one started with
/// `--shadow staging` (a second version), for the shadow's p99 ratio (issue 11: ≤ 1.1×); and
/// once more while `production` moves 3 times (hot swap: zero non-2xx expected).
/// `MLDECK_BENCH_SERVE_SECONDS` (default 20) and `MLDECK_BENCH_SERVE_REPEATS` (default 3) shorten it.
struct ServeBench: BenchSuite {
    let name = "serve"
    /// `mlflow models serve` on this kind of machine (the issue's figure: uvicorn, 2 workers, a
    /// scikit-learn logistic regression, single-row JSON, 16 connections, 20 s with wrk).
    static let mlflowReference = "mlflow models serve (uvicorn, 2 workers, sklearn logistic regression), wrk 16 connections, issue 11's figure on this kind of machine"
    static let mlflowRequestsPerSecond = 447.0
    static let mlflowP99Milliseconds = 111.0

    func run(in directory: String, log: (String) -> Void) throws -> [BenchFigure] {
        guard let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile) else {
            throw ServeBenchError("wrk is not installed (apt-get install wrk): the serve suite measures with it")
        }
        let environment = ProcessInfo.processInfo.environment
        let seconds = environment["MLDECK_BENCH_SERVE_SECONDS"].flatMap { Int($0) }.map { min(max($0, 2), 600) } ?? 20
        let repeats = environment["MLDECK_BENCH_SERVE_REPEATS"].flatMap { Int($0) }.map { min(max($0, 1), 9) } ?? 3
        log("training the churn model (7,043 rows, 200 trees of depth 6)…")
        let root = try ServeBenchWorkspace.make(in: directory)
        let bodies = try ServeBenchWorkspace.bodies(root, sizes: [1, 100, 1_000])
        log("starting mldeck serve churn-model@production…")
        let server = try ServeBenchServer(workspace: root)
        defer { server.stop() }
        var figures: [BenchFigure] = []
        var droppedByLoad: [String] = []
        for (rows, body) in bodies {
            let droppedBefore = server.metrics().dropped
            let script = root.appendingPathComponent("post-\(rows).lua")
            try ServeBenchWrk.script(body: body).write(to: script, atomically: true, encoding: .utf8)
            var results: [ServeBenchWrk.Result] = []
            var cpu: [Double] = []
            for k in 1...repeats {
                log("\(rows)-row JSON, 16 connections, \(seconds) s (\(k) of \(repeats))…")
                let before = server.cpuSeconds()
                let result = try ServeBenchWrk.run(wrk, script: script.path, url: server.address + "/invocations", seconds: seconds)
                cpu.append((server.cpuSeconds() - before) / Double(seconds))
                results.append(result)
            }
            droppedByLoad.append("\(rows)-row: \(Int64(server.metrics().dropped - droppedBefore))")
            let rps = BenchClock.median(results.map(\.requestsPerSecond))
            let p50 = BenchClock.median(results.map(\.p50)) * 1000, p99 = BenchClock.median(results.map(\.p99)) * 1000
            let errors = results.reduce(0) { $0 + $1.non2xx + $1.socketErrors }
            let conditions = "median of \(repeats) × \(seconds) s, 16 connections, logging on; \(errors) non-2xx or socket errors in all runs"
            if rows == 1 {
                figures.append(BenchFigure(suite: name, name: "single_row_requests_per_s", value: rps, unit: "requests/s", target: 20_000,
                                           better: .higher, reference: Self.mlflowReference, referenceValue: Self.mlflowRequestsPerSecond, note: conditions))
                figures.append(BenchFigure(suite: name, name: "single_row_p50_ms", value: p50, unit: "ms", target: nil, better: .lower, note: conditions))
                figures.append(BenchFigure(suite: name, name: "single_row_p99_ms", value: p99, unit: "ms", target: 5, better: .lower,
                                           reference: Self.mlflowReference, referenceValue: Self.mlflowP99Milliseconds, note: conditions))
                figures.append(BenchFigure(suite: name, name: "single_row_server_cpu_cores", value: BenchClock.median(cpu), unit: "cores",
                                           target: nil, better: .lower, note: "the server's user + system CPU seconds per second (wrk runs on the same cores)"))
            } else {
                figures.append(BenchFigure(suite: name, name: "rows_\(rows)_requests_per_s", value: rps, unit: "requests/s", target: nil,
                                           better: .higher, note: conditions))
                figures.append(BenchFigure(suite: name, name: "rows_\(rows)_rows_per_s", value: rps * Double(rows), unit: "rows/s", target: nil,
                                           better: .higher, note: conditions))
                figures.append(BenchFigure(suite: name, name: "rows_\(rows)_p50_ms", value: p50, unit: "ms", target: nil, better: .lower, note: conditions))
                figures.append(BenchFigure(suite: name, name: "rows_\(rows)_p99_ms", value: p99, unit: "ms", target: nil, better: .lower, note: conditions))
            }
        }
        let metrics = server.metrics()
        figures.append(BenchFigure(suite: name, name: "log_rows_dropped", value: metrics.dropped, unit: "rows", target: 0, better: .lower,
                                   note: "prediction-log rows dropped of \(Int64(metrics.logged)) logged, over every run above ("
                                       + droppedByLoad.joined(separator: ", ") + ")"))
        guard let single = bodies.first(where: { $0.0 == 1 }) else { return figures }
        let script = root.appendingPathComponent("post-1.lua")
        try ServeBenchWrk.script(body: single.1).write(to: script, atomically: true, encoding: .utf8)
        let loads = ServeBenchLoads(wrk: wrk, script: script.path, seconds: seconds, repeats: repeats, suite: name)
        figures += try loads.shadow(primary: server, workspace: root, log: log)
        figures += try loads.hotSwap(server: server, workspace: root, log: log)
        return figures
    }
}

/// A bench failure the user can act on.
struct ServeBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The bench's workspace: generated churn data, two trained versions of `churn-model`: 1 at
/// `production` (200 trees of depth 6), 2 at `staging` (150 trees of depth 5).
enum ServeBenchWorkspace {
    static let yaml = """
        pipelines:
          churn:
            dataset: churn.csv
            steps:
              prepare:  {uses: split, with: {target: churn, id: customer_id, positive: "Yes"}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: 200, max_depth: 6, eta: 0.1}}
              register: {uses: register, needs: [train], with: {model: churn-model, alias: production}}
          churn-b:
            dataset: churn.csv
            steps:
              prepare:  {uses: split, with: {target: churn, id: customer_id, positive: "Yes"}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: 150, max_depth: 5, eta: 0.1}}
              register: {uses: register, needs: [train], with: {model: churn-model}}

        """

    static func make(in directory: String) throws -> URL {
        let root = URL(fileURLWithPath: directory).appendingPathComponent("workspace")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let workspace = try Workspace.create(at: root)
        try Data(yaml.utf8).write(to: workspace.configURL)
        let customers = ChurnDataGenerator(seed: 11).customers(1..<7044)
        try Data(ChurnDataGenerator.csv(customers).utf8).write(to: root.appendingPathComponent("churn.csv"))
        let store = try DeckStore.open(workspace)
        let config = try PipelineEnvironment.loadConfig(workspace)
        for pipeline in ["churn", "churn-b"] {   // version 1 at production, version 2 at staging (the shadow, the swap's target)
            let outcome = try PipelineExecution(store: store, config: config,
                                                request: PipelineRunRequest(pipeline: pipeline, maxParallel: 1, commandLine: "mldeck bench serve")).run()
            guard outcome.status == .finished else { throw ServeBenchError("training the bench model failed: \(outcome.reason ?? "?")") }
        }
        try store.setModelAlias(model: "churn-model", alias: "staging", version: 2, author: "mldeck bench", reason: "the shadow", runID: nil)
        return root
    }

    /// `dataframe_split` bodies of the first `sizes` rows of the data (without the target).
    static func bodies(_ root: URL, sizes: [Int]) throws -> [(Int, String)] {
        try bodies(csv: try String(contentsOf: root.appendingPathComponent("churn.csv"), encoding: .utf8), sizes: sizes)
    }

    /// `dataframe_split` bodies of the first `sizes` rows of generated CSV text (without the target).
    static func bodies(csv text: String, sizes: [Int]) throws -> [(Int, String)] {
        var lines = text.split(separator: "\n").map(String.init)
        let header = splitCSV(lines.removeFirst())
        guard let target = header.firstIndex(of: "churn") else { throw ServeBenchError("the bench data has no churn column") }
        let keep = header.indices.filter { $0 != target }
        func cell(_ s: String) -> String {
            if s.isEmpty { return "null" }
            if Double(s) != nil { return s }
            return JSONStringLiteral.quoted(s)
        }
        return sizes.map { n in
            let rows = lines.prefix(n).map { line -> String in
                let cells = splitCSV(line)
                return "[" + keep.map { cell(cells[$0]) }.joined(separator: ",") + "]"
            }
            let columns = keep.map { JSONStringLiteral.quoted(header[$0]) }.joined(separator: ",")
            return (n, "{\"dataframe_split\":{\"columns\":[\(columns)],\"data\":[\(rows.joined(separator: ","))]}}")
        }
    }

    /// One CSV line of the generated data (quotes only around fields without inner quotes).
    static func splitCSV(_ line: String) -> [String] {
        var out: [String] = [], cell = "", quoted = false
        for c in line {
            if c == "\"" { quoted.toggle(); continue }
            if c == "," && !quoted { out.append(cell); cell = ""; continue }
            cell.append(c)
        }
        out.append(cell)
        return out
    }
}
