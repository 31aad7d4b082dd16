import DeckEngine
import DeckStore
import Foundation

/// What the server suite needs from outside this executable, found before anything is built:
/// `wrk`, `curl`, a Python with `mlflow` (for the store maker and the client script) and the
/// repository's `scripts/bench` files. Each missing piece fails with what to install or set.
struct ServerBenchTools {
    let wrk: String
    let python: String
    /// The `mlflow` package version of `python`.
    let mlflowVersion: String
    let makeStore: URL
    let logBatchLua: URL
    let logMetricLua: URL
    let clientScript: URL
    let nullServerScript: URL

    static func find() throws -> ServerBenchTools {
        guard let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile) else {
            throw ServeBenchError("wrk is not installed (apt-get install wrk): the server suite measures with it")
        }
        guard (try? ServeBenchWrk.capture(["curl", "--version"]))?.hasPrefix("curl") == true else {
            throw ServeBenchError("curl is not installed (apt-get install curl): the server suite times runs/search with it")
        }
        let python = try Self.python()
        let version = try ServerBenchRun.checked([python, "-c", "import mlflow; print(mlflow.__version__)"],
                                                 failure: "\(python) cannot import mlflow: set MLDECK_PYTHON to a Python with mlflow-skinny 3.x "
                                                     + "(`make test` makes .build/venv from scripts/requirements-test.txt)")
        func script(_ name: String) throws -> URL {
            guard let url = PipelinesBench.script("scripts/bench/" + name) else {
                throw ServeBenchError("scripts/bench/\(name) not found: run mldeck bench from the repository (or its .build) so the suite finds scripts/bench")
            }
            return url
        }
        return ServerBenchTools(wrk: wrk, python: python, mlflowVersion: version.trimmingCharacters(in: .whitespacesAndNewlines),
                                makeStore: try script("make_mlflow_import_db.py"), logBatchLua: try script("mlflow_log_batch.lua"),
                                logMetricLua: try script("mlflow_log_metric.lua"), clientScript: try script("mlflow_client_bench.py"),
                                nullServerScript: try script("mlflow_null_server.py"))
    }

    /// `MLDECK_PYTHON`, else `.build/venv/bin/python` of the repository (as the end-to-end tests find it).
    static func python() throws -> String {
        if let given = ProcessInfo.processInfo.environment["MLDECK_PYTHON"], !given.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: given) else {
                throw ServeBenchError("MLDECK_PYTHON=\(given) is not an executable file: point it at a Python with mlflow-skinny 3.x")
            }
            return given
        }
        guard let venv = PipelinesBench.script(".build/venv/bin/python") else {
            throw ServeBenchError("no Python with mlflow: set MLDECK_PYTHON to one with mlflow-skinny 3.x, or run `make test` "
                                  + "(it makes .build/venv from scripts/requirements-test.txt)")
        }
        return venv.path
    }
}

/// The suite's knobs, from the environment (defaults are the issue's conditions).
struct ServerBenchSettings {
    /// Runs in the imported MLflow store (`MLDECK_BENCH_SERVER_RUNS`, default 10,000).
    var runs = 10_000
    /// Seconds per wrk load and per client-script measurement (`MLDECK_BENCH_SERVER_SECONDS`, default 10).
    var seconds = 10
    /// Repeats of each load; figures are medians (`MLDECK_BENCH_SERVER_REPEATS`, default 3).
    var repeats = 3
    /// Timed runs/search round trips after the warm-up (`MLDECK_BENCH_SERVER_SEARCHES`, default 11).
    var searches = 11

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ServerBenchSettings {
        func value(_ key: String, _ range: ClosedRange<Int>) -> Int? { environment[key].flatMap { Int($0) }.map { min(max($0, range.lowerBound), range.upperBound) } }
        var s = ServerBenchSettings()
        s.runs = value("MLDECK_BENCH_SERVER_RUNS", 10...1_000_000) ?? s.runs
        s.seconds = value("MLDECK_BENCH_SERVER_SECONDS", 1...600) ?? s.seconds
        s.repeats = value("MLDECK_BENCH_SERVER_REPEATS", 1...9) ?? s.repeats
        s.searches = value("MLDECK_BENCH_SERVER_SEARCHES", 1...101) ?? s.searches
        return s
    }
}

/// Running the outside commands the suite depends on.
enum ServerBenchRun {
    /// Runs a command to its end; its output (stdout and stderr) when it exits 0, else an error
    /// that starts with `failure` and ends with the output's tail.
    @discardableResult
    static func checked(_ arguments: [String], directory: String? = nil, failure: String) throws -> String {
        let child = try ChildProcess(arguments: arguments, environment: ProcessInfo.processInfo.environment, directory: directory)
        var data = Data()
        child.drainOutput { data.append(contentsOf: $0) }
        let text = String(decoding: data, as: UTF8.self)
        guard case .exited(0) = child.wait() else { throw ServeBenchError(failure + ":\n" + String(text.suffix(800))) }
        return text
    }

    /// The MLflow store of `runs` runs (10 params, 5 metrics each, experiment "bench"), made by
    /// `scripts/bench/make_mlflow_import_db.py` in MLflow 3.6.0's schema; returns its path.
    static func makeStore(_ tools: ServerBenchTools, in directory: URL, runs: Int) throws -> String {
        let path = directory.appendingPathComponent("store/mlflow.db").path
        try checked([tools.python, tools.makeStore.path, path, "\(runs)"], failure: "make_mlflow_import_db.py failed")
        return path
    }

    /// A fresh workspace at `directory/workspace`.
    static func makeWorkspace(in directory: URL) throws -> URL {
        let root = directory.appendingPathComponent("workspace")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        _ = try Workspace.create(at: root)
        return root
    }

    /// `mldeck import mlflow sqlite:///STORE` into `workspace` as a process of its own: wall
    /// seconds and peak resident bytes (-1 without GNU time).
    static func importStore(_ store: String, into workspace: URL) throws -> (seconds: Double, peakBytes: Int64) {
        let arguments = [BenchClock.executablePath, "import", "mlflow", "sqlite:///" + store, "--workspace", workspace.path]
        let result = try BenchClock.runProcess(arguments, directory: workspace.path)
        guard result.status == 0 else {
            throw ServeBenchError("`mldeck import mlflow sqlite:///\(store)` exited \(result.status); run it by hand in \(workspace.path) to see why")
        }
        return (result.seconds, result.peakBytes)
    }

    /// POST `path` with a JSON `body` to the server; the answer's JSON object.
    static func post(_ address: String, _ path: String, body: String) throws -> [String: Any] {
        let text = try checked(["curl", "-sS", "-f", "--max-time", "60", "-X", "POST", "-H", "Content-Type: application/json",
                                "-d", body, address + path], failure: "POST \(path) failed")
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ServeBenchError("POST \(path): the answer is not a JSON object: \(text.prefix(300))")
        }
        return object
    }

    /// A new run in experiment "0" (`runs/create`, as the shell script makes it); its id.
    static func newRun(_ address: String) throws -> String {
        let answer = try post(address, "/api/2.0/mlflow/runs/create", body: #"{"experiment_id":"0","start_time":"1700000000000"}"#)
        guard let info = (answer["run"] as? [String: Any])?["info"] as? [String: Any], let id = info["run_id"] as? String else {
            throw ServeBenchError("runs/create answered no run.info.run_id")
        }
        return id
    }
}
