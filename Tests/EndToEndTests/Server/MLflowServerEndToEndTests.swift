import DeckTestSupport
import Foundation
import XCTest

/// `mldeck server` against the real MLflow client (mlflow-skinny, pinned in
/// scripts/requirements-test.txt), then the same runs through `mldeck runs show --json`; and
/// the error answers through curl.
final class MLflowServerEndToEndTests: XCTestCase {
    /// The interpreter once it also imports mlflow.
    func mlflowPython() throws -> String {
        try PythonEnvironment.mlflowInterpreter()
    }

    func testMLflowClientScriptLogsOrdinaryRuns() throws {
        let python = try mlflowPython()
        let workspace = try CLI.makeWorkspace()
        let server = try ServeProcess([], in: workspace, command: "server")
        defer { server.stop() }
        let script = RepositoryFiles.root.appendingPathComponent("scripts/tests/mlflow_client_check.py").path
        let scratch = workspace.appendingPathComponent("client")
        let result = try PythonEnvironment.run(python, [script, scratch.path], environment: [
            "MLFLOW_TRACKING_URI": server.address, "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "60",
            "PYTHONUNBUFFERED": "1", "GIT_PYTHON_REFRESH": "quiet",
        ])
        XCTAssertEqual(result.status, 0, "client script failed:\n\(result.stderr)\n\(result.stdout)\nserver: \(server.stderr)")
        guard let line = result.stdout.split(separator: "\n").last,
              let ids = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] else {
            return XCTFail("no ids from the script: \(result.stdout)")
        }

        func show(_ key: String) throws -> [String: Any] {
            let id = try XCTUnwrap(ids[key], key)
            return try XCTUnwrap(try CLI.json(["runs", "show", id, "--json"], in: workspace) as? [String: Any], key)
        }
        let parent = try show("parent")
        XCTAssertEqual(parent["name"] as? String, "parent")
        XCTAssertEqual(parent["experiment"] as? String, "mlflow-compat")
        XCTAssertEqual(parent["status"] as? String, "FINISHED")
        XCTAssertEqual(parent["params"] as? [String: String], ["lr": "0.1", "depth": "6", "optimizer": "adam"])
        let tags = try XCTUnwrap(parent["tags"] as? [String: String])
        XCTAssertEqual(tags["team"], "ml2")
        XCTAssertEqual(tags["mlflow.runName"], "parent")
        let series = try XCTUnwrap(parent["series"] as? [String: [[String: Any]]])
        XCTAssertEqual(series["loss"]?.compactMap { $0["step"] as? Int }, [0, 1, 2, 3, 4])
        XCTAssertEqual(series["loss"]?.last?["value"] as? Double ?? 0, 0.2, accuracy: 1e-12)
        let artifacts = try XCTUnwrap(parent["artifacts"] as? [[String: Any]]).compactMap { $0["path"] as? String }
        XCTAssertEqual(artifacts.sorted(), ["notes.txt", "plots/a.csv", "plots/sub/b.json"])
        XCTAssertNotNil(parent["command"] as? String, "mlflow.source.name → command")

        let child = try show("child")
        XCTAssertEqual((child["lineage"] as? [String: Any])?["parent_run_id"] as? String, ids["parent"])
        XCTAssertEqual(try show("failed")["status"] as? String, "FAILED")
        XCTAssertEqual(try show("deleted")["deleted"] as? Bool, true)
        XCTAssertEqual(try show("default")["experiment"] as? String, "Default")
        XCTAssertFalse((try show("unnamed")["name"] as? String ?? "").isEmpty)

