import DeckEngine
import DeckML
import DeckStore
import Foundation

/// `mldeck bench tracking`: the figures of the tracking issue, against MLflow 3.17 (SQLite
/// backend) measured on this kind of machine: 10,184 points/s through `log_batch`, 25 runs/s,
/// 12.6 s to filter and order 10,000 runs.
struct TrackingBench: BenchSuite {
    let name = "tracking"
    static let mlflow = "MLflow 3.17, SQLite backend, same kind of machine"

    func run(in directory: String, log: (String) -> Void) throws -> [BenchFigure] {
        var figures: [BenchFigure] = []
        func workspace(_ name: String) throws -> DeckStore {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
            try? FileManager.default.removeItem(at: url)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            return try DeckStore.open(try Workspace.create(at: url))
        }

        // 1. One million points into one run, through the Swift API in batches of 10,000.
        log("logging 1,000,000 metric points through the Swift API…")
        do {
            let store = try workspace("points")
            let run = try store.createRun(RunStart(name: "points"))
            let total = 1_000_000, batchSize = 10_000
            let now = Date().timeIntervalSince1970
            let seconds = try BenchClock.time {
                var step: Int64 = 0
                for _ in 0..<(total / batchSize) {
                    var batch: [MetricPoint] = []
                    batch.reserveCapacity(batchSize)
                    for i in 0..<batchSize {
                        batch.append(MetricPoint(key: "m\(i % 10)", value: Double(i) * 0.001, step: step + Int64(i / 10), timestamp: now))
                    }
                    step += Int64(batchSize / 10)
                    try store.logMetrics(batch, run: run)
                }
            }
            let stored = try store.runDetails(run.id).metrics.reduce(0) { $0 + $1.count }
            precondition(stored == total, "stored \(stored) points, expected \(total)")
            figures.append(BenchFigure(suite: name, name: "log_points_per_s", value: Double(total) / seconds, unit: "points/s",
                                       target: 1_000_000, better: .higher, reference: "\(Self.mlflow): log_batch", referenceValue: 10_184))
        }

        // 2. The same through MLDECK_METRICS_FILE from a child process.
        log("ingesting 1,000,000 JSON lines from a child through MLDECK_METRICS_FILE…")
        do {
            let store = try workspace("metrics-file")
            let lines = 1_000_000
            let source = URL(fileURLWithPath: directory).appendingPathComponent("points.jsonl")
            var text = ""
            text.reserveCapacity(lines * 40)
            for i in 0..<lines { text += "{\"key\":\"loss\(i % 4)\",\"value\":\(Double(i % 1000) / 1000),\"step\":\(i / 4)}\n" }
            try Data(text.utf8).write(to: source)
            let command = TrackedCommand(store: store, options: .init(
                arguments: ["sh", "-c", "cat '\(source.path)' >> \"$MLDECK_METRICS_FILE\""], name: "file", echoOutput: false))
            var outcome: TrackedCommand.Outcome?
            let seconds = try BenchClock.time { outcome = try command.run() }
            let stored = try store.runDetails(outcome!.runID).metrics.reduce(0) { $0 + $1.count }
            precondition(stored == lines, "stored \(stored) points, expected \(lines)")
            figures.append(BenchFigure(suite: name, name: "metrics_file_points_per_s", value: Double(lines) / seconds, unit: "points/s",
                                       target: 200_000, better: .higher, reference: "\(Self.mlflow): log_batch", referenceValue: 10_184,
                                       note: "whole tracked process: spawn, tail, parse, store"))
        }

        // 3. Runs with 10 params + 5 metrics, one transaction per run.
        log("creating 5,000 runs with 10 params and 5 metrics each…")
        do {
            let store = try workspace("runs")
            let count = 5_000
            let now = Date().timeIntervalSince1970
            let seconds = try BenchClock.time {
                for i in 0..<count {
                    var params: [String: String] = [:]
                    for p in 0..<10 { params["p\(p)"] = "\(i % (p + 2))" }
                    let metrics = (0..<5).map { MetricPoint(key: "m\($0)", value: Double(i % 97) / 97, step: 0, timestamp: now) }
                    _ = try store.createRun(RunStart(name: "r\(i)", params: params, metrics: metrics))
                }
            }
            figures.append(BenchFigure(suite: name, name: "create_runs_per_s", value: Double(count) / seconds, unit: "runs/s",
                                       target: 5_000, better: .higher, reference: "\(Self.mlflow): create_run + log_batch", referenceValue: 25,
                                       note: "MLflow's figure is one HTTP call per run; ours is one SQLite transaction per run"))
        }

        // 4. A whole `mldeck track -- true` process.
        log("timing `mldeck track -- true` processes…")
        do {
            let store = try workspace("track")
            let exe = BenchClock.executablePath
            var env = ProcessInfo.processInfo.environment
            env["MLDECK_WORKSPACE"] = store.workspace.root.path
            _ = try BenchClock.runProcess([exe, "track", "--quiet", "--", "true"], environment: env)
            var times: [Double] = []
            for _ in 0..<20 { times.append(try BenchClock.runProcess([exe, "track", "--quiet", "--", "true"], environment: env).seconds) }
            figures.append(BenchFigure(suite: name, name: "track_true_process_ms", value: BenchClock.median(times) * 1000, unit: "ms",
                                       target: 30, better: .lower))
        }

        // 5. 100,000 runs × 10 params × 10 metrics: filter, order, open.
        log("building a workspace of 100,000 runs × 10 params × 10 metrics…")
        let store = try workspace("runs-100k")
        var generator = SplitMix64(seed: 42)
        let letters = ["x", "y", "z", "w"]
        let start = Date().timeIntervalSince1970 - 100_000
        for batchStart in stride(from: 0, to: 100_000, by: 2_000) {
            var starts: [RunStart] = []
            for i in batchStart..<(batchStart + 2_000) {
                var params: [String: String] = [:]
                params["p1"] = letters[Int(generator.next() % 4)]
                for p in 2...10 { params["p\(p)"] = String(generator.next() % 10) }
                let metrics = (1...10).map { MetricPoint(key: "m\($0)", value: generator.nextUnit(), step: 0, timestamp: start + Double(i)) }
                starts.append(RunStart(name: "run-\(i)", status: .finished, params: params, owner: nil, startTime: start + Double(i), metrics: metrics))
            }
            _ = try store.createRuns(starts)
        }
        let filter = "metrics.m1 > 0.5 and params.p1 = 'x'"
        let query = RunQuery(filter: filter, orderBy: try RunOrder.parseList("metrics.m2"), limit: 50)
        _ = try store.listRuns(query)
        var listTimes: [Double] = []
        for _ in 0..<20 { listTimes.append(try BenchClock.time { _ = try store.listRuns(query) }) }
        figures.append(BenchFigure(suite: name, name: "runs_list_filter_100k_ms", value: BenchClock.median(listTimes) * 1000, unit: "ms",
                                   target: 100, better: .lower, reference: "\(Self.mlflow): search_runs over 10,000 runs (10× fewer)",
                                   referenceValue: 12_600, note: "median, warm; filter \(filter), order by metrics.m2, limit 50"))

        let exe = BenchClock.executablePath
        let cli = [exe, "runs", "list", "--workspace", store.workspace.root.path, "--filter", filter, "--order-by", "metrics.m2", "--limit", "50", "--json"]
        _ = try BenchClock.runProcess(cli)
        var cliTimes: [Double] = [], peak: Int64 = 0
        for _ in 0..<10 {
            let result = try BenchClock.runProcess(cli)
            cliTimes.append(result.seconds); peak = max(peak, result.peakBytes)
        }
        figures.append(BenchFigure(suite: name, name: "runs_list_cli_100k_ms", value: BenchClock.median(cliTimes) * 1000, unit: "ms",
                                   target: 200, better: .lower, reference: "\(Self.mlflow): search_runs over 10,000 runs (10× fewer)",
                                   referenceValue: 12_600, note: "whole process, median of 10"))
        figures.append(BenchFigure(suite: name, name: "runs_list_peak_memory_mb", value: Double(peak) / 1_048_576, unit: "MB",
                                   target: 100, better: .lower))

        var openTimes: [Double] = []
        for _ in 0..<20 { openTimes.append(try BenchClock.time { _ = try DeckStore.open(store.workspace) }) }
        figures.append(BenchFigure(suite: name, name: "workspace_open_ms", value: BenchClock.median(openTimes) * 1000, unit: "ms",
                                   target: 10, better: .lower, note: "open + migration check + dead-run check, 100,000 runs"))
        return figures
    }
}
