import Foundation
import XCTest

/// `mldeck run`, `validate`, `pipelines`, `models` driven through the real binary on the shared
/// churn and Ames data.
final class PipelineEndToEndTests: XCTestCase {
    var workspace: URL!

    static let churnYAML = """
        pipelines:
          churn:
            dataset: churn
            params: {max_depth: 3, eta: 0.1, rounds: 300}
            steps:
              prepare:  {uses: split, with: {target: churn, test_size: 0.2, seed: 42}}
              train:    {uses: xgboost, needs: [prepare], with: {max_depth: "${params.max_depth}", eta: "${params.eta}", rounds: "${params.rounds}", early_stopping_rounds: 30}}
              evaluate: {uses: evaluate, needs: [train], with: {metrics: [auc, accuracy, f1]}}
              register: {uses: register, needs: [evaluate], with: {model: churn-model}}
              deploy:   {uses: deploy, needs: [register], if: "metrics.auc >= 0.80 and metrics.auc > production.metrics.auc"}
          ames:
            dataset: ames.csv
            steps:
              prepare:  {uses: split, with: {target: Sale_Price}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: 300, max_depth: 4, eta: 0.05}}
              evaluate: {uses: evaluate, needs: [train]}
              register: {uses: register, needs: [evaluate], with: {model: ames-price}}
          custom:
            params: {depth: 4}
            steps:
              train:
                run: python3 train.py --depth ${params.depth}
                deps: [train.py]
                outs: [model.bin]
                metrics: metrics.json
          slow:
            steps:
              wait: {run: "echo $$ > $MLDECK_OUTPUT_DIR/pid; exec sleep 60", shell: true}
        """

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
        try Self.churnYAML.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: CLI.sharedData.appendingPathComponent("ames.csv"), to: workspace.appendingPathComponent("ames.csv"))
        let added = try CLI.run(["datasets", "add", "churn", CLI.sharedData.appendingPathComponent("wa_churn.csv").path], in: workspace)
        XCTAssertEqual(added.status, 0, added.stderr)
    }

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func runJSON(_ args: [String]) throws -> (Int32, [String: Any]) {
        let r = try CLI.run(args + ["--json"], in: workspace)
        let object = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any]
        XCTAssertNotNil(object, "stdout: \(r.stdout)\nstderr: \(r.stderr)")
        return (r.status, object ?? [:])
    }

    func statuses(_ summary: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for step in summary["steps"] as? [[String: Any]] ?? [] { out[step["name"] as! String] = step["status"] as? String }
        return out
    }

    func testChurnTrainsRegistersDeploysThenComesFromCache() throws {
        let (status, first) = try runJSON(["run", "churn"])
        XCTAssertEqual(status, 0, "\(first)")
        let metrics = first["metrics"] as? [String: Double] ?? [:]
        XCTAssertGreaterThan(metrics["auc"] ?? 0, 0.82, "AUC on churn should be well above 0.8: \(metrics)")
        XCTAssertEqual(first["registered"] as? [String], ["churn-model@1"])
        XCTAssertEqual(first["deployed"] as? [String], ["churn-model@production → 1"])

        let start = Date()
        let (again, second) = try runJSON(["run", "churn"])
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(again, 0)
        XCTAssertEqual(statuses(second), ["prepare": "CACHED", "train": "CACHED", "evaluate": "CACHED", "register": "CACHED", "deploy": "SKIPPED"])
        XCTAssertLessThan(seconds, 5, "a cached run should be quick (\(seconds) s)")

        // The run is tracked: params, curves, lineage, step states.
        let runID = first["run_id"] as! String
        let shown = try CLI.json(["runs", "show", runID], in: workspace) as! [String: Any]
        let lineage = shown["lineage"] as! [String: Any]
        XCTAssertEqual(lineage["dataset_version"] as? String, "churn@1")
        XCTAssertEqual(lineage["trigger"] as? String, "manual")
        XCTAssertNotNil(lineage["code_hash"])
        let series = shown["series"] as! [String: Any]
        XCTAssertGreaterThan((series["validation-auc"] as? [Any])?.count ?? 0, 10)

        // The registry: version, alias, history, export, batch scoring with labels.
        let version = try CLI.json(["models", "show", "churn-model@production"], in: workspace) as! [String: Any]
        XCTAssertEqual(version["version"] as? Int, 1)
        XCTAssertEqual(version["dataset_name"] as? String, "churn")
        XCTAssertEqual(version["dataset_version_number"] as? Int, 1)
        XCTAssertNotNil(version["reference_object"])
        let predicted = try CLI.run(["models", "predict", "churn-model", CLI.sharedData.appendingPathComponent("wa_churn.csv").path], in: workspace)
        XCTAssertEqual(predicted.status, 0, predicted.stderr)
        let lines = predicted.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "rownames,prediction,probability_No,probability_Yes")
        XCTAssertEqual(lines.count, 7044)
        XCTAssertTrue(lines[1].hasPrefix("1,No,") || lines[1].hasPrefix("1,Yes,"), String(lines[1]))

        let promoted = try CLI.run(["models", "promote", "churn-model", "1", "--alias", "staging", "--reason", "e2e"], in: workspace)
        XCTAssertEqual(promoted.status, 0, promoted.stderr)
        let model = try CLI.json(["models", "show", "churn-model"], in: workspace) as! [String: Any]
        XCTAssertEqual((model["alias_history"] as? [[String: Any]])?.count, 2)
    }

    func testExportLoadsInPythonXGBoostWithTheSamePredictions() throws {
        XCTAssertEqual(try CLI.run(["run", "churn", "-p", "rounds=40"], in: workspace).status, 0)
        let export = workspace.appendingPathComponent("export")
        let exported = try CLI.run(["models", "export", "churn-model@1", export.path], in: workspace)
        XCTAssertEqual(exported.status, 0, exported.stderr)
        // The pinned Python of `make test` (.build/venv): missing, it fails the test (MLDECK_OFFLINE=1 skips).
        let python = try PythonEnvironment.interpreter()
        let data = CLI.sharedData.appendingPathComponent("wa_churn.csv")
        let out = workspace.appendingPathComponent("python.json")
        let script = RepositoryFiles.root.appendingPathComponent("scripts/fixtures/predict_exported_model.py")
        let run = try PythonEnvironment.run(python, [script.path, export.path, data.path, out.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let pythonPredictions = (try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as! [String: Any])["predictions"] as! [Double]
        let ours = try CLI.json(["models", "predict", "churn-model@1", data.path], in: workspace) as! [String: Any]
        let values = (ours["predictions"] as! [String: Any])["values"] as! [Double]
        XCTAssertEqual(values.count, pythonPredictions.count)
        var worst = 0.0
        for (a, b) in zip(values, pythonPredictions) { worst = max(worst, abs(a - b)) }
        XCTAssertLessThan(worst, 1e-6)
    }

    func testAmesRegression() throws {
        let (status, summary) = try runJSON(["run", "ames"])
        XCTAssertEqual(status, 0, "\(summary)")
        let metrics = summary["metrics"] as? [String: Double] ?? [:]
        XCTAssertGreaterThan(metrics["r2"] ?? 0, 0.85, "\(metrics)")
        XCTAssertNotNil(metrics["rmse"])
        XCTAssertTrue((summary["notices"] as? [String] ?? []).contains { $0.contains("task regression inferred") })
    }

    func testPythonRunStep() throws {
        try """
            import json, os, sys
            depth = int(sys.argv[2])
            with open(os.environ["MLDECK_METRICS_FILE"], "a") as f:
                for step in range(5):
                    f.write(json.dumps({"key": "loss", "value": 1 / (step + depth), "step": step}) + "\\n")
            open(os.path.join(os.environ["MLDECK_OUTPUT_DIR"], "model.bin"), "wb").write(b"x" * depth)
            json.dump({"score": depth / 10}, open(os.path.join(os.environ["MLDECK_OUTPUT_DIR"], "metrics.json"), "w"))
            """.write(to: workspace.appendingPathComponent("train.py"), atomically: true, encoding: .utf8)
        let (status, summary) = try runJSON(["run", "custom", "-p", "depth=6"])
        XCTAssertEqual(status, 0, "\(summary)")
        XCTAssertEqual((summary["metrics"] as? [String: Double]) ?? [:], [:])  // no evaluate step
        let shown = try CLI.json(["runs", "show", summary["run_id"] as! String], in: workspace) as! [String: Any]
        let series = shown["series"] as! [String: Any]
        XCTAssertEqual((series["loss"] as? [Any])?.count, 5)
        XCTAssertEqual((shown["params"] as? [String: String])?["depth"], "6")
    }

    func testBadDefinitionsNameFileLineAndKey() throws {
        try """
            pipelines:
              p:
                dataset: churn
                steps:
                  prepare: {uses: split, with: {target: chrun}}
                  train: {uses: xgbost, needs: [prepare]}
                  evaluate: {uses: evaluate, needs: [train, report], if: "metrics.auc >"}
                  report: {run: echo hi, needs: [evaluate]}
              q:
                dataset: nosuch
                steps:
                  s: {uses: split, with: {target: y}}
            """.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["validate"], in: workspace)
        XCTAssertEqual(r.status, 1)
        let file = workspace.appendingPathComponent("mldeck.yaml").path
        for expected in ["\(file):5:", "pipelines.p.steps.prepare.with.target: no column 'chrun'", "did you mean 'churn'",
                         "\(file):6:", "unknown built-in 'xgbost'",
                         "\(file):7:", "pipelines.p.steps.evaluate.if: bad condition",
                         "cycle: evaluate → report → evaluate",
                         "\(file):10:", "pipelines.q.dataset: dataset 'nosuch' not found"] {
            XCTAssertTrue(r.stderr.contains(expected), "missing '\(expected)' in:\n\(r.stderr)")
        }
        let run = try CLI.run(["run", "p"], in: workspace)
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("unknown built-in 'xgbost'"), run.stderr)
        try "pipelines:\n  p:\n    stepz: {}\n".write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        let unknown = try CLI.run(["validate"], in: workspace)
        XCTAssertTrue(unknown.stderr.contains("\(file):3:5: pipelines.p.stepz: unknown key"), unknown.stderr)
    }

    func testSIGINTKillsTheRunAndItsProcessGroup() throws {
        let process = CLI.start(["run", "slow"], in: workspace)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var stepPID: Int32?
        XCTAssertTrue(CLI.waitFor(20) {
            let runs = (try? FileManager.default.contentsOfDirectory(atPath: workspace.appendingPathComponent(".mldeck/runs").path)) ?? []
            for run in runs {
                let file = workspace.appendingPathComponent(".mldeck/runs/\(run)/steps/wait/pid")
                if let text = try? String(contentsOf: file, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                    stepPID = pid; return true
                }
            }
            return false
        })
        let pid = try XCTUnwrap(stepPID)
        XCTAssertEqual(kill(pid, 0), 0)
        kill(process.processIdentifier, SIGINT)
        XCTAssertTrue(CLI.waitFor(15) { !process.isRunning })
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertTrue(CLI.waitFor(5) { kill(pid, 0) != 0 }, "the step's process \(pid) survived")
        XCTAssertNotEqual(kill(-pid, 0), 0, "its process group survived")
        let runs = try CLI.json(["runs", "list"], in: workspace) as! [[String: Any]]
        XCTAssertEqual(runs.first?["status"] as? String, "KILLED")
    }

    func testDetachedRunAndSweep() throws {
        let detached = try CLI.run(["run", "churn", "--detach", "-p", "rounds=20"], in: workspace)
        XCTAssertEqual(detached.status, 0, detached.stderr)
        let id = detached.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(id.count, 32)
        var status = ""
        XCTAssertTrue(CLI.waitFor(60) {
            status = ((try? CLI.json(["runs", "show", id], in: workspace)) as? [String: Any])?["status"] as? String ?? ""
            return status == "FINISHED" || status == "FAILED" || status == "KILLED"
        })
        XCTAssertEqual(status, "FINISHED")

        let sweep = try CLI.run(["run", "churn", "--sweep", "max_depth=2,3", "--sweep", "eta=0.2,0.3", "-p", "rounds=15", "--json"], in: workspace)
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        let result = try JSONSerialization.jsonObject(with: Data(sweep.stdout.utf8)) as! [String: Any]
        let children = result["runs"] as! [[String: Any]]
        XCTAssertEqual(children.count, 4)
        XCTAssertTrue(children.allSatisfy { $0["status"] as? String == "FINISHED" }, "\(children)")
        let parent = result["parent_run_id"] as! String
        let listed = try CLI.json(["runs", "list", "--filter", "params.rounds = '15'"], in: workspace) as! [[String: Any]]
        XCTAssertEqual(listed.filter { (($0["lineage"] as? [String: Any])?["parent_run_id"] as? String) == parent }.count, 4)
    }
}

/// The repository root, from this file's real path.
enum RepositoryFiles {
    static var root: URL {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("scripts/fixtures").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: "/work/main")
    }
}
