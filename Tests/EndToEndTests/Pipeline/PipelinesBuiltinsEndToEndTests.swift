import Foundation
import XCTest

/// `mldeck pipelines builtins [--json]` prints every built-in with its options from the catalog.
final class PipelinesBuiltinsEndToEndTests: XCTestCase {
    func testTextListsEveryBuiltinWithOptionsDefaultsAndRanges() throws {
        let result = try CLI.run(["pipelines", "builtins"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for name in ["split", "xgboost", "linear", "evaluate", "register", "deploy"] {
            XCTAssertTrue(result.stdout.contains("\n\(name) — ") || result.stdout.hasPrefix("\(name) — "), "\(name) missing:\n\(result.stdout)")
        }
        XCTAssertTrue(result.stdout.contains("test_size"), result.stdout)
        XCTAssertTrue(result.stdout.contains("number, default 0.2; a number from 0 to 1 (1 excluded): share of rows for the test split"), result.stdout)
        XCTAssertTrue(result.stdout.contains("target") && result.stdout.contains("text, required"), result.stdout)
        XCTAssertTrue(result.stdout.contains("+ XGBoost 1.7 parameters (default XGBoost's): eta, learning_rate"), result.stdout)
    }

    func testJSONCarriesEveryOption() throws {
        let result = try CLI.run(["pipelines", "builtins", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(list.compactMap { $0["name"] as? String }, ["split", "xgboost", "linear", "evaluate", "register", "select", "deploy"])
        let xgboost = try XCTUnwrap(list.first { $0["name"] as? String == "xgboost" })
        let options = try XCTUnwrap(xgboost["options"] as? [[String: Any]])
        let rounds = try XCTUnwrap(options.first { $0["key"] as? String == "rounds" })
        XCTAssertEqual(rounds["type"] as? String, "whole number")
        XCTAssertEqual(rounds["allowed"] as? String, "a whole number from 1 to 100000")
        XCTAssertEqual(rounds["default"] as? String, "params.rounds, else 100")
        XCTAssertEqual(rounds["required"] as? Bool, false)
        XCTAssertNotNil(options.first { $0["key"] as? String == "max_depth" }, "XGBoost parameters are listed too")
        let split = try XCTUnwrap(list.first { $0["name"] as? String == "split" })
        let target = try XCTUnwrap((split["options"] as? [[String: Any]])?.first { $0["key"] as? String == "target" })
        XCTAssertEqual(target["required"] as? Bool, true)
    }

    func testShowDescribesTheBuiltinsAPipelineUsesFromTheCatalog() throws {
        let workspace = try CLI.makeWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let yaml = """
            pipelines:
              p:
                dataset: data.csv
                steps:
                  prepare: {uses: split, with: {target: y}}
                  train: {uses: xgboost, needs: [prepare]}
                  again: {uses: xgboost, needs: [prepare]}
            """
        try yaml.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["pipelines", "show", "p"], in: workspace)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Built-ins  (their options: mldeck pipelines builtins)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("  split    train / validation / test split"), result.stdout)
        XCTAssertEqual(result.stdout.components(separatedBy: "  xgboost  gradient-boosted trees").count, 2, result.stdout)
    }
}
