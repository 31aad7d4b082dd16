import Foundation
import XCTest

/// `models export` writes `mldeck_model.py` and a README: in the pinned Python environment the
/// loader predicts what `mldeck models predict` prints on the same rows (labels equal,
/// probabilities and values within 1e-6), for a binary model with text categories and missing
/// values, a multiclass and a regression model; it refuses and (leniently) scores bad values as
/// `models predict` does.
final class PythonLoaderEndToEndTests: XCTestCase {
    var workspace: URL!
    var python = ""

    static let yaml = """
        pipelines:
          churned:
            dataset: shop.csv
            steps:
              prepare:  {uses: split, with: {target: churned, exclude: [tier, spend], positive: "yes"}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: 30, max_depth: 4, eta: 0.3}}
              register: {uses: register, needs: [train], with: {model: shop-churn}}
          tier:
            dataset: shop.csv
            steps:
              prepare:  {uses: split, with: {target: tier, exclude: [churned, spend]}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: 20, max_depth: 3}}
              register: {uses: register, needs: [train], with: {model: shop-tier}}
          spend:
            dataset: shop.csv
            steps:
              prepare:  {uses: split, with: {target: spend, exclude: [churned, tier]}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: 30, max_depth: 4}}
              register: {uses: register, needs: [train], with: {model: shop-spend}}
        """

    /// Scores a CSV with the exported loader as a user would (`from mldeck_model import load`,
    /// the folder on PYTHONPATH), writing what it got as JSON.
    static let script = #"""
        import json, math, sys, warnings
        import pandas as pd
        from mldeck_model import load, ScoringError

