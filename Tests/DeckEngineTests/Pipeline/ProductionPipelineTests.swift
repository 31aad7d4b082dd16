import DeckEngine
import DeckStore
import Foundation
import XCTest

/// The production pipeline: `select` (by metric and `where:`, or by alias) then `deploy`, with no
/// dataset; `deploy` acts only on the version its upstream step produced in this run, and does not
/// replace a better production version.
final class ProductionPipelineTests: XCTestCase {
    static func yaml(_ select: String, deploy: String = "{uses: deploy, needs: [pick]}") -> String {
        """
        pipelines:
          production:
            steps:
              pick: {uses: select, with: \(select)}
              ship: \(deploy)
            triggers:
              - {on: schedule, cron: "0 6 1 * *", catch_up: false, debounce: 10m}
        """
    }

    /// Registers versions of `m` with these AUCs (fake model bytes: select and deploy never load them).
    func register(_ ws: PipelineTestWorkspace, _ aucs: [Double], dataset: (String, Int) = ("churn", 1)) throws {
        for auc in aucs {
            let object = try ws.store.objects.put(Data("model \(auc) \(UUID())".utf8))
            try ws.store.registerModelVersion(NewModelVersion(model: "m", modelObject: object, task: "binary", metrics: ["auc": auc],
                                                              datasetName: dataset.0, datasetVersionNumber: dataset.1))
        }
    }

    func testSelectByMetricAndWhereDeploysTheBestAndRecordsIt() throws {
        let ws = try PipelineTestWorkspace(yaml: Self.yaml("{model: m, best_by: auc, where: \"metrics.auc >= 0.8 and version <= 3\"}"))
        try register(ws, [0.81, 0.86, 0.84, 0.95])
        let outcome = try ws.run("production")
        XCTAssertEqual(outcome.status, .finished, outcome.reason ?? "")
        XCTAssertEqual(PipelineTestWorkspace.statuses(outcome), ["pick": .finished, "ship": .finished])
        XCTAssertEqual(outcome.deployed, ["m@production → 2"], "v4 is better but outside the policy (version <= 3)")
        XCTAssertEqual(try ws.store.modelVersion(model: "m", alias: "production")?.version, 2)
        let deployments = try ws.store.deployments(model: "m")
        XCTAssertEqual(deployments.map(\.version), [2])
        XCTAssertEqual(deployments.first?.runID, outcome.runID)
        XCTAssertNil(deployments.first?.endedAt)
        XCTAssertEqual(try ws.store.runDetails(outcome.runID).metrics.first { $0.key == "auc" }?.last, 0.86,
                       "the selected version's metrics are the run's")
    }

