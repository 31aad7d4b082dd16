import Foundation
import XCTest

/// The `evaluate` step's charts as a user sees them: `runs show` prints the confusion matrix and
/// the top features by gain (and `--json` carries them), `runs compare` sets two runs' AUC and
/// confusion matrices side by side.
final class EvaluationEndToEndTests: XCTestCase {
    var workspace: URL!

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
        var csv = "id,tenure,charges,plan,churned\n"
        var state: UInt64 = 12345
        func next() -> Double {  // a small deterministic generator (LCG)
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for i in 0..<400 {
            let tenure = next() * 72, charges = 20 + next() * 100
            let plan = ["basic", "plus", "pro"][i % 3]
            let risk = 1.5 - tenure / 24 + charges / 80 + (plan == "basic" ? 0.8 : 0) + (next() - 0.5) * 2
            csv += "\(i),\(String(format: "%.2f", tenure)),\(String(format: "%.2f", charges)),\(plan),\(risk > 0.8 ? "yes" : "no")\n"
        }
        try csv.write(to: workspace.appendingPathComponent("churn.csv"), atomically: true, encoding: .utf8)
        try """
        pipelines:
          churn:
            dataset: churn.csv
            params: {depth: 2}
            steps:
              prepare:  {uses: split, with: {target: churned, exclude: [id], seed: 3, positive: "yes"}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: 20, max_depth: "${params.depth}", nthread: 1}}
              evaluate: {uses: evaluate, needs: [train]}
        """.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func runPipeline(depth: Int) throws -> String {
        let result = try CLI.run(["run", "churn", "-p", "depth=\(depth)", "--json"], in: workspace)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
        return try XCTUnwrap(summary["run_id"] as? String)
    }

    func testRunsShowPrintsConfusionMatrixAndTopFeatures() throws {
        let run = try runPipeline(depth: 2)
        let shown = try CLI.run(["runs", "show", run], in: workspace)
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.contains("Evaluation (step evaluate: test split"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("Confusion matrix"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("actual \\ predicted"), shown.stdout)
        let matrixHeader = try XCTUnwrap(shown.stdout.split(separator: "\n").first { $0.contains("actual \\ predicted") })
        XCTAssertTrue(matrixHeader.contains("no") && matrixHeader.contains("yes"), String(matrixHeader))
        XCTAssertTrue(shown.stdout.contains("Top features by gain"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("tenure"), shown.stdout)

        let json = try XCTUnwrap(CLI.json(["runs", "show", run], in: workspace) as? [String: Any])
        let evaluation = try XCTUnwrap(json["evaluation"] as? [String: Any], "\(json.keys)")
        let matrix = try XCTUnwrap(evaluation["confusion_matrix"] as? [[Int]])
        XCTAssertEqual(matrix.count, 2)
        XCTAssertEqual(matrix.flatMap { $0 }.reduce(0, +), evaluation["rows"] as? Int)
        XCTAssertEqual(evaluation["classes"] as? [String], ["no", "yes"])
        let importance = try XCTUnwrap(evaluation["importance"] as? [[String: Any]])
        XCTAssertFalse(importance.isEmpty)
        let gains = importance.compactMap { $0["score"] as? Double }
        XCTAssertEqual(gains, gains.sorted(by: >))
        XCTAssertNotNil(evaluation["auc"] as? Double)

        // The artifact itself holds the curves.
        let artifacts = try XCTUnwrap(json["artifacts"] as? [[String: Any]])
        XCTAssertTrue(artifacts.contains { ($0["path"] as? String) == "steps/evaluate/evaluation.json" }, "\(artifacts)")
    }

    func testRunsCompareSetsAUCAndConfusionMatricesSideBySide() throws {
        let first = try runPipeline(depth: 2)
        let second = try runPipeline(depth: 4)
        let compared = try CLI.run(["runs", "compare", first, second], in: workspace)
        XCTAssertEqual(compared.status, 0, compared.stderr)
        let lines = compared.stdout.split(separator: "\n").map(String.init)
        let start = try XCTUnwrap(lines.firstIndex(of: "Evaluation"), compared.stdout)
        let section = lines[start...]
        let aucLine = try XCTUnwrap(section.first { $0.contains("auc ") }, compared.stdout)
        XCTAssertEqual(aucLine.components(separatedBy: "auc ").count, 3, "both runs' AUC on one line: \(aucLine)")
        let header = try XCTUnwrap(section.first { $0.contains("actual \\ predicted") }, compared.stdout)
        XCTAssertEqual(header.components(separatedBy: "actual \\ predicted").count, 3, "both matrices side by side: \(header)")

        let json = try XCTUnwrap(CLI.json(["runs", "compare", first, second], in: workspace) as? [String: Any])
        let evaluations = try XCTUnwrap(json["evaluations"] as? [[String: Any]])
        XCTAssertEqual(evaluations.count, 2)
        XCTAssertEqual(evaluations.compactMap { $0["confusion_matrix"] as? [[Int]] }.count, 2)
    }
}
