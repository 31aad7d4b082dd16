import Foundation
import XCTest

/// `mldeck run production` through the real binary on the shared churn data: two trained and
/// registered versions, the production pipeline moves `production` to the better one and records
/// a deployment; a run whose candidate is worse leaves it and says why, with both numbers.
final class ProductionPipelineEndToEndTests: XCTestCase {
    var workspace: URL!

    static let yaml = """
        pipelines:
          churn:
            dataset: churn
            params: {max_depth: 3, rounds: 40}
            steps:
              prepare:  {uses: split, with: {target: churn, test_size: 0.2, seed: 42}}
              train:    {uses: xgboost, needs: [prepare], with: {max_depth: "${params.max_depth}", eta: 0.3, rounds: "${params.rounds}", nthread: 1}}
              evaluate: {uses: evaluate, needs: [train], with: {metrics: [auc, accuracy]}}
              register: {uses: register, needs: [evaluate], with: {model: churn-model}}
          production:
            steps:
              pick: {uses: select, with: {model: churn-model, best_by: auc, where: "metrics.auc >= 0.7 and dataset = 'churn'"}}
              ship: {uses: deploy, needs: [pick]}
            triggers:
              - {on: schedule, cron: "0 6 1 * *"}
          candidates:
            steps:
              pick: {uses: select, with: {model: churn-model, best_by: auc, where: "tags.candidate = 'yes'"}}
              ship: {uses: deploy, needs: [pick]}
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

    func versionsAUC() throws -> [Int: Double] {
        let shown = try XCTUnwrap(try CLI.json(["models", "show", "churn-model"], in: workspace) as? [String: Any])
        var out: [Int: Double] = [:]
        for v in shown["versions"] as? [[String: Any]] ?? [] {
            if let n = v["version"] as? Int, let auc = (v["metrics"] as? [String: Any])?["auc"] as? Double { out[n] = auc }
        }
        return out
    }

    func testProductionPipelineDeploysTheBetterVersionAndRefusesAWorseOne() throws {
        // v1: a stump (depth 1, 3 rounds), v2: depth 3, 40 rounds — v2 has the higher AUC.
        for params in [["-p", "max_depth=1", "-p", "rounds=3"], ["-p", "max_depth=3"]] {
            let trained = try CLI.run(["run", "churn"] + params, in: workspace)
            XCTAssertEqual(trained.status, 0, trained.stdout + trained.stderr)
        }
        let auc = try versionsAUC()
        let (v1, v2) = (try XCTUnwrap(auc[1]), try XCTUnwrap(auc[2]))
        XCTAssertGreaterThan(v2, v1)

        let validated = try CLI.run(["validate"], in: workspace)
        XCTAssertEqual(validated.status, 0, validated.stdout + validated.stderr)
        let first = try CLI.run(["run", "production"], in: workspace)
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertTrue(first.stdout.contains("deployed   churn-model@production → 2"), first.stdout)
        let production = try XCTUnwrap(try CLI.json(["models", "show", "churn-model@production"], in: workspace) as? [String: Any])
        XCTAssertEqual(production["version"] as? Int, 2)

        let deployments = try XCTUnwrap(try CLI.json(["models", "deployments", "churn-model"], in: workspace) as? [[String: Any]])
        XCTAssertEqual(deployments.count, 1)
        XCTAssertEqual(deployments.first?["version"] as? Int, 2)
        XCTAssertEqual(deployments.first?["alias"] as? String, "production")
        XCTAssertTrue(deployments.first?["ended_at"] is NSNull)
        XCTAssertNotNil(deployments.first?["started_at"] as? String)
        XCTAssertEqual((deployments.first?["run_id"] as? String)?.isEmpty, false)

        // The worse version, tagged as the only candidate: not deployed, and the run says why.
        let tagged = try CLI.run(["models", "tag", "churn-model@1", "candidate=yes", "owner=ana"], in: workspace)
        XCTAssertEqual(tagged.status, 0, tagged.stderr)
        XCTAssertTrue(tagged.stdout.contains("candidate=yes"), tagged.stdout)
        let second = try CLI.run(["run", "candidates"], in: workspace)
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        let why = String(format: "v1 auc %.4f is not better than production v2 auc %.4f; production stays at v2", v1, v2)
        XCTAssertTrue(second.stdout.contains(why), "expected «\(why)» in\n" + second.stdout + second.stderr)
        XCTAssertEqual((try CLI.json(["models", "show", "churn-model@production"], in: workspace) as? [String: Any])?["version"] as? Int, 2)
        XCTAssertEqual((try CLI.json(["models", "deployments", "churn-model"], in: workspace) as? [[String: Any]])?.count, 1)

        // models promote --best-by follows the same rule, and --where filters on tags.
        let promote = try CLI.run(["models", "promote", "churn-model", "--best-by", "auc", "--where", "tags.owner = 'ana'", "--alias", "production"], in: workspace)
        XCTAssertEqual(promote.status, 0, promote.stderr)
        XCTAssertTrue(promote.stdout.contains(why), promote.stdout)
        let forced = try CLI.run(["models", "promote", "churn-model", "--best-by", "auc", "--where", "version = 1", "--alias", "production", "--force"], in: workspace)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(forced.stdout.contains("churn-model@production: 2 → 1"), forced.stdout)
        let history = try XCTUnwrap(try CLI.json(["models", "deployments", "churn-model"], in: workspace) as? [[String: Any]])
        XCTAssertEqual(history.map { $0["version"] as? Int }, [1, 2])
        XCTAssertFalse(history[1]["ended_at"] is NSNull, "v2's deployment ended when v1 took over")
        let text = try CLI.run(["models", "deployments", "churn-model"], in: workspace)
        XCTAssertTrue(text.stdout.contains("now (current)"), text.stdout)

        // A bad --where names the column, as the run filter does (usage error, exit 2).
        let bad = try CLI.run(["models", "promote", "churn-model", "--best-by", "auc", "--where", "version > 'x'", "--alias", "production"], in: workspace)
        XCTAssertEqual(bad.status, 2, bad.stdout + bad.stderr)
        XCTAssertTrue(bad.stderr.contains("column 11") && bad.stderr.contains("version is a number"), bad.stderr)
        let show = try CLI.run(["models", "show", "churn-model@1"], in: workspace)
        XCTAssertTrue(show.stdout.contains("Tags") && show.stdout.contains("candidate = yes"), show.stdout)
    }
}