        folder, data, out, mode = sys.argv[1:5]
        m = load(folder)
        df = pd.read_csv(data, keep_default_na=False, na_values=[""])
        result = {"task": m.task, "classes": m.classes, "inputs": m.inputs, "features": m.feature_names}
        lenient = mode == "lenient"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                pred = m.predict(df, lenient=lenient)
                result["predictions"] = [p if isinstance(p, str) else float(p) for p in pred.tolist()]
            except ScoringError as e:
                result["error"] = str(e)
        result["warnings"] = [str(w.message) for w in caught]
        if "error" not in result:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if m.task != "regression":
                    result["probabilities"] = m.predict_proba(df, lenient=lenient).tolist()
                last = m.features(df, lenient=lenient)[-1]
                result["last_row"] = [None if math.isnan(v) else float(v) for v in last.tolist()]
        json.dump(result, open(out, "w"))
        """#

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        python = try PythonEnvironment.interpreter()
        workspace = try CLI.makeWorkspace()
        try Self.yaml.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        try ShopData.csv(rows: 700, seed: 1).write(to: workspace.appendingPathComponent("shop.csv"), atomically: true, encoding: .utf8)
        // New rows, then one with every input missing (the last row).
        let score = ShopData.csv(rows: 160, seed: 2) + "C9999,,,,,,,,,\n"
        try score.write(to: workspace.appendingPathComponent("score.csv"), atomically: true, encoding: .utf8)
        try Self.script.write(to: workspace.appendingPathComponent("score.py"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    /// Trains, registers and exports `pipeline`'s model into `out-PIPELINE/`.
    func export(_ pipeline: String, model: String) throws -> String {
        let run = try CLI.run(["run", pipeline, "--quiet"], in: workspace)
        XCTAssertEqual(run.status, 0, run.stderr)
        let folder = "out-\(pipeline)/"
        let exported = try CLI.run(["models", "export", "\(model)@1", folder], in: workspace)
        XCTAssertEqual(exported.status, 0, exported.stderr)
        XCTAssertTrue(exported.stdout.contains("from mldeck_model import load; m = load(\"\(folder)\"); m.predict(df)"), exported.stdout)
        for file in ["mldeck_model.py", "README.md", "model.json", "preprocessing.json", "signature.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: workspace.appendingPathComponent(folder + file).path), "\(file) missing")
        }
        return folder
    }

    /// What the loader printed for `data` (`strict` or `lenient`).
    func pythonScores(_ folder: String, _ data: String, mode: String = "strict") throws -> [String: Any] {
        let out = workspace.appendingPathComponent("python-\(UUID().uuidString).json")
        let r = try PythonEnvironment.run(python, ["score.py", folder, data, out.path, mode], in: workspace,
                                          environment: ["PYTHONPATH": workspace.appendingPathComponent(folder).path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
    }

    /// `models predict --json` of the same rows.
    func mldeckScores(_ model: String, _ data: String, lenient: Bool = false) throws -> [String: Any] {
        try XCTUnwrap(CLI.json(["models", "predict", model, data] + (lenient ? ["--lenient"] : []), in: workspace) as? [String: Any])
    }

    func assertSame(_ ours: [String: Any], _ theirs: [String: Any], file: StaticString = #filePath, line: UInt = #line) {
        let predictions = ours["predictions"] as? [String: Any] ?? [:]
        let task = predictions["task"] as? String
        XCTAssertEqual(theirs["task"] as? String, task, file: file, line: line)
        if task == "regression" {
            let a = predictions["values"] as? [Double] ?? [], b = theirs["predictions"] as? [Double] ?? []
            XCTAssertEqual(a.count, b.count, file: file, line: line)
            XCTAssertGreaterThan(a.count, 100, file: file, line: line)
            let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? .infinity
            XCTAssertLessThan(worst, 1e-6, "regression values differ", file: file, line: line)
            return
        }
        XCTAssertEqual(theirs["classes"] as? [String], predictions["classes"] as? [String], file: file, line: line)
        let labels = predictions["labels"] as? [String] ?? []
        XCTAssertGreaterThan(labels.count, 100, file: file, line: line)
        XCTAssertEqual(theirs["predictions"] as? [String], labels, "labels differ", file: file, line: line)
        XCTAssertGreaterThan(Set(labels).count, 1, "every row got the same label", file: file, line: line)
        let a = predictions["probabilities"] as? [[Double]] ?? [], b = theirs["probabilities"] as? [[Double]] ?? []
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        var worst = 0.0
        for (x, y) in zip(a, b) {
            XCTAssertEqual(x.count, y.count, file: file, line: line)
            for (p, q) in zip(x, y) { worst = max(worst, abs(p - q)) }
        }
        XCTAssertLessThan(worst, 1e-6, "probabilities differ", file: file, line: line)
    }

    func testBinaryWithTextCategoriesAndMissingValuesMatchesModelsPredict() throws {
        let folder = try export("churned", model: "shop-churn")
        let theirs = try pythonScores(folder, "score.csv")
        XCTAssertNil(theirs["error"], "\(theirs["error"] ?? "")")
        XCTAssertEqual(theirs["classes"] as? [String], ["no", "yes"])
        assertSame(try mldeckScores("shop-churn@1", "score.csv"), theirs)

        // The row with every input missing: one-hot columns all 0 (not NaN), ordinal and numbers NaN.
        let names = theirs["features"] as? [String] ?? []
        let last = theirs["last_row"] as? [Any] ?? []
        XCTAssertEqual(names.count, last.count)
        XCTAssertTrue(names.contains("plan=pro, annual") && names.contains("city"), "\(names)")
        for (name, value) in zip(names, last) {
            if name.hasPrefix("plan=") { XCTAssertEqual(value as? Double, 0, name) } else { XCTAssertTrue(value is NSNull, "\(name): \(value)") }
        }
        let readme = try String(contentsOf: workspace.appendingPathComponent(folder + "README.md"), encoding: .utf8)
        for expected in ["# shop-churn@1", "positive class: `yes`", "| plan | categorical | onehot |", "| city | categorical | ordinal |",
                         "**all to 0** (not NaN)", "from mldeck_model import load"] {
            XCTAssertTrue(readme.contains(expected), "README lacks '\(expected)':\n\(readme)")
        }
    }

    func testBadValuesAreRefusedOrScoredAsMissingAsModelsPredictDoes() throws {
        let folder = try export("churned", model: "shop-churn")
        var bad = ShopData.csv(rows: 120, seed: 3)
        bad += "C9001,abc,52000.5,True,2021-03-04,basic,city-01,,,\n"
        bad += "C9002,41,61000,False,2020-07-01,enterprise,city-99,,,\n"
        try bad.write(to: workspace.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)

        // Text in a numeric column is refused by both; unseen categories are not the reason.
        let refused = try CLI.run(["models", "predict", "shop-churn@1", "bad.csv"], in: workspace)
        XCTAssertNotEqual(refused.status, 0)
        let strict = try pythonScores(folder, "bad.csv")
        let error = strict["error"] as? String ?? ""
        for line in ["1 value cannot be scored", "row 121, column 'age': 'abc' is not a number"] {
            XCTAssertTrue(refused.stderr.contains(line), "mldeck: '\(line)' not in \(refused.stderr)")
            XCTAssertTrue(error.contains(line), "python: '\(line)' not in \(error)")
        }
        XCTAssertFalse(refused.stderr.contains("city-99"), refused.stderr)
        XCTAssertFalse(error.contains("city-99"), error)

        // Unseen categories alone: scored as missing with a warning by both (as mldeck serve does).
        let unseenOnly = bad.split(separator: "\n").filter { !$0.hasPrefix("C9001,") }.joined(separator: "\n") + "\n"
        try unseenOnly.write(to: workspace.appendingPathComponent("unseen.csv"), atomically: true, encoding: .utf8)
        let oursUnseen = try mldeckScores("shop-churn@1", "unseen.csv")
        let theirsUnseen = try pythonScores(folder, "unseen.csv")
        XCTAssertNil(theirsUnseen["error"], "\(theirsUnseen)")
        assertSame(oursUnseen, theirsUnseen)
        XCTAssertEqual((oursUnseen["warnings"] as? [[String: Any]])?.count, 2)
        XCTAssertEqual((theirsUnseen["warnings"] as? [String])?.count, 2)

        let ours = try mldeckScores("shop-churn@1", "bad.csv", lenient: true)
        let lenient = try pythonScores(folder, "bad.csv", mode: "lenient")
        assertSame(ours, lenient)
        let warned = lenient["warnings"] as? [String] ?? []
        let problems = ours["warnings"] as? [[String: Any]] ?? []
        XCTAssertEqual(problems.count, 3)
        XCTAssertEqual(warned.count, problems.count, "\(warned)")
        for (problem, warning) in zip(problems, warned) {
            XCTAssertTrue(warning.hasPrefix("row \(problem["row"] ?? ""), column '\(problem["column"] ?? "")': '\(problem["value"] ?? "")'"), warning)
        }
    }

    func testMulticlassAndRegressionMatchModelsPredict() throws {
        let tier = try export("tier", model: "shop-tier")
        let tierScores = try pythonScores(tier, "score.csv")
        XCTAssertEqual(tierScores["classes"] as? [String], ["bronze", "gold", "silver"])
        assertSame(try mldeckScores("shop-tier@1", "score.csv"), tierScores)

        let spend = try export("spend", model: "shop-spend")
        assertSame(try mldeckScores("shop-spend@1", "score.csv"), try pythonScores(spend, "score.csv"))
    }
}

/// A small synthetic shop data set: numbers, booleans, dates, text categories (one with a comma,
/// one with more categories than the one-hot limit) with missing cells, and three targets.
enum ShopData {
    static func csv(rows: Int, seed: UInt64) -> String {
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let plans = ["basic", "plus", "pro, annual"]
        var out = "customer_id,age,income,member,joined,plan,city,churned,tier,spend\n"
        for r in 0..<rows {
            let age = 18 + Int(next() * 62), income = 20_000 + (next() * 100_000 * 100).rounded() / 100
            let member = next() < 0.4, day = Int(next() * 1500), plan = plans[Int(next() * 3)], city = Int(next() * 40)
            let noise = next() - 0.5
            let score = 0.04 * Double(age - 45) - (income - 70_000) / 40_000 + (plan == "basic" ? 0.8 : plan == "plus" ? 0 : -0.7)
                + (member ? -0.6 : 0) + Double(city % 5) * 0.25 - 0.4 + noise
            let tier = income + (plan == "basic" ? 0 : 15_000) > 85_000 ? "gold" : income > 50_000 ? "silver" : "bronze"
            let spend = income * 0.01 + Double(age) * 3 + (member ? 120 : 0) + noise * 50
            let date = ISO8601DateFormatter.string(from: Date(timeIntervalSince1970: 1_546_300_800 + Double(day) * 86_400),
                                                   timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            let cells = [String(format: "C%04d", r + Int(seed) * 1000),
                         r % 17 == 3 ? "" : "\(age)", r % 13 == 5 ? "" : String(format: "%.2f", income),
                         r % 19 == 7 ? "" : (member ? "True" : "False"), r % 23 == 11 ? "" : date,
                         r % 11 == 2 ? "" : "\"\(plan)\"", r % 29 == 13 ? "" : String(format: "city-%02d", city),
                         score > 0 ? "yes" : "no", tier, String(format: "%.2f", spend)]
            out += cells.joined(separator: ",") + "\n"
        }
        return out
    }
}
