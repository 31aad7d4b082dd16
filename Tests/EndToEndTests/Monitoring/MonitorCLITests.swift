import Foundation
import XCTest

/// `mldeck monitor --batch` and `mldeck alerts` on the churn data: a model trained by a pipeline,
/// a copy of the data with two features shifted raises one alert naming exactly those two (a
/// second check updates it instead of raising another), `on_alert:` gets it as JSON, it is
/// acknowledged with a note, and a clean batch resolves it.
final class MonitorCLITests: XCTestCase {
    var workspace: URL!

    static let yaml = """
        pipelines:
          churn:
            dataset: wa_churn.csv
            steps:
              prepare:  {uses: split, with: {target: churn, exclude: [rownames], test_size: 0.2, seed: 42}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: 10, max_depth: 3}}
              register: {uses: register, needs: [train], with: {model: churn-model}}
        monitors:
          churn-model: {window: 1000, drift_share: 0.5}
        on_alert: "cat > alert-from-hook.json"
        """

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
        let text = try String(contentsOf: CLI.sharedData.appendingPathComponent("wa_churn.csv"), encoding: .utf8)
        try text.write(to: workspace.appendingPathComponent("wa_churn.csv"), atomically: true, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst()
        let columns = header.split(separator: ",").map(String.init)
        let tenure = try XCTUnwrap(columns.firstIndex(of: "tenure")), charges = try XCTUnwrap(columns.firstIndex(of: "monthly_charges"))
        let moved = lines.map { line -> String in
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if let t = Int(cells[tenure]) { cells[tenure] = String(t + 24) }
            if let m = Double(cells[charges]) { cells[charges] = String(format: "%.2f", m * 1.4) }
            return cells.joined(separator: ",")
        }
        try ([header] + moved).joined(separator: "\n").write(to: workspace.appendingPathComponent("shifted.csv"), atomically: true, encoding: .utf8)
        try Self.yaml.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", "churn", "--quiet"], in: workspace)
        XCTAssertEqual(run.status, 0, run.stderr)
    }

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func monitor(_ batch: String) throws -> [String: Any] {
        let out = try XCTUnwrap(try CLI.json(["monitor", "churn-model", "--batch", batch], in: workspace) as? [String: Any])
        return try XCTUnwrap(out["result"] as? [String: Any])
    }

    func drifted(_ result: [String: Any]) -> Set<String> {
        let columns = (result["drift"] as? [String: Any])?["columns"] as? [[String: Any]] ?? []
        return Set(columns.filter { $0["drifted"] as? Bool == true }.compactMap { $0["column"] as? String })
    }

    func alerts(_ extra: [String] = []) throws -> [[String: Any]] {
        try XCTUnwrap(try CLI.json(["alerts", "list"] + extra, in: workspace) as? [[String: Any]])
    }

