import Foundation
import XCTest

/// Rough edges of the command line a new user meets in the first hour.
final class FirstHourCLITests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
    }

    func testMistypedCommandSuggestsTheRightOne() throws {
        let result = try CLI.run(["modles", "list"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("unknown command 'modles'; did you mean 'models'?"), result.stderr)
        let far = try CLI.run(["frobnicate"])
        XCTAssertEqual(far.status, 2)
        XCTAssertTrue(far.stderr.contains("unknown command 'frobnicate'"), far.stderr)
        XCTAssertFalse(far.stderr.contains("did you mean"), far.stderr)
        XCTAssertEqual(try CLI.run(["--version"]).status, 0)
        // Usage errors are known by their type (ArgumentParser's EX_USAGE), and exit 2.
        for arguments in [["runs", "list", "--limit", "abc"], ["runs", "list", "--bogus"], ["models", "promote", "m"]] {
            let usage = try CLI.run(arguments)
            XCTAssertEqual(usage.status, 2, "\(arguments): \(usage.stderr)")
            XCTAssertFalse(usage.stderr.isEmpty)
        }
    }

    func testFilterSyntaxErrorExitsWithTheUsageStatus() throws {
        let workspace = try CLI.makeWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let result = try CLI.run(["runs", "list", "--filter", "metrics.x >"], in: workspace)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("filter error at column 12"), result.stderr)
    }

    func testInitKeepsTheStoreOutOfGit() throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mldeck-init-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        XCTAssertEqual(try CLI.run(["init", root.path]).status, 0)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent(".gitignore"), encoding: .utf8).split(separator: "\n").last, ".mldeck/")

        let other = root.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try "build/".write(to: other.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLI.run(["init", other.path]).status, 0)
        let lines = try String(contentsOf: other.appendingPathComponent(".gitignore"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, "build/")
        XCTAssertEqual(lines.filter { $0 == ".mldeck/" }.count, 1)
    }

    /// `runs list` pages (a default limit, `--offset`), refuses an unknown experiment, and puts
    /// evaluated metrics before per-round curves in its default columns.
    func testRunsListPagesAndPrefersEvaluatedMetrics() throws {
        let workspace = try CLI.makeWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        for i in 0..<3 {
            let id = try CLI.run(["runs", "create", "--name", "r\(i)", "--experiment", "exp"], in: workspace).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let log = try CLI.run(["runs", "log", id, "--metric", "train-auc=0.9", "--metric", "validation-auc=0.8", "--metric", "test-auc=0.7",
                                   "--metric", "train-logloss=0.3", "--metric", "auc=0.8\(i)"], in: workspace)
            XCTAssertEqual(log.status, 0, log.stderr)
            XCTAssertEqual(try CLI.run(["runs", "end", id], in: workspace).status, 0)
        }
        let listed = try CLI.run(["runs", "list"], in: workspace)
        let header = try XCTUnwrap(listed.stdout.split(separator: "\n").first)
        XCTAssertTrue(header.contains(" auc"), String(header))
        XCTAssertFalse(header.contains("validation-auc") && header.contains("train-logloss") && header.contains("test-auc") && !header.contains(" auc"))

        let page = try CLI.run(["runs", "list", "--limit", "2", "--order-by", "name"], in: workspace)
        XCTAssertTrue(page.stdout.contains("r0") && page.stdout.contains("r1") && !page.stdout.contains("r2 "), page.stdout)
        XCTAssertTrue(page.stdout.contains("runs 1–2 of 3; --offset 2"), page.stdout)
        let next = try CLI.json(["runs", "list", "--limit", "2", "--offset", "2", "--order-by", "name"], in: workspace) as? [[String: Any]]
        XCTAssertEqual(next?.compactMap { $0["name"] as? String }, ["r2"])

        let unknown = try CLI.run(["runs", "list", "--experiment", "exq"], in: workspace)
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("no experiment 'exq'; did you mean 'exp'?"), unknown.stderr)
        XCTAssertNotEqual(try CLI.run(["runs", "list", "--limit", "-1"], in: workspace).status, 0)
    }

    /// Small rough edges: "1 pipeline", a cached step not printed as "CACHED (cache)", lists in
    /// `pipelines show` written out whole, regression predictions without float noise.
    func testPipelineWordingAndRegressionPredictions() throws {
        let workspace = try CLI.makeWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        var csv = "id,x1,x2,price\n"
        for i in 0..<120 { csv += "\(i),\(Double(i % 13) * 0.7),\(Double(i % 7) * 1.3),\(Double(i % 13) * 2.1 + Double(i % 7) * 0.9 + 0.123)\n" }
        try csv.write(to: workspace.appendingPathComponent("homes.csv"), atomically: true, encoding: .utf8)
        try """
        pipelines:
          price:
            dataset: homes.csv
            params: {rounds: 12}
            steps:
              prepare:  {uses: split, with: {target: price, exclude: [id], seed: 1}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: "${params.rounds}", eval_metric: [mae, rmse], nthread: 1}}
              register: {uses: register, needs: [train], with: {model: homes}}
        """.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        let validate = try CLI.run(["validate"], in: workspace)
        XCTAssertTrue(validate.stdout.contains(": 1 pipeline, no problems"), validate.stdout + validate.stderr)
        let show = try CLI.run(["pipelines", "show", "price"], in: workspace)
        XCTAssertTrue(show.stdout.contains("exclude=[id]") && show.stdout.contains("eval_metric=[mae, rmse]"), show.stdout)
        XCTAssertTrue(show.stdout.contains("rounds=${params.rounds} "), show.stdout)
        XCTAssertEqual(try CLI.run(["run", "price"], in: workspace).status, 0)
        let cached = try CLI.run(["run", "price"], in: workspace)
        XCTAssertFalse((cached.stdout + cached.stderr).contains("CACHED (cache)"), cached.stdout)

        // Aliases: case-insensitive, removable from the command line, the history says who.
        XCTAssertEqual(try CLI.run(["models", "promote", "homes", "1", "--alias", "Production"], in: workspace).status, 0)
        XCTAssertEqual(try CLI.run(["models", "show", "homes@PRODUCTION"], in: workspace).status, 0)
        let removed = try CLI.run(["models", "alias", "rm", "homes", "production", "--reason", "retired"], in: workspace, environment: ["MLDECK_AUTHOR": "ana"])
        XCTAssertTrue(removed.stdout.contains("homes@production removed (it pointed at version 1)"), removed.stdout + removed.stderr)
        let again = try CLI.run(["models", "alias", "rm", "homes", "production"], in: workspace)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("has no alias 'production'"), again.stderr)
        XCTAssertTrue(try CLI.run(["models", "show", "homes"], in: workspace).stdout.contains("production: 1 → ∅  by ana  — retired"))

        // Shell completion asks the binary for names, as bash's generated script does.
        func complete(_ words: [String]) throws -> [String] {
            let index = String(words.count - 1)
            let result = try CLI.run(["---completion"] + words.dropFirst().dropLast() + ["--", "positional@0", index, "1"] + words, in: workspace)
            return result.stdout.split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(try complete(["mldeck", "run", "pr"]), ["price"])
        XCTAssertEqual(try complete(["mldeck", "models", "show", "ho"]), ["homes"])
        XCTAssertTrue(try complete(["mldeck", "runs", "show", ""]).count >= 2)
        XCTAssertTrue(try CLI.run(["--generate-completion-script", "zsh"]).stdout.contains("---completion"))

        let predicted = try CLI.run(["models", "predict", "homes", "homes.csv"], in: workspace)
        XCTAssertEqual(predicted.status, 0, predicted.stderr)
        let values = predicted.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").last.map(String.init) }
        XCTAssertEqual(values.count, 120, predicted.stdout)
        for value in values {
            XCTAssertNotNil(Double(value), value)
            XCTAssertLessThanOrEqual(value.filter(\.isNumber).count, 9, "float noise in \(value)")
        }
    }

    /// Every time in `--json` output is ISO 8601 in UTC: experiments, datasets, series points.
    func testJSONTimesAreISO8601() throws {
        let workspace = try CLI.makeWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        try "a,b\n1,2\n3,4\n".write(to: workspace.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLI.run(["datasets", "add", "t", "t.csv"], in: workspace).status, 0)
        let id = try CLI.run(["runs", "create", "--name", "r"], in: workspace).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try CLI.run(["runs", "log", id, "--metric", "loss=0.5@1"], in: workspace).status, 0)
        func isISO(_ value: Any?) -> Bool {
            guard let text = value as? String else { return false }
            return text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil
        }
        let experiments = try XCTUnwrap(try CLI.json(["experiments", "list"], in: workspace) as? [[String: Any]])
        XCTAssertTrue(experiments.allSatisfy { isISO($0["created_at"]) && isISO($0["last_run_start"]) }, "\(experiments)")
        let datasets = try XCTUnwrap(try CLI.json(["datasets", "list"], in: workspace) as? [[String: Any]])
        XCTAssertTrue(isISO(datasets.first?["created_at"]) && isISO((datasets.first?["latest"] as? [String: Any])?["created_at"]), "\(datasets)")
        let log = try XCTUnwrap(try CLI.json(["datasets", "log", "t"], in: workspace) as? [[String: Any]])
        XCTAssertTrue(isISO(log.first?["created_at"]), "\(log)")
        let shown = try XCTUnwrap(try CLI.json(["runs", "show", id], in: workspace) as? [String: Any])
        let points = try XCTUnwrap((shown["series"] as? [String: [[String: Any]]])?["loss"])
        XCTAssertTrue(isISO(points.first?["timestamp"]), "\(points)")
    }

    /// `mldeck track` records code lineage as pipeline runs do: a hash of the command and the
    /// scripts it names, git's commit and the dirty flag.
    func testTrackRecordsCodeLineage() throws {
        let workspace = try CLI.makeWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        func git(_ args: String...) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["git", "-C", workspace.path, "-c", "user.name=t", "-c", "user.email=t@e"] + args
            try p.run(); p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, args.joined(separator: " "))
        }
        try "echo one\n".write(to: workspace.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        try git("init", "-q"); try git("add", "train.sh", ".gitignore"); try git("commit", "-qm", "first")
        func lineage(_ name: String) throws -> [String: Any] {
            XCTAssertEqual(try CLI.run(["track", "--name", name, "--", "sh", "train.sh"], in: workspace).status, 0)
            let shown = try XCTUnwrap(try CLI.json(["runs", "show", name], in: workspace) as? [String: Any])
            return try XCTUnwrap(shown["lineage"] as? [String: Any])
        }
        let first = try lineage("one")
        XCTAssertEqual((first["code_hash"] as? String)?.count, 64, "\(first)")
        XCTAssertEqual((first["git_commit"] as? String)?.count, 40, "\(first)")
        XCTAssertEqual(first["git_dirty"] as? Bool, false)
        XCTAssertEqual(try lineage("same")["code_hash"] as? String, first["code_hash"] as? String)
        try "echo two\n".write(to: workspace.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        let edited = try lineage("two")
        XCTAssertNotEqual(edited["code_hash"] as? String, first["code_hash"] as? String)
        XCTAssertEqual(edited["git_dirty"] as? Bool, true)
    }
}
