import Foundation
import XCTest

/// Sweeps driven through the real binary on churn: grid and random search, the parent and its
/// children, `parent = …` / `sweep = …`, the best-child lines, registration, and `--detach`.
final class SweepEndToEndTests: XCTestCase {
    var workspace: URL!

    static let yaml = """
        pipelines:
          churn:
            dataset: churn
            params: {max_depth: 3, eta: 0.1, rounds: 10}
            steps:
              prepare:  {uses: split, with: {target: churn, test_size: 0.2, seed: 42}}
              train:    {uses: xgboost, needs: [prepare], with: {max_depth: "${params.max_depth}", eta: "${params.eta}", rounds: "${params.rounds}"}}
              evaluate: {uses: evaluate, needs: [train], with: {metrics: [f1, auc]}}
              register: {uses: register, needs: [evaluate], with: {model: churn-model}}
              deploy:   {uses: deploy, needs: [register], if: "metrics.auc >= 0.5"}
        """

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
        try Self.yaml.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        let added = try CLI.run(["datasets", "add", "churn", CLI.sharedData.appendingPathComponent("wa_churn.csv").path], in: workspace)
        XCTAssertEqual(added.status, 0, added.stderr)
    }

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func runs(_ filter: String) throws -> [[String: Any]] {
        try CLI.json(["runs", "list", "--filter", filter, "--limit", "0"], in: workspace) as? [[String: Any]] ?? []
    }

    func show(_ run: String) throws -> [String: Any] {
        try CLI.json(["runs", "show", run], in: workspace) as? [String: Any] ?? [:]
    }

    func versions() throws -> [[String: Any]] {
        let r = try CLI.run(["models", "show", "churn-model", "--json"], in: workspace)
        guard r.status == 0 else { return [] }
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return object?["versions"] as? [[String: Any]] ?? []
    }

    static func parentID(_ run: [String: Any]) -> String? { (run["lineage"] as? [String: Any])?["parent_run_id"] as? String }

    /// The text a sweep ends with names the best child and commands that list exactly the sweep;
    /// the parent has no params; every command records the sweep options; only the best child is
    /// registered, by a run whose parent is that child.
    func testGridSweepPrintsTheBestChildAndRegistersOnlyIt() throws {
        let sweep = try CLI.run(["run", "churn", "--sweep", "max_depth=2,3", "--sweep", "eta=0.2,0.3", "-p", "rounds=8"], in: workspace)
        XCTAssertEqual(sweep.status, 0, sweep.stdout + sweep.stderr)
        let lines = sweep.stdout.split(separator: "\n").map(String.init)
        let summary = try XCTUnwrap(lines.first { $0.hasPrefix("sweep ") && $0.contains("FINISHED: 4 of 4 runs finished") }, sweep.stdout)
        let parentPrefix = String(summary.dropFirst("sweep ".count).prefix(8))
        let bestLine = try XCTUnwrap(lines.first { $0.hasPrefix("best: ") }, sweep.stdout)
        XCTAssertTrue(bestLine.contains("auc "), "the deploy condition's metric: \(bestLine)")
        XCTAssertTrue(bestLine.contains("(higher is better)"), bestLine)
        let bestPrefix = String(bestLine.dropFirst("best: ".count).prefix(8))
        XCTAssertTrue(lines.contains("list:    mldeck runs list --filter \"parent = '\(parentPrefix)'\" --order-by \"metrics.auc DESC\""), sweep.stdout)
        let compare = try XCTUnwrap(lines.first { $0.hasPrefix("compare: mldeck runs compare ") }, sweep.stdout)

        // parent = … lists exactly the four children; sweep = … adds the parent.
        let children = try runs("parent = '\(parentPrefix)'")
        XCTAssertEqual(children.count, 4)
        let parentID = try XCTUnwrap(Self.parentID(children[0]))
        XCTAssertTrue(parentID.hasPrefix(parentPrefix))
        XCTAssertEqual(try runs("sweep = '\(parentPrefix)'").count, 5)
        let childIDs = Set(children.compactMap { $0["id"] as? String })
        XCTAssertEqual(Set(compare.dropFirst("compare: mldeck runs compare ".count).split(separator: " ").map(String.init)),
                       Set(childIDs.map { String($0.prefix(8)) }), "the compare line names exactly the sweep's runs")
        let compared = try CLI.run(compare.dropFirst("compare: mldeck ".count).split(separator: " ").map(String.init), in: workspace)
        XCTAssertEqual(compared.status, 0, compared.stderr)

        // The best child has the highest auc.
        let aucs = children.map { ($0["id"] as? String ?? "", (($0["metrics"] as? [String: Any])?["auc"] as? Double) ?? -1) }
        XCTAssertEqual(aucs.max { $0.1 < $1.1 }.map { String($0.0.prefix(8)) }, bestPrefix)

        // The parent carries no params; its command and the children's hold every sweep option.
        let parent = try show(parentID)
        XCTAssertEqual((parent["params"] as? [String: Any])?.count, 0, "\(parent["params"] ?? "")")
        let parentCommand = try XCTUnwrap(parent["command"] as? String)
        XCTAssertTrue(parentCommand.contains("--sweep max_depth=2,3 --sweep eta=0.2,0.3"), parentCommand)
        XCTAssertTrue(parentCommand.contains("-p rounds=8"), parentCommand)
        let child = try show(bestPrefix)
        let childCommand = try XCTUnwrap(child["command"] as? String)
        XCTAssertTrue(childCommand.contains("--sweep max_depth=2,3 --sweep eta=0.2,0.3"), childCommand)
        XCTAssertEqual((child["params"] as? [String: Any])?.count, 3)

        // Only the best child is registered, by one more run whose parent is the best child.
        let registered = try versions()
        XCTAssertEqual(registered.count, 1, "\(registered)")
        let registering = try runs("parent = '\(bestPrefix)'")
        XCTAssertEqual(registering.count, 1)
        XCTAssertTrue(lines.contains { $0.hasPrefix("registered: churn-model@1 (by run") }, sweep.stdout)

        // runs show prints step states, with the reason register was skipped in a child.
        let text = try CLI.run(["runs", "show", bestPrefix], in: workspace)
        XCTAssertTrue(text.stdout.contains("Steps"), text.stdout)
        let registerRow = try XCTUnwrap(text.stdout.split(separator: "\n").first { $0.contains("register") && $0.contains("SKIPPED") }, text.stdout)
        XCTAssertTrue(registerRow.contains("only the best child is registered"), String(registerRow))
        XCTAssertTrue(text.stdout.split(separator: "\n").contains { $0.contains("train") && $0.contains("FINISHED") })
    }

    /// Random search: seeded, within the ranges, recorded; `--register none` and `all`.
    func testRandomSearchIsSeededAndRegistrationIsOptIn() throws {
        let args = ["run", "churn", "--trials", "3", "--param-range", "eta=0.05:0.3:log", "--param-range", "max_depth=2:4:int",
                    "--seed", "9", "-p", "rounds=6", "--json"]
        let first = try CLI.run(args + ["--register", "none"], in: workspace)
        XCTAssertEqual(first.status, 0, first.stderr)
        let out = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let children = try XCTUnwrap(out["runs"] as? [[String: Any]])
        XCTAssertEqual(children.count, 3)
        let params = children.compactMap { $0["params"] as? [String: String] }
        for p in params {
            let eta = try XCTUnwrap(Double(p["eta"] ?? ""))
            XCTAssertTrue((0.05...0.3).contains(eta), "\(p)")
            XCTAssertTrue(["2", "3", "4"].contains(p["max_depth"] ?? ""), "\(p)")
            XCTAssertEqual(p["rounds"], "6")
        }
        XCTAssertEqual((out["best"] as? [String: Any])?["metric"] as? String, "auc")
        XCTAssertEqual(try versions().count, 0, "--register none registers nothing")
        let parentID = try XCTUnwrap(out["parent_run_id"] as? String)
        let parent = try show(parentID)
        XCTAssertEqual((parent["tags"] as? [String: String])?["mldeck.sweep.seed"], "9")
        XCTAssertTrue((parent["command"] as? String ?? "").contains("--trials 3 --param-range eta=0.05:0.3:log --param-range max_depth=2:4:int --seed 9 --register none"),
                      parent["command"] as? String ?? "")

        // The same seed draws the same trials; --register all registers every child.
        let second = try CLI.run(args + ["--register", "all"], in: workspace)
        XCTAssertEqual(second.status, 0, second.stderr)
        let again = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((again["runs"] as? [[String: Any]])?.compactMap { $0["params"] as? [String: String] }, params)
        XCTAssertEqual(try versions().count, 3, "--register all registers each child")
    }

    func testBadSweepOptionsNameTheKey() throws {
        let log = try CLI.run(["run", "churn", "--trials", "3", "--param-range", "eta=0:0.3:log"], in: workspace)
        XCTAssertEqual(log.status, 2)
        XCTAssertTrue(log.stderr.contains("--param-range eta: '0' must be above 0 for a log range"), log.stderr)
        let noTrials = try CLI.run(["run", "churn", "--param-range", "eta=0.1:0.3"], in: workspace)
        XCTAssertEqual(noTrials.status, 2)
        XCTAssertTrue(noTrials.stderr.contains("add --trials N"), noTrials.stderr)
        let unknown = try CLI.run(["run", "churn", "--trials", "2", "--param-range", "etaa=0.1:0.3"], in: workspace)
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("--param-range etaa: pipeline 'churn' has no param 'etaa' (did you mean 'eta'?)"), unknown.stderr)
        let help = try CLI.run(["run", "--help"], in: workspace)
        XCTAssertTrue(help.stdout.contains("--param-range") && help.stdout.contains("log-uniformly"), help.stdout)
    }

    /// `mldeck run --detach --sweep …` prints the parent's id and the sweep runs in the background.
    func testDetachedSweepRunsToTheEnd() throws {
        let r = try CLI.run(["run", "churn", "--detach", "--sweep", "max_depth=2,3", "-p", "rounds=5"], in: workspace)
        XCTAssertEqual(r.status, 0, r.stderr)
        let parentID = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(parentID.isEmpty)
        let done = try CLI.waitFor(120) { ["FINISHED", "FAILED", "KILLED"].contains(try show(parentID)["status"] as? String ?? "") }
        XCTAssertTrue(done, "the detached sweep did not end")
        let parent = try show(parentID)
        XCTAssertEqual(parent["status"] as? String, "FINISHED", "\(parent["status_reason"] ?? "")")
        XCTAssertTrue((parent["command"] as? String ?? "").contains("--sweep max_depth=2,3"))
        let children = try runs("parent = '\(parentID)'")
        XCTAssertEqual(children.count, 2)
        XCTAssertTrue(children.allSatisfy { $0["status"] as? String == "FINISHED" })
        XCTAssertEqual(try versions().count, 1)
    }

    /// A detached run whose process dies before taking the run over ends FAILED with the reason.
    func testADetachedRunWhoseProcessDiesFirstIsFailedNotQueued() throws {
        let r = try CLI.run(["run", "churn", "--detach"], in: workspace, environment: ["MLDECK_EXECUTABLE": "/bin/false"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let id = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let failed = try CLI.waitFor(10) { try show(id)["status"] as? String == "FAILED" }
        let run = try show(id)
        XCTAssertTrue(failed, "still \(run["status"] ?? "?")")
        let reason = run["status_reason"] as? String ?? ""
        XCTAssertTrue(reason.contains("ended") && reason.contains("before") && reason.contains("console"), reason)
    }
}