        // They are ordinary runs: `runs list --filter` finds them.
        let listed = try XCTUnwrap(try CLI.json(["runs", "list", "--filter", "metrics.score >= 5", "--json"], in: workspace) as? [[String: Any]])
        XCTAssertEqual(Set(listed.compactMap { $0["name"] as? String }), ["sweep-5", "sweep-6"])
        XCTAssertEqual(server.stop(), 0, server.stderr)
    }

    /// `xgboost.autolog()` / `sklearn.autolog()` and the registry calls with the real client
    /// (scripts/tests/mlflow_autolog_check.py fails on any autologging warning), then the same runs
    /// and the registered version through the CLI.
    func testAutologAndRegistryWithTheRealClient() throws {
        let python = try mlflowPython()
        let probe = try PythonEnvironment.run(python, ["-c", "import xgboost, sklearn, pandas"])
        if probe.status != 0 {
            let problem = "\(python) cannot import xgboost, sklearn and pandas (pinned in scripts/requirements-test.txt)"
            if PythonEnvironment.offline { throw XCTSkip(problem) }
            return XCTFail(problem)
        }
        let workspace = try CLI.makeWorkspace()
        let server = try ServeProcess([], in: workspace, command: "server")
        defer { server.stop() }
        let script = RepositoryFiles.root.appendingPathComponent("scripts/tests/mlflow_autolog_check.py").path
        let result = try PythonEnvironment.run(python, [script], environment: [
            "MLFLOW_TRACKING_URI": server.address, "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "60",
            "PYTHONUNBUFFERED": "1", "GIT_PYTHON_REFRESH": "quiet", "OMP_WAIT_POLICY": "passive",
        ])
        XCTAssertEqual(result.status, 0, "autolog script failed:\n\(result.stderr)\n\(result.stdout)\nserver: \(server.stderr)")
        guard let line = result.stdout.split(separator: "\n").last,
              let ids = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String],
              let xgbRun = ids["xgb"], let modelID = ids["model_id"], let skRun = ids["sklearn"] else {
            return XCTFail("no ids from the script: \(result.stdout)")
        }
        let xgb = try XCTUnwrap(try CLI.json(["runs", "show", xgbRun, "--json"], in: workspace) as? [String: Any])
        XCTAssertEqual(xgb["status"] as? String, "FINISHED")
        XCTAssertEqual((xgb["params"] as? [String: String])?["max_depth"], "3")
        // One point per round (autolog logs round 0 twice, identically; MLDeck keeps both).
        XCTAssertEqual(Set((xgb["series"] as? [String: [[String: Any]]])?["train-auc"]?.compactMap { $0["step"] as? Int } ?? []), Set(0..<10))
        let artifacts = (xgb["artifacts"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        XCTAssertTrue(artifacts.contains("models/\(modelID)/model.ubj"), "the autologged model is an artifact of the run: \(artifacts)")
        let sk = try XCTUnwrap(try CLI.json(["runs", "show", skRun, "--json"], in: workspace) as? [String: Any])
        XCTAssertEqual((sk["params"] as? [String: String])?["alpha"], "0.5")
        XCTAssertNotNil((sk["metrics"] as? [String: Any])?["training_r2_score"] ?? (sk["series"] as? [String: Any])?["training_r2_score"])

        let production = try XCTUnwrap(try CLI.json(["models", "show", "churn-mlflow@production", "--json"], in: workspace) as? [String: Any])
        let version = (production["version"] as? [String: Any]) ?? production
        XCTAssertEqual(version["version"] as? Int, 1, "\(production)")
        XCTAssertEqual(version["framework"] as? String, "xgboost")
        XCTAssertEqual(version["run_id"] as? String, xgbRun)
        // Registered without preprocessing: `models show` lists the booster's features as the inputs.
        let shown = try CLI.run(["models", "show", "churn-mlflow@production"], in: workspace)
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.contains("Inputs (4, the booster's own features"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("a:float  b:float  c:float  d:float"), shown.stdout)
        XCTAssertEqual(server.stop(), 0, server.stderr)
    }

    func testErrorsAreJSONWithMLflowStatus() throws {
        let workspace = try CLI.makeWorkspace()
        let server = try ServeProcess([], in: workspace, command: "server")
        defer { server.stop() }
        let api = server.address + "/api/2.0/mlflow/"

        let unknown = try Curl.request(api + "runs/no-such-endpoint")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.json?["error_code"] as? String, "ENDPOINT_NOT_FOUND")
        let elsewhere = try Curl.request(server.address + "/nothing/here")
        XCTAssertEqual(elsewhere.status, 404)
        XCTAssertEqual(elsewhere.json?["error_code"] as? String, "ENDPOINT_NOT_FOUND")

        let badJSON = try Curl.request(api + "runs/create", method: "POST", body: Data("{\"experiment_id\": ".utf8))
        XCTAssertEqual(badJSON.status, 400)
        XCTAssertNotNil(badJSON.json?["error_code"] as? String)

        let missingRun = try Curl.request(api + "runs/get?run_id=" + String(repeating: "0", count: 32))
        XCTAssertEqual(missingRun.status, 404)
        XCTAssertEqual(missingRun.json?["error_code"] as? String, "RESOURCE_DOES_NOT_EXIST")

        let created = try Curl.post(api + "runs/create", json: ["experiment_id": "0", "start_time": "1700000000000"])
        XCTAssertEqual(created.status, 200, created.body)
        let info = (created.json?["run"] as? [String: Any])?["info"] as? [String: Any]
        let runID = try XCTUnwrap(info?["run_id"] as? String)
        XCTAssertEqual(info?["run_uuid"] as? String, runID)
        XCTAssertEqual(info?["start_time"] as? Int, 1_700_000_000_000)
        XCTAssertEqual(info?["artifact_uri"] as? String, "mlflow-artifacts:/0/\(runID)/artifacts")

        XCTAssertEqual(try Curl.post(api + "runs/log-parameter", json: ["run_id": runID, "key": "a", "value": "1"]).status, 200)
        XCTAssertEqual(try Curl.post(api + "runs/log-parameter", json: ["run_id": runID, "key": "a", "value": "1"]).status, 200)
        let changed = try Curl.post(api + "runs/log-parameter", json: ["run_id": runID, "key": "a", "value": "2"])
        XCTAssertEqual(changed.status, 400)
        XCTAssertEqual(changed.json?["error_code"] as? String, "INVALID_PARAMETER_VALUE")

        let tooMany = try Curl.post(api + "runs/search", json: ["experiment_ids": ["0"], "max_results": 50_001])
        XCTAssertEqual(tooMany.status, 400)
        XCTAssertEqual(tooMany.json?["error_code"] as? String, "INVALID_PARAMETER_VALUE")

        let artifacts = server.address + "/api/2.0/mlflow-artifacts/artifacts/0/\(runID)/artifacts/"
        for traversal in ["../../etc/passwd", "%2e%2e/x", "a/%252e%252e/b", "..%2fx"] {
            let answer = try Curl.request(artifacts + traversal, method: "PUT", body: Data("x".utf8), contentType: "application/octet-stream",
                                          extra: ["--path-as-is"])
            XCTAssertEqual(answer.status, 400, "\(traversal): \(answer.body)")
            XCTAssertEqual(answer.json?["error_code"] as? String, "INVALID_PARAMETER_VALUE", traversal)
        }
        let listing = try Curl.request(server.address + "/api/2.0/mlflow-artifacts/artifacts?path=0/\(runID)/artifacts/..")
        XCTAssertEqual(listing.status, 400)

        let put = try Curl.request(artifacts + "dir/f.txt", method: "PUT", body: Data("abc".utf8), contentType: "application/octet-stream")
        XCTAssertEqual(put.status, 200, put.body)
        let got = try Curl.request(artifacts + "dir/f.txt")
        XCTAssertEqual(got.status, 200)
        XCTAssertEqual(got.body, "abc")
        XCTAssertEqual(got.headers["x-content-type-options"], "nosniff")
        XCTAssertEqual(got.headers["content-disposition"], "attachment; filename=\"f.txt\"")
        let list = try Curl.request(server.address + "/api/2.0/mlflow-artifacts/artifacts?path=0/\(runID)/artifacts")
        XCTAssertEqual(list.body, "{\"files\":[{\"path\":\"dir\",\"is_dir\":true}]}")
        let fileListing = try Curl.request(server.address + "/api/2.0/mlflow-artifacts/artifacts?path=0/\(runID)/artifacts/dir/f.txt")
        XCTAssertEqual(fileListing.body, "{}")

        let models = try Curl.post(api + "logged-models/search", json: ["experiment_ids": ["0"]])
        XCTAssertEqual(models.status, 200)
    }

    func testInactiveAfterFailsQuietRunsAndACallRevivesThem() throws {
        let workspace = try CLI.makeWorkspace()
        let bad = try CLI.run(["server", "--port", "0", "--inactive-after", "soon"], in: workspace)
        XCTAssertNotEqual(bad.status, 0, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("inactive-after"), bad.stderr)
        let server = try ServeProcess(["--inactive-after", "3s"], in: workspace, command: "server")
        defer { server.stop() }
        let api = server.address + "/api/2.0/mlflow/"
        let created = try Curl.post(api + "runs/create", json: ["experiment_id": "0"])
        let runID = try XCTUnwrap(((created.json?["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String, created.body)
        func show() throws -> [String: Any] { try XCTUnwrap(try CLI.json(["runs", "show", runID, "--json"], in: workspace) as? [String: Any]) }
        var shown = try show()
        let deadline = Date().addingTimeInterval(20)
        while shown["status"] as? String == "RUNNING" && Date() < deadline { Thread.sleep(forTimeInterval: 0.3); shown = try show() }
        XCTAssertEqual(shown["status"] as? String, "FAILED")
        XCTAssertTrue((shown["status_reason"] as? String ?? "").contains("--inactive-after"), "\(shown)")
        let logged = try Curl.post(api + "runs/log-metric", json: ["run_id": runID, "key": "loss", "value": 0.5, "timestamp": 1_700_000_000_000])
        XCTAssertEqual(logged.status, 200, logged.body)
        XCTAssertEqual(try show()["status"] as? String, "RUNNING", "a call revives the run")
        XCTAssertEqual(server.stop(), 0, server.stderr)
    }

    /// `--threads` is checked like `mldeck serve`'s, and a server on several event-loop threads
    /// answers concurrent logging calls, each point stored once.
    func testThreadsOptionIsCheckedAndConcurrentCallsAreAllStored() throws {
        let workspace = try CLI.makeWorkspace()
        for bad in ["0", "257"] {
            let refused = try CLI.run(["server", "--port", "0", "--threads", bad], in: workspace)
            XCTAssertNotEqual(refused.status, 0, refused.stderr)
            XCTAssertTrue(refused.stderr.contains("threads") && refused.stderr.contains("1 to 256"), refused.stderr)
        }
        let server = try ServeProcess(["--threads", "3"], in: workspace, command: "server")
        defer { server.stop() }
        let api = server.address + "/api/2.0/mlflow/"
        let created = try Curl.post(api + "runs/create", json: ["experiment_id": "0"])
        let runID = try XCTUnwrap(((created.json?["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String, created.body)
        let statuses = Shared<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for call in 0..<10 {
                let step = worker * 10 + call
                let answer = try? Curl.post(api + "runs/log-metric", json: ["run_id": runID, "key": "loss", "value": Double(step), "timestamp": 1_700_000_000_000, "step": step])
                statuses.update { $0.append(answer?.status ?? -1) }
            }
        }
        XCTAssertEqual(statuses.read { $0 }, [Int](repeating: 200, count: 80))
        let history = try Curl.request(api + "metrics/get-history?run_id=\(runID)&metric_key=loss")
        let steps = ((history.json?["metrics"] as? [[String: Any]]) ?? []).compactMap { ($0["step"] as? NSNumber)?.intValue }
        XCTAssertEqual(steps.sorted(), Array(0..<80), history.body)
        XCTAssertEqual(server.stop(), 0, server.stderr)
    }

    func testNonLoopbackNeedsTokenAndTokenIsChecked() throws {
        let workspace = try CLI.makeWorkspace()
        let refused = try CLI.run(["server", "--host", "0.0.0.0", "--port", "0"], in: workspace)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("MLDECK_SERVER_TOKEN"), refused.stderr)

        let server = try ServeProcess([], in: workspace, environment: ["MLDECK_SERVER_TOKEN": "s3cret-token-123"], command: "server")
        defer { server.stop() }
        let url = server.address + "/api/2.0/mlflow/experiments/get?experiment_id=0"
        XCTAssertEqual(try Curl.request(url).status, 401)
        XCTAssertEqual(try Curl.request(url, headers: ["Authorization: Bearer wrong-token-1234"]).status, 401)
        let ok = try Curl.request(url, headers: ["Authorization: Bearer s3cret-token-123"])
        XCTAssertEqual(ok.status, 200, ok.body)
        XCTAssertEqual((ok.json?["experiment"] as? [String: Any])?["name"] as? String, "Default")
    }
}
