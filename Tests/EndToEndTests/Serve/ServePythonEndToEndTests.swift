import Foundation
import XCTest

/// One fixture, three ways to score it: `mldeck models predict`, the endpoint (called from
/// Python with `requests`, as the README's "Serving" example does, with a pandas DataFrame sent
/// as `dataframe_split`) and the exported model in Python xgboost give the same labels and
/// probabilities.
final class ServePythonEndToEndTests: XCTestCase {
    static let script = #"""
        import json, sys
        import pandas as pd
        import requests
        from mldeck_model import load

        address, folder, data, out = sys.argv[1:5]
        df = pd.read_csv(data, keep_default_na=False, na_values=[""])
        # As the README shows: MLflow's dataframe_split, from pandas.
        answer = requests.post(f"{address}/invocations",
                               json={"dataframe_split": json.loads(df.to_json(orient="split", index=False))}, timeout=30)
        answer.raise_for_status()
        served = answer.json()
        m = load(folder)
        json.dump({"served": served, "version": answer.headers["X-Model-Version"],
                   "labels": [str(p) for p in m.predict(df).tolist()],
                   "probabilities": m.predict_proba(df).tolist()}, open(out, "w"))
        """#

    func testModelsPredictTheEndpointAndPythonXGBoostAgreeOnOneFixture() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        let python = try PythonEnvironment.interpreter()
        let workspace = try ServeFixture.workspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let exported = try CLI.run(["models", "export", "shop-churn@1", "out/"], in: workspace)
        XCTAssertEqual(exported.status, 0, exported.stderr)
        try Self.script.write(to: workspace.appendingPathComponent("client.py"), atomically: true, encoding: .utf8)

        let cli = try XCTUnwrap(CLI.json(["models", "predict", "shop-churn@1", "score.csv"], in: workspace) as? [String: Any])
        let predictions = try XCTUnwrap(cli["predictions"] as? [String: Any])
        let labels = try XCTUnwrap(predictions["labels"] as? [String])
        let probabilities = try XCTUnwrap(predictions["probabilities"] as? [[Double]])

        let server = try ServeProcess(["shop-churn@production"], in: workspace)
        defer { server.stop(SIGKILL) }
        let out = workspace.appendingPathComponent("client.json")
        let run = try PythonEnvironment.run(python, ["client.py", server.address, "out", "score.csv", out.path], in: workspace,
                                            environment: ["PYTHONPATH": workspace.appendingPathComponent("out").path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let result = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        let served = try XCTUnwrap(result["served"] as? [String: Any])
        XCTAssertEqual(result["version"] as? String, "1")

        XCTAssertEqual(served["predictions"] as? [String], labels, "endpoint vs models predict")
        XCTAssertEqual(result["labels"] as? [String], labels, "python xgboost vs models predict")
        XCTAssertGreaterThan(Set(labels).count, 1)
        func worst(_ a: [[Double]], _ b: [[Double]]) -> Double {
            XCTAssertEqual(a.count, b.count)
            return zip(a, b).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? 1
        }
        XCTAssertLessThan(worst(try XCTUnwrap(served["probabilities"] as? [[Double]]), probabilities), 1e-9)
        XCTAssertLessThan(worst(try XCTUnwrap(result["probabilities"] as? [[Double]]), probabilities), 1e-6)
        XCTAssertEqual(server.stop(), 0)
    }
}
