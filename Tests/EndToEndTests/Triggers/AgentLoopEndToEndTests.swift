import Foundation
import XCTest

/// The loop with no one at the keyboard: `mldeck serve churn-model@production` and `mldeck agent`
/// run as separate processes; a window of shifted rows posted to `/invocations` raises a drift
/// alert naming the shifted features, the `drift` trigger retrains, the run scores the candidate
/// and the production version on the same test split, and the endpoint answers with the new
/// version only when it is better (the old version's alert then resolves as superseded). A worse
/// candidate leaves version 1 serving and the deploy step says why with both numbers.
final class AgentLoopEndToEndTests: XCTestCase {
    var workspace: URL!
    var server: ServeProcess?
    var agent: AgentProcess?

    static func yaml(rounds: Int, depth: Int) -> String {
        """
        pipelines:
          churn:
            dataset: churn
            params: {rounds: \(rounds), max_depth: \(depth)}
            steps:
              prepare:  {uses: split, with: {target: churn, exclude: [rownames], test_size: 0.2, seed: 42}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: "${params.rounds}", max_depth: "${params.max_depth}", eta: 0.3}}
              evaluate: {uses: evaluate, needs: [train], with: {metrics: [auc, accuracy]}}
              register: {uses: register, needs: [evaluate], with: {model: churn-model}}
              deploy:   {uses: deploy, needs: [register], if: "metrics.auc > production.metrics.auc"}
            triggers:
              - {on: drift, model: churn-model, debounce: 1}
        monitors:
          churn-model: {window: 300}
        """
    }

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
    }

    override func tearDownWithError() throws {
        agent?.stop()
        server?.stop()
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    /// The churn data (header and lines), and `shifted`: 300 rows with tenure + 24 months and
    /// monthly charges × 1.4, as `dataframe_split` without the label.
    func churnData() throws -> (header: String, lines: [String], shifted: [String: Any]) {
        let text = try String(contentsOf: CLI.sharedData.appendingPathComponent("wa_churn.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst()
        let parsed = ServeFixture.rows(([header] + lines.prefix(300)).joined(separator: "\n"))
        let names = parsed.header
        let tenure = try XCTUnwrap(names.firstIndex(of: "tenure")), charges = try XCTUnwrap(names.firstIndex(of: "monthly_charges"))
        let keep = names.indices.filter { names[$0] != "churn" }
        func value(_ cell: String?) -> Any { cell.map { Double($0).map { $0 as Any } ?? $0 } ?? NSNull() }
        let rows = parsed.rows.map { row -> [Any] in
            var row = row
            if let t = row[tenure].flatMap(Double.init) { row[tenure] = String(t + 24) }
            if let m = row[charges].flatMap(Double.init) { row[charges] = String(format: "%.2f", m * 1.4) }
            return keep.map { value(row[$0]) }
        }
        return (header, lines, ["dataframe_split": ["columns": keep.map { names[$0] }, "data": rows]])
    }

    func addDataset(_ header: String, _ lines: [String], file: String) throws {
        try ([header] + lines).joined(separator: "\n").write(to: workspace.appendingPathComponent(file), atomically: true, encoding: .utf8)
        let added = try CLI.run(["datasets", "add", "churn", file], in: workspace)
        XCTAssertEqual(added.status, 0, added.stderr)
    }

    /// Trains version 1 (deployed: there is no production yet), serves `production`, starts the
    /// agent and waits until its drift trigger has taken its baseline (an alert raised before
    /// that would be the baseline, not a firing).
    func start(v1Params: [String]) throws {
        let run = try CLI.run(["run", "churn", "--quiet"] + v1Params.flatMap { ["-p", $0] }, in: workspace)
        XCTAssertEqual(run.status, 0, run.stderr)
        server = try ServeProcess(["churn-model@production"], in: workspace)
        XCTAssertEqual(try version(), 1)
        agent = try AgentProcess(in: workspace)
        XCTAssertTrue(CLI.waitFor(30) { agent?.output.contains("churn: drift churn-model: watching from") == true },
                      "the drift trigger took no baseline: \(agent?.output ?? "")")
    }

    func version() throws -> Int? { try Curl.request(try XCTUnwrap(server?.address) + "/version").json?["version"] as? Int }

    /// Posts the shifted window, waits for the drift alert and for the run it triggered to end;
    /// returns the run as `mldeck runs show --json` prints it.
    func driftAndRetrain(_ shifted: [String: Any]) throws -> [String: Any] {
        let answer = try Curl.post(try XCTUnwrap(server?.address) + "/invocations", json: shifted)
        XCTAssertEqual(answer.status, 200, answer.body)
        XCTAssertEqual(answer.headers["x-model-version"], "1")
        var alert: [String: Any] = [:]
        XCTAssertTrue(try CLI.waitFor(30) {
            alert = (try CLI.json(["alerts", "list", "--open"], in: workspace) as? [[String: Any]])?.first { $0["kind"] as? String == "drift" } ?? [:]
            return !alert.isEmpty
        }, "no drift alert: \(agent?.output ?? "")")
        XCTAssertEqual(alert["model"] as? String, "churn-model")
        XCTAssertEqual(alert["version"] as? Int, 1)
        let features = alert["features"] as? [[String: Any]] ?? []
        // The shifted inputs, and possibly the model's scores on them (the `prediction` row, which
        // follows the inputs as far as the model uses them); no other feature.
        let drifted = Set(features.filter { $0["drifted"] as? Bool == true }.compactMap { $0["name"] as? String })
        XCTAssertTrue(drifted.isSuperset(of: ["tenure", "monthly_charges"]) && drifted.subtracting(["tenure", "monthly_charges", "prediction"]).isEmpty,
                      "drifted: \(drifted.sorted())")
        let alertID = try XCTUnwrap(alert["id"] as? Int)

        var runID = ""
        XCTAssertTrue(try CLI.waitFor(60) {
            let runs = try CLI.json(["runs", "list"], in: workspace) as? [[String: Any]] ?? []
            guard let run = runs.first(where: { ($0["lineage"] as? [String: Any])?["trigger"] as? String == "drift" }) else { return false }
            runID = run["id"] as? String ?? ""
            return ["FINISHED", "FAILED", "KILLED"].contains(run["status"] as? String ?? "")
        }, "the drift trigger's run did not end: \(agent?.output ?? "")")
        let run = try XCTUnwrap(try CLI.json(["runs", "show", runID], in: workspace) as? [String: Any])
        XCTAssertEqual(run["status"] as? String, "FINISHED", "\(run["status_reason"] ?? "")\n\(agent?.output ?? "")")
        let reason = (run["tags"] as? [String: Any])?["mldeck.trigger.reason"] as? String ?? ""
        XCTAssertTrue(reason.hasPrefix("alert #\(alertID): warning drift on churn-model v1: \(drifted.count) of 20 features drifted"), reason)
        XCTAssertTrue(reason.contains("tenure") && reason.contains("monthly_charges"), reason)
        return run
    }

    func step(_ run: [String: Any], _ name: String) -> [String: Any] {
        (run["steps"] as? [[String: Any]])?.first { $0["name"] as? String == name } ?? [:]
    }

    func metric(_ run: [String: Any], _ key: String) -> Double? {
        (run["metrics"] as? [[String: Any]])?.first { $0["key"] as? String == key }?["last"] as? Double
    }

    /// Version 1: two stumps on the first 2,500 rows. The retrain: 40 trees of depth 4 on the
    /// newest version of the data set (all rows) — better on the same split, so it is promoted.
    func testBetterCandidateIsPromotedAndServedWithNoCommand() throws {
        let started = Date()
        let data = try churnData()
        try Self.yaml(rounds: 40, depth: 4).write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        try addDataset(data.header, Array(data.lines.prefix(2500)), file: "churn-part.csv")
        try start(v1Params: ["rounds=2", "max_depth=1"])
        try addDataset(data.header, data.lines, file: "churn-all.csv")

        let run = try driftAndRetrain(data.shifted)
        XCTAssertEqual((run["lineage"] as? [String: Any])?["dataset_version"] as? String, "churn@2", "retrained on the newest version")
        XCTAssertEqual(step(run, "deploy")["status"] as? String, "FINISHED", "\(step(run, "deploy"))")
        let candidate = try XCTUnwrap(metric(run, "auc")), production = try XCTUnwrap(metric(run, "production.auc"))
        XCTAssertGreaterThan(candidate, production)
        let log = (run["log_tail"] as? [String])?.joined(separator: "\n") ?? "\(run["log_tail"] ?? "")"
        XCTAssertTrue(log.contains("candidate auc \(String(format: "%.4f", candidate)) vs production v1 auc \(String(format: "%.4f", production)) on this run's test split"), log)

        XCTAssertTrue(try CLI.waitFor(30) { try version() == 2 }, "the endpoint did not swap to version 2")
        let answer = try Curl.post(try XCTUnwrap(server?.address) + "/invocations", json: data.shifted)
        XCTAssertEqual(answer.headers["x-model-version"], "2")
        // Version 1 no longer serves: its drift alert resolves as superseded.
        var alerts: [[String: Any]] = []
        XCTAssertTrue(try CLI.waitFor(30) {
            alerts = try CLI.json(["alerts", "list"], in: workspace) as? [[String: Any]] ?? []
            return alerts.contains { $0["version"] as? Int == 1 && $0["resolved_at"] != nil && !($0["resolved_at"] is NSNull) }
        }, "\(alerts)")
        let old = try XCTUnwrap(alerts.first { $0["version"] as? Int == 1 && $0["kind"] as? String == "drift" })
        XCTAssertEqual(old["resolved_reason"] as? String, "superseded: churn-model@production moved from version 1 to version 2")
        XCTAssertLessThan(Date().timeIntervalSince(started), 120)
    }

    /// Version 1: 40 trees of depth 4. The retrain: one stump — worse on the same split, so
    /// version 1 keeps serving and the deploy step's reason carries both numbers.
    func testWorseCandidateLeavesProductionAndSaysWhy() throws {
        let started = Date()
        let data = try churnData()
        try Self.yaml(rounds: 1, depth: 1).write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        try addDataset(data.header, data.lines, file: "churn-all.csv")
        try start(v1Params: ["rounds=40", "max_depth=4"])

        let run = try driftAndRetrain(data.shifted)
        let deploy = step(run, "deploy")
        XCTAssertEqual(deploy["status"] as? String, "SKIPPED")
        let candidate = try XCTUnwrap(metric(run, "auc")), production = try XCTUnwrap(metric(run, "production.auc"))
        XCTAssertLessThan(candidate, production)
        XCTAssertEqual(deploy["reason"] as? String, "condition is false: metrics.auc > production.metrics.auc (metrics.auc = \(String(format: "%.6g", candidate)), "
                       + "production.metrics.auc = \(String(format: "%.6g", production)) (v1 on this run's split))")
        XCTAssertEqual(try version(), 1)
        let answer = try Curl.post(try XCTUnwrap(server?.address) + "/invocations", json: data.shifted)
        XCTAssertEqual(answer.headers["x-model-version"], "1")
        XCTAssertEqual((try CLI.json(["alerts", "list", "--open"], in: workspace) as? [[String: Any]])?.count, 1, "v1's alert stays open")
        XCTAssertLessThan(Date().timeIntervalSince(started), 120)
    }
}

/// A running `mldeck agent --interval 0.2` started by a test, and what it printed so far.
final class AgentProcess: @unchecked Sendable {
    let process: Process
    private let lock = NSLock()
    private var data = Data()

    var output: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }

    init(in workspace: URL) throws {
        process = CLI.start(["agent", "--interval", "0.2"], in: workspace)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self else { return }
            self.lock.lock(); self.data.append(chunk); self.lock.unlock()
        }
        try process.run()
    }

    /// SIGTERM, then SIGKILL when it has not stopped within `timeout` seconds.
    func stop(timeout: Double = 30) {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        _ = CLI.waitFor(timeout) { !process.isRunning }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
