import Foundation
import XCTest

/// An XGBoost model registered through MLflow has no preprocessing spec, yet `mldeck serve` and
/// `models predict` score it as `mlflow models serve` does: the request's columns are the
/// booster's features (`f0`, `f1`, `f2` here), as numbers. The fixture's logged model (churn
/// version 3, alias `challenger`) is compared with Python xgboost's predictions on the same rows
/// (fixtures/booster-schema/reference.json, made by scripts/fixtures/make_booster_schema_fixtures.py).
final class MLflowImportServeEndToEndTests: XCTestCase {
    var server: ServeProcess?

    override func tearDown() {
        server?.stop()
        server = nil
    }

    struct Reference {
        var rows: [[Double?]]
        var probabilities: [Double]
    }

    func reference() throws -> Reference {
        let url = RepositoryFiles.root.appendingPathComponent("fixtures/booster-schema/reference.json")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let churn = try XCTUnwrap(json["mlflow_churn_v3"] as? [String: Any])
        let rows = try XCTUnwrap(churn["rows"] as? [[Any]]).map { $0.map { $0 as? Double } }
        return Reference(rows: rows, probabilities: try XCTUnwrap(churn["predictions"] as? [Double]))
    }

    /// A workspace holding the SQLite fixture store's import.
    func importedWorkspace() throws -> URL {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-mlflow-serve-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: MLflowImportEndToEndTests.fixtures, to: copy)
        addTeardownBlock { try? FileManager.default.removeItem(at: copy) }
        let workspace = try CLI.makeWorkspace()
        let imported = try CLI.run(["import", "mlflow", "sqlite:///" + copy.appendingPathComponent("sqlite/mlflow.db").path], in: workspace)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        return workspace
    }

    func assertProbabilities(_ got: [[Double]], _ expected: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, expected.count, what, file: file, line: line)
        for (row, p) in zip(got, expected) {
            XCTAssertEqual(row.count, 2, what, file: file, line: line)
            XCTAssertEqual(row.last ?? -1, p, accuracy: 1e-6, "\(what): probability of class 1", file: file, line: line)
            XCTAssertEqual(row.first ?? -1, 1 - p, accuracy: 1e-6, what, file: file, line: line)
        }
    }

    func testServeAndPredictAnMLflowXGBoostVersionLikePython() throws {
        let workspace = try importedWorkspace()
        let reference = try reference()
        let labels = reference.probabilities.map { $0 > 0.5 ? "1" : "0" }

        // models predict on the rows as CSV (a missing cell is missing).
        let csv = "f0,f1,f2\n" + reference.rows.map { $0.map { $0.map { "\($0)" } ?? "" }.joined(separator: ",") }.joined(separator: "\n") + "\n"
        try csv.write(to: workspace.appendingPathComponent("rows.csv"), atomically: true, encoding: .utf8)
        let predicted = try XCTUnwrap(CLI.json(["models", "predict", "churn@challenger", "rows.csv"], in: workspace) as? [String: Any])
        let offline = try XCTUnwrap(predicted["predictions"] as? [String: Any], "\(predicted)")
        XCTAssertEqual(offline["labels"] as? [String], labels)
        assertProbabilities(try XCTUnwrap(offline["probabilities"] as? [[Double]]), reference.probabilities, "models predict")

        // The endpoint: dataframe_split, columns in another order plus one the model does not read.
        server = try ServeProcess(["churn@challenger"], in: workspace)
        let url = try XCTUnwrap(server?.address) + "/invocations"
        let order = [2, 0, 1]
        let body: [String: Any] = ["dataframe_split": [
            "columns": order.map { "f\($0)" } + ["customer"],
            "data": reference.rows.enumerated().map { i, row in order.map { row[$0] as Any? ?? NSNull() } + ["c\(i)"] },
        ]]
        let answer = try Curl.post(url, json: body)
        XCTAssertEqual(answer.status, 200, answer.body)
        XCTAssertEqual(answer.headers["x-model-version"], "3")
        let json = try XCTUnwrap(answer.json, answer.body)
        XCTAssertEqual(json["predictions"] as? [String], labels)
        XCTAssertEqual(json["classes"] as? [String], ["0", "1"])
        assertProbabilities(try XCTUnwrap(json["probabilities"] as? [[Double]]), reference.probabilities, "/invocations")
        let warnings = json["warnings"] as? [String] ?? []
        XCTAssertTrue(warnings.contains { $0.contains("'customer'") }, "\(warnings)")

        // A feature missing from the request: 400 naming it.
        let missing = try Curl.post(url, json: ["dataframe_split": ["columns": ["f0", "f1"], "data": [[0.1, 0.2]]]])
        XCTAssertEqual(missing.status, 400, missing.body)
        XCTAssertTrue(missing.body.contains("f2"), missing.body)
    }
}
