import DeckStore
import Foundation
import XCTest

/// `mldeck import mlflow` from stores made by the real MLflow 3.6.0
/// (fixtures/mlflow-import, made by scripts/fixtures/make_mlflow_import_fixtures.py), checked
/// run by run against what the MLflow client read from the same stores (expected-*.json), MLflow 3
/// logged models (`models:/m-…`) included; a second import, a `kill -9` mid-import and its rerun,
/// `mldeck server` as the source, and bad sources.
final class MLflowImportEndToEndTests: XCTestCase {
    static var fixtures: URL { RepositoryFiles.root.appendingPathComponent("fixtures/mlflow-import") }

    /// A copy of the fixtures in a fresh folder: the stores record absolute artifact paths of the
    /// machine that made them, so the import must find the artifacts beside the moved store.
    func copiedFixtures() throws -> URL {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-mlflow-import-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.fixtures, to: copy)
        addTeardownBlock { try? FileManager.default.removeItem(at: copy) }
        return copy
    }

    func expected(_ label: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("expected-\(label).json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func importSummary(_ source: String, in workspace: URL, environment: [String: String] = [:],
                       file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let result = try CLI.run(["import", "mlflow", source, "--json"], in: workspace, environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout, file: file, line: line)
    }

    func runIDs(in workspace: URL) throws -> [String] {
        let result = try CLI.run(["runs", "list", "--all", "--json"], in: workspace)
        XCTAssertEqual(result.status, 0, result.stderr)
        let runs = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        return runs.compactMap { $0["id"] as? String }
    }

    /// The only things left out: the versions whose logged model was made outside any run, each
    /// with its reason.
    func assertSkipsOnlyRunlessLoggedModels(_ summary: [String: Any], _ expected: [String: Any], file: StaticString = #filePath, line: UInt = #line) {
        let skipped = summary["skipped"] as? [[String: Any]] ?? []
        let runless = MLflowImportCheck.runlessVersions(expected)
        XCTAssertFalse(runless.isEmpty, "the fixture holds a logged model made outside a run", file: file, line: line)
        XCTAssertEqual(skipped.compactMap { $0["what"] as? String }.sorted(), runless.map { "model \($0.model) version \($0.version)" }.sorted(),
                       "\(summary)", file: file, line: line)
        for skip in skipped {
            XCTAssertTrue((skip["reason"] as? String ?? "").contains("logged outside a run"), "\(skip)", file: file, line: line)
        }
    }

    func testSQLiteStoreImportsRunByRunAndASecondImportAddsNothing() throws {
        let stores = try copiedFixtures()
        let workspace = try CLI.makeWorkspace()
        let source = "sqlite:///" + stores.appendingPathComponent("sqlite/mlflow.db").path
        let first = try importSummary(source, in: workspace)
        let expected = try expected("sqlite")
        let runs = try XCTUnwrap(expected["runs"] as? [[String: Any]])
        XCTAssertEqual(first["runs_imported"] as? Int, runs.count, "\(first)")
        assertSkipsOnlyRunlessLoggedModels(first, expected)
        XCTAssertEqual(first["versions_imported"] as? Int, 3, "churn 1, 2 and 3 (the logged model): \(first)")
        XCTAssertEqual(first["aliases_set"] as? Int, 2, "\(first)")
        try MLflowImportCheck.compare(workspace: workspace, expected: expected)

        let second = try importSummary(source, in: workspace)
        XCTAssertEqual(second["runs_imported"] as? Int, 0, "\(second)")
        XCTAssertEqual(second["runs_already_present"] as? Int, runs.count)
        XCTAssertEqual(second["experiments_created"] as? Int, 0)
        XCTAssertEqual(second["versions_imported"] as? Int, 0)
        XCTAssertEqual(second["models_created"] as? Int, 0)
        XCTAssertEqual(second["aliases_set"] as? Int, 0)
        XCTAssertEqual(second["artifacts"] as? Int, 0, "the logged model's files are not copied again: \(second)")
        assertSkipsOnlyRunlessLoggedModels(second, expected)
        XCTAssertEqual(try runIDs(in: workspace).count, runs.count)
        try MLflowImportCheck.compare(workspace: workspace, expected: expected)
    }

    func testFileStoreImportsRunByRun() throws {
        let stores = try copiedFixtures()
        let workspace = try CLI.makeWorkspace()
        let summary = try importSummary(stores.appendingPathComponent("mlruns").path, in: workspace)
        let expected = try expected("mlruns")
        assertSkipsOnlyRunlessLoggedModels(summary, expected)
        XCTAssertEqual(summary["versions_imported"] as? Int, 3, "\(summary)")
        try MLflowImportCheck.compare(workspace: workspace, expected: expected)
        let again = try importSummary("file://" + stores.appendingPathComponent("mlruns").path, in: workspace)
        XCTAssertEqual(again["runs_imported"] as? Int, 0, "\(again)")
        XCTAssertEqual(again["versions_imported"] as? Int, 0, "\(again)")
        XCTAssertEqual(again["aliases_set"] as? Int, 0, "\(again)")
        XCTAssertEqual(again["artifacts"] as? Int, 0, "\(again)")
        try MLflowImportCheck.compare(workspace: workspace, expected: expected)
    }

    /// `kill -9` right after the first batch's commit (the failpoint; batches of 4 runs), then
    /// before the next batch's commit (that batch is lost whole), then a plain rerun: the complete
    /// history, each run once.
    func testKilledImportResumesWithoutDuplicates() throws {
        let stores = try copiedFixtures()
        let workspace = try CLI.makeWorkspace()
        let source = "sqlite:///" + stores.appendingPathComponent("sqlite/mlflow.db").path
        for point in ["mlflow-import.after-commit", "mlflow-import.before-commit"] {
            let killed = try CLI.run(["import", "mlflow", source, "--batch", "4"], in: workspace, environment: ["MLDECK_FAILPOINT": point])
            XCTAssertEqual(killed.status, 9, "\(point) should kill the import: \(killed.stderr)")
            XCTAssertTrue(killed.stderr.contains("failpoint \(point) reached"), killed.stderr)
        }
        XCTAssertEqual(try runIDs(in: workspace).count, 4, "one batch of 4 runs committed before the kills")
        let rerun = try importSummary(source, in: workspace)
        let expected = try expected("sqlite")
        let count = try XCTUnwrap(expected["runs"] as? [[String: Any]]).count
        XCTAssertGreaterThan(count, 8, "the fixture needs more than two batches")
        XCTAssertEqual(rerun["runs_imported"] as? Int, count - 4, "\(rerun)")
        let ids = try runIDs(in: workspace)
        XCTAssertEqual(ids.count, count)
        XCTAssertEqual(Set(ids).count, ids.count)
        try MLflowImportCheck.compare(workspace: workspace, expected: expected)
        let fsck = try CLI.run(["fsck"], in: workspace)
        XCTAssertEqual(fsck.status, 0, fsck.stdout + fsck.stderr)
    }

    /// One workspace's `mldeck server` as the source of another's import (real HTTP, the REST reader).
    /// Its logged-model records last only its lifetime, so `logged-models/<id>` answers 404: the
    /// logged model's version comes from the files its run brought under `models/<id>/`.
    func testImportFromAnMLDeckServer() throws {
        let stores = try copiedFixtures()
        let origin = try CLI.makeWorkspace()
        _ = try importSummary("sqlite:///" + stores.appendingPathComponent("sqlite/mlflow.db").path, in: origin)
        let server = try ServeProcess([], in: origin, command: "server")
        defer { server.stop() }
        let target = try CLI.makeWorkspace()
        let summary = try importSummary(server.address, in: target)
        XCTAssertEqual((summary["skipped"] as? [Any])?.count, 0, "\(summary)")
        XCTAssertEqual(summary["versions_imported"] as? Int, 3, "\(summary)")
        try MLflowImportCheck.compare(workspace: target, expected: try expected("sqlite"))
        let again = try importSummary(server.address + "/", in: target)
        XCTAssertEqual(again["runs_imported"] as? Int, 0, "\(again)")
        XCTAssertEqual(again["versions_imported"] as? Int, 0, "\(again)")
        XCTAssertEqual(server.stop(), 0, server.stderr)
    }

    /// A model logged through `mldeck server` the MLflow 3 way (a logged model, its model.ubj
    /// uploaded through the artifact proxy, a version whose source is `models:/m-…`, an alias),
    /// imported while that server still knows the logged model: `mldeck server` has no
    /// `logged-models/<id>/artifacts/…` endpoints, so the files are listed through the proxy.
    func testImportFromAnMLDeckServerThatKnowsTheLoggedModel() throws {
        let models = Self.fixtures.appendingPathComponent("mlruns")
        let ubjPath = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: models.path).sorted().first {
            $0.contains("/models/m-") && $0.hasSuffix("/artifacts/model.ubj")
        })
        let ubj = try Data(contentsOf: models.appendingPathComponent(ubjPath))
        let origin = try CLI.makeWorkspace()
        let server = try ServeProcess([], in: origin, command: "server")
        defer { server.stop() }
        let api = server.address + "/api/2.0/mlflow/"
        let experiment = try XCTUnwrap(try Curl.post(api + "experiments/create", json: ["name": "logged"]).json?["experiment_id"] as? String)
        let started = try Curl.post(api + "runs/create", json: ["experiment_id": experiment, "run_name": "train"])
        let run = try XCTUnwrap(((started.json?["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String, started.body)
        let created = try Curl.post(api + "logged-models", json: ["experiment_id": experiment, "source_run_id": run, "name": "booster"])
        let id = try XCTUnwrap(((created.json?["model"] as? [String: Any])?["info"] as? [String: Any])?["model_id"] as? String, created.body)
        let put = try Curl.request(server.address + "/api/2.0/mlflow-artifacts/artifacts/\(experiment)/\(run)/artifacts/models/\(id)/model.ubj",
                                   method: "PUT", body: ubj, contentType: "application/octet-stream")
        XCTAssertEqual(put.status, 200, put.body)
        for (endpoint, body) in [("runs/update", ["run_id": run, "status": "FINISHED"]), ("registered-models/create", ["name": "booster"]),
                                 ("model-versions/create", ["name": "booster", "source": "models:/\(id)", "run_id": run, "model_id": id]),
                                 ("registered-models/alias", ["name": "booster", "alias": "live", "version": "1"])] {
            let answer = try Curl.post(api + endpoint, json: body)
            XCTAssertEqual(answer.status, 200, "\(endpoint): \(answer.body)")
        }

        let target = try CLI.makeWorkspace()
        let summary = try importSummary(server.address, in: target)
        XCTAssertEqual((summary["skipped"] as? [Any])?.count, 0, "\(summary)")
        XCTAssertEqual(summary["versions_imported"] as? Int, 1, "\(summary)")
        XCTAssertEqual(summary["aliases_set"] as? Int, 1, "\(summary)")
        let shown = try XCTUnwrap(try CLI.json(["models", "show", "booster"], in: target) as? [String: Any])
        let version = try XCTUnwrap((shown["versions"] as? [[String: Any]])?.first, "\(shown)")
        XCTAssertEqual(version["aliases"] as? [String], ["live"])
        XCTAssertEqual(version["framework"] as? String, "xgboost")
        XCTAssertEqual(version["run_id"] as? String, run)
        XCTAssertEqual(MLflowImportCheck.objectHex(version["model_object"]), ObjectID.of(ubj).hex, "the model.ubj, byte for byte")
        XCTAssertEqual((version["tags"] as? [String: String])?["mlflow.model_id"], id)
        let again = try importSummary(server.address, in: target)
        XCTAssertEqual(again["versions_imported"] as? Int, 0, "\(again)")
        XCTAssertEqual(again["artifacts"] as? Int, 0, "\(again)")
        XCTAssertEqual(server.stop(), 0, server.stderr)
    }

    func testBadSourcesAreClearErrorsThatNameThem() throws {
        let workspace = try CLI.makeWorkspace()
        let notADatabase = workspace.appendingPathComponent("notes.db")
        try Data("hello, not sqlite".utf8).write(to: notADatabase)
        let emptyFolder = workspace.appendingPathComponent("empty-mlruns")
        try FileManager.default.createDirectory(at: emptyFolder, withIntermediateDirectories: true)
        let cases: [(String, String)] = [
            ("sqlite:////no/such/mlflow.db", "/no/such/mlflow.db: no such file"),
            ("sqlite:///" + notADatabase.path, "\(notADatabase.path) is not an MLflow store"),
            (emptyFolder.path, "\(emptyFolder.path) is not an MLflow store"),
            ("http://127.0.0.1:9", "cannot reach the MLflow server http://127.0.0.1:9"),
            ("s3://bucket/mlruns", "'s3://bucket/mlruns' is not an MLflow source"),
        ]
        for (source, message) in cases {
            let result = try CLI.run(["import", "mlflow", source], in: workspace)
            XCTAssertNotEqual(result.status, 0, source)
            XCTAssertTrue(result.stderr.contains(message), "\(source): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Error Domain"), result.stderr)
        }
        XCTAssertEqual(try runIDs(in: workspace).count, 0)
    }
}