    func testShiftedBatchRaisesOneAlertAckedAndResolvedByACleanBatch() throws {
        let shifted = try monitor("shifted.csv")
        // The two shifted inputs, and the model's scores, which follow them.
        XCTAssertEqual(drifted(shifted), ["tenure", "monthly_charges", "prediction"])
        XCTAssertEqual(shifted["version"] as? Int, 1)
        XCTAssertTrue((shifted["reference"] as? String)?.hasPrefix("training split of churn-model@1 (5634 rows)") ?? false, "\(shifted["reference"] ?? "")")
        let changes = shifted["alerts"] as? [[String: Any]] ?? []
        XCTAssertEqual(changes.map { $0["action"] as? String }, ["raised"])
        var open = try alerts(["--open"])
        XCTAssertEqual(open.count, 1)
        let alert = try XCTUnwrap(open.first)
        let id = try XCTUnwrap(alert["id"] as? Int)
        XCTAssertEqual(alert["kind"] as? String, "drift")
        XCTAssertEqual(alert["severity"] as? String, "warning", "3 of 20 features: below drift_share 0.5")
        XCTAssertEqual(alert["model"] as? String, "churn-model")
        let features = alert["features"] as? [[String: Any]] ?? []
        XCTAssertEqual(Set(features.filter { $0["drifted"] as? Bool == true }.compactMap { $0["name"] as? String }), ["tenure", "monthly_charges", "prediction"])

        // on_alert: got the same alert as JSON on its standard input.
        let hook = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: workspace.appendingPathComponent("alert-from-hook.json"))) as? [String: Any])
        XCTAssertEqual(hook["id"] as? Int, id)
        XCTAssertEqual(hook["severity"] as? String, "warning")
        try FileManager.default.removeItem(at: workspace.appendingPathComponent("alert-from-hook.json"))

        // The same condition again: updated, not raised; the hook is not run again.
        let again = try monitor("shifted.csv")
        XCTAssertEqual((again["alerts"] as? [[String: Any]] ?? []).map { $0["action"] as? String }, ["updated"])
        XCTAssertEqual(try alerts().count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("alert-from-hook.json").path))

        let ack = try CLI.run(["alerts", "ack", "\(id)", "--note", "retraining on new data"], in: workspace, environment: ["MLDECK_AUTHOR": "ana"])
        XCTAssertEqual(ack.status, 0, ack.stderr)
        let show = try CLI.run(["alerts", "show", "\(id)"], in: workspace)
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("by ana at"), show.stdout)
        XCTAssertTrue(show.stdout.contains("retraining on new data"), show.stdout)
        XCTAssertTrue(show.stdout.contains("tenure: reference vs current"), show.stdout)
        XCTAssertTrue(show.stdout.contains("█"), show.stdout)
        let rows = show.stdout.split(separator: "\n").map(String.init)
        let firstTwo = rows.filter { row in ["tenure ", "monthly_charges ", "contract ", "total_charges "].contains { row.hasPrefix($0) } }.prefix(2)
        XCTAssertEqual(Set(firstTwo.compactMap { $0.split(separator: " ").first.map(String.init) }), ["tenure", "monthly_charges"],
                       "the feature table is sorted by score: the drifted ones first\n\(show.stdout)")

        let clean = try monitor("wa_churn.csv")
        XCTAssertEqual(drifted(clean), [])
        XCTAssertEqual((clean["alerts"] as? [[String: Any]] ?? []).map { $0["action"] as? String }, ["resolved"])
        open = try alerts(["--open"])
        XCTAssertEqual(open.count, 0)
        let all = try alerts()
        XCTAssertEqual(all.count, 1)
        XCTAssertEqual(all.first?["acknowledged_by"] as? String, "ana")
        XCTAssertNotNil(all.first?["resolved_at"] as? String)
        let list = try CLI.run(["alerts", "list"], in: workspace)
        XCTAssertTrue(list.stdout.contains("resolved"), list.stdout)
    }

    /// The endpoint's log: predictions of shifted rows drift on exactly the shifted features;
    /// feedback labels that disagree with the model break the accuracy floor (a critical alert).
    func testLoggedPredictionsOfTheServedModel() throws {
        let yaml = Self.yaml.replacingOccurrences(of: "churn-model: {window: 1000, drift_share: 0.5}",
                                                  with: "churn-model: {window: 300, quality: {metric: accuracy, floor: 0.9, min_labels: 50}}")
        try yaml.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        let server = try ServeProcess(["churn-model@1"], in: workspace)
        defer { server.stop() }
        let csv = try String(contentsOf: workspace.appendingPathComponent("shifted.csv"), encoding: .utf8)
        let parsed = ServeFixture.rows(csv)
        let keep = parsed.header.indices.filter { parsed.header[$0] != "churn" }
        func value(_ cell: String?) -> Any { cell.map { Double($0).map { $0 as Any } ?? $0 } ?? NSNull() }
        let rows = parsed.rows.prefix(300).map { row in keep.map { value(row[$0]) } }
        let answer = try Curl.post(server.address + "/invocations",
                                   json: ["dataframe_split": ["columns": keep.map { parsed.header[$0] }, "data": rows]])
        XCTAssertEqual(answer.status, 200, answer.body)
        let ids = try XCTUnwrap(answer.json?["prediction_ids"] as? [String])
        let predicted = try XCTUnwrap(answer.json?["predictions"] as? [String])
        // Every label the opposite of the prediction: accuracy 0.
        let labels = predicted.map { $0 == "Yes" ? "No" : "Yes" }
        XCTAssertEqual(try Curl.post(server.address + "/feedback", json: ["prediction_ids": ids, "labels": labels]).status, 200)

        var result: [String: Any] = [:]
        XCTAssertTrue(try CLI.waitFor(20) {
            let out = try CLI.json(["monitor", "churn-model"], in: workspace) as? [String: Any]
            result = out?["result"] as? [String: Any] ?? [:]
            return result["rows"] as? Int == 300 && (result["quality"] as? [String: Any])?["labeled"] as? Int == 300
        }, "the log holds the window and its labels: \(result)")
        XCTAssertEqual(result["source"] as? String, "predictions")
        XCTAssertEqual(drifted(result), ["tenure", "monthly_charges", "prediction"], "the logged scores drift with the inputs")
        XCTAssertEqual((result["quality"] as? [String: Any])?["value"] as? Double, 0)
        let open = try alerts(["--open"])
        XCTAssertEqual(Set(open.compactMap { $0["kind"] as? String }), ["drift", "quality"])
        XCTAssertEqual(open.first { $0["kind"] as? String == "quality" }?["severity"] as? String, "critical")
        XCTAssertEqual(open.first { $0["kind"] as? String == "drift" }?["version"] as? Int, 1)
    }

    func testErrorsNameTheProblem() throws {
        let unknown = try CLI.run(["alerts", "show", "99"], in: workspace)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("there is no alert 99"), unknown.stderr)
        let noLog = try CLI.run(["monitor", "churn-model"], in: workspace)
        XCTAssertEqual(noLog.status, 1)
        XCTAssertTrue(noLog.stderr.contains("prediction log"), noLog.stderr)
        let missing = try CLI.run(["monitor", "churn-model", "--batch", "nope.csv"], in: workspace)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("nope.csv"), missing.stderr)
        let model = try CLI.run(["monitor", "no-model", "--batch", "wa_churn.csv"], in: workspace)
        XCTAssertEqual(model.status, 1)
        XCTAssertTrue(model.stderr.contains("no-model"), model.stderr)
    }
}