    func testNotBetterThanProductionIsNotDeployedAndSaysWhy() throws {
        let ws = try PipelineTestWorkspace(yaml: Self.yaml("{model: m, best_by: auc, where: \"version = 1\"}"))
        try register(ws, [0.8412, 0.8530])
        try ws.store.setModelAlias(model: "m", alias: "production", version: 2)
        let outcome = try ws.run("production")
        XCTAssertEqual(outcome.status, .finished)
        let ship = try XCTUnwrap(outcome.steps.first { $0.name == "ship" })
        XCTAssertEqual(ship.status, .skipped)
        XCTAssertEqual(ship.reason, "v1 auc 0.8412 is not better than production v2 auc 0.8530; production stays at v2")
        XCTAssertEqual(outcome.deployed, [])
        XCTAssertTrue(outcome.notices.contains { $0.contains("is not better than production v2 auc 0.8530") }, "\(outcome.notices)")
        XCTAssertEqual(try ws.store.modelVersion(model: "m", alias: "production")?.version, 2)
        let log = try String(contentsOf: ws.store.workspace.runDirectory(outcome.runID).appendingPathComponent("logs/ship.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("v1 auc 0.8412 is not better than production v2 auc 0.8530"), log)

        // force: true deploys it anyway, and says so in the alias history.
        try ws.writeConfig(Self.yaml("{model: m, best_by: auc, where: \"version = 1\"}", deploy: "{uses: deploy, needs: [pick], with: {force: true}}"))
        XCTAssertEqual(try ws.run("production").deployed, ["m@production → 1"])
        XCTAssertTrue(try ws.store.aliasHistory(model: "m", alias: "production").first?.reason?.contains("(forced)") == true)
    }

    /// `deploy` moves the alias to the version `select` produced (the alias's), not the latest.
    func testSelectByAliasDeploysThatVersionNotTheLatest() throws {
        let ws = try PipelineTestWorkspace(yaml: Self.yaml("{model: m, alias: staging}"))
        try register(ws, [0.7, 0.9, 0.95])
        try ws.store.setModelAlias(model: "m", alias: "staging", version: 1)
        let outcome = try ws.run("production")
        XCTAssertEqual(outcome.deployed, ["m@production → 1"], "\(outcome.steps.map { "\($0.name) \($0.status) \($0.reason ?? "")" })")
        XCTAssertEqual(try ws.store.modelVersion(model: "m", alias: "production")?.version, 1)
    }

    func testNoMatchFailsNamingTheModelAndTheFilter() throws {
        let ws = try PipelineTestWorkspace(yaml: Self.yaml("{model: m, best_by: auc, where: \"metrics.auc > 0.99\"}"))
        try register(ws, [0.8, 0.9])
        let outcome = try ws.run("production")
        XCTAssertEqual(outcome.status, .failed)
        let pick = try XCTUnwrap(outcome.steps.first { $0.name == "pick" })
        let reason = pick.reason ?? ""
        XCTAssertTrue(reason.contains("'m'") && reason.contains("metrics.auc > 0.99"), reason)
        XCTAssertEqual(outcome.steps.first { $0.name == "ship" }?.status, .skipped)
        XCTAssertNil(try ws.store.modelVersion(model: "m", alias: "production"))
    }

    func testValidation() throws {
        func problems(_ yaml: String) throws -> [String] {
            let config = try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse(yaml, file: "mldeck.yaml"))
            return PipelineValidator(file: "mldeck.yaml").problems(in: config).map(\.description)
        }
        XCTAssertEqual(try problems(Self.yaml("{model: m, best_by: auc, where: \"dataset = 'churn'\"}")), [], "no dataset is needed")
        let orphan = try problems("pipelines:\n  p:\n    steps:\n      ship: {uses: deploy}\n")
        XCTAssertEqual(orphan.count, 1)
        XCTAssertTrue(orphan[0].contains("pipelines.p.steps.ship.needs") && orphan[0].contains("step 'ship'")
                      && orphan[0].contains("`register` or `select`"), orphan[0])
        let neither = try problems(Self.yaml("{model: m}"))
        XCTAssertTrue(neither.contains { $0.contains("step 'pick'") && $0.contains("best_by") }, "\(neither)")
        let both = try problems(Self.yaml("{model: m, best_by: auc, alias: staging}"))
        XCTAssertTrue(both.contains { $0.contains("not both") }, "\(both)")
        let badWhere = try problems(Self.yaml("{model: m, best_by: auc, where: \"metrics.auc >= 0.8 and stage = 'x'\"}"))
        XCTAssertTrue(badWhere.contains { $0.contains("with.where") && $0.contains("column 24") && $0.contains("stage") }, "\(badWhere)")
    }

    func testTriggersAreCheckedStructurally() throws {
        func parse(_ trigger: String) throws -> WorkspaceConfig {
            try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse(
                "pipelines:\n  p:\n    steps:\n      pick: {uses: select, with: {model: m, alias: staging}}\n    triggers:\n      - \(trigger)\n", file: "mldeck.yaml"))
        }
        let config = try parse("{on: schedule, cron: \"0 6 1 * *\", catch_up: yes, debounce: 10m}")
        XCTAssertEqual(config.pipeline("p")?.triggers.first?.options, ["cron": "0 6 1 * *", "catch_up": "true", "debounce": "600.0"])
        XCTAssertEqual(try parse("{on: dataset-update, debounce: 30s}").pipeline("p")?.triggers.first?.options["debounce"], "30.0")
        for (bad, expected) in [("{on: schedule, cron: \"0 6 1 *\"}", "expected five fields"), ("{on: schedule, cron: \"0 6 ? * *\"}", "is not a day of month"),
                                ("{on: schedule, cron: \"0 6 1 * *\", catch_up: maybe}", "true or false"),
                                ("{on: drift, debounce: soon}", "duration"), ("{on: drift, catch_up: true}", "unknown key"),
                                ("{on: nightly}", "unknown trigger")] {
            XCTAssertThrowsError(try parse(bad), bad) { error in
                XCTAssertTrue("\(error)".contains(expected) && "\(error)".contains("triggers[0]"), "\(bad): \(error)")
            }
        }
    }
}
