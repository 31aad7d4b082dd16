@testable import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest

/// `if:` conditions: true runs, false skips with the reason, and `production.…` while a model
/// has no production version.
final class PipelineConditionTests: XCTestCase {
    func testFirstGoodModelDeploysThenOnlyABetterOne() throws {
        let ws = try PipelineTestWorkspace(yaml: PipelineYAML.standard(deploy: "metrics.auc > 0.5 and metrics.auc > production.metrics.auc and not production.exists"))
        let first = try ws.run("p")
        XCTAssertEqual(PipelineTestWorkspace.statuses(first)["deploy"], .finished)
        XCTAssertEqual(first.deployed, ["m@production → 1"])
        XCTAssertNil(first.productionMetrics)
        let production = try XCTUnwrap(try ws.store.modelVersion(model: "m", alias: "production"))
        XCTAssertEqual(production.version, 1)
        let history = try ws.store.aliasHistory(model: "m", alias: "production")
        XCTAssertEqual(history.count, 1)
        XCTAssertNil(history[0].fromVersion)
        XCTAssertEqual(history[0].toVersion, 1)
        XCTAssertTrue(history[0].reason?.hasPrefix("deployed by run \(first.runID.prefix(8)): metrics.auc > 0.5") == true, history[0].reason ?? "")

        // A different model now: production exists and is scored on this run's test rows.
        let second = try ws.run("p", params: ["max_depth": "1", "rounds": "2"])
        let deploy = try XCTUnwrap(second.steps.first { $0.name == "deploy" })
        XCTAssertEqual(deploy.status, .skipped)
        XCTAssertTrue(deploy.reason?.contains("production.exists = true") == true, deploy.reason ?? "")
        XCTAssertNotNil(second.productionMetrics?["auc"])
        XCTAssertEqual(try ws.store.modelVersion(model: "m", alias: "production")?.version, 1)
    }

    /// A fully cached re-run registers nothing new, so its deploy must not move the alias back
    /// to the version the cached `register` once produced (it undid a manual promotion).
    func testCachedReRunDoesNotUndoAPromotion() throws {
        let ws = try PipelineTestWorkspace(yaml: PipelineYAML.standard(deploy: "metrics.auc > 0.5"))
        XCTAssertEqual(try ws.run("p").deployed, ["m@production → 1"])
        XCTAssertEqual(try ws.run("p", params: ["max_depth": "1"]).deployed, ["m@production → 2"])
        _ = try ws.store.setModelAlias(model: "m", alias: "production", version: 1, reason: "rollback by hand")

        let cached = try ws.run("p", params: ["max_depth": "1"])
        XCTAssertEqual(PipelineTestWorkspace.statuses(cached)["register"], .cached)
        XCTAssertEqual(cached.deployed, [])
        XCTAssertTrue(cached.notices.contains { $0.hasPrefix("deploy:") && $0.contains("no new version") }, "\(cached.notices)")
        XCTAssertEqual(try ws.store.modelVersion(model: "m", alias: "production")?.version, 1)
    }

    func testProductionIsScoredOnThisRunsTestSplit() throws {
        let ws = try PipelineTestWorkspace(yaml: PipelineYAML.standard(deploy: "metrics.auc > production.metrics.auc"))
        let first = try ws.run("p")
        XCTAssertEqual(first.deployed.count, 1)
        let second = try ws.run("p", params: ["max_depth": "1"])
        // Score version 1 ourselves on the second run's test rows: the same numbers.
        let v1 = try ws.store.modelVersion(ModelReference(model: "m", selector: .version(1)))
        let loaded = try LoadedModel.load(store: ws.store, version: v1)
        let table = try DataTable.load(path: ws.root.appendingPathComponent("data.csv").path)
        let test = try SplitFile.read(ws.store.workspace.runDirectory(second.runID).appendingPathComponent("steps/prepare")).test
        let expected = try loaded.evaluate(table, rows: test).metrics["auc"]
        XCTAssertEqual(second.productionMetrics?["auc"], expected)
    }

    func testFalseConditionSkipsDownstreamToo() throws {
        let ws = try PipelineTestWorkspace(yaml: """
            pipelines:
              c:
                params: {go: "no"}
                steps:
                  a: {run: "true", if: "params.go = 'yes'"}
                  b: {run: "true", needs: [a]}
                  c: {run: "true", if: "params.go = 'no'"}
            """)
        let outcome = try ws.run("c")
        XCTAssertEqual(outcome.status, .finished)
        XCTAssertEqual(PipelineTestWorkspace.statuses(outcome), ["a": .skipped, "b": .skipped, "c": .finished])
        XCTAssertEqual(outcome.steps[0].reason, "condition is false: params.go = 'yes' (params.go = 'no')")
        XCTAssertTrue(outcome.steps[1].reason?.contains("it needs 'a', which was skipped") == true)
        XCTAssertEqual(PipelineTestWorkspace.statuses(try ws.run("c", params: ["go": "yes"])), ["a": .finished, "b": .finished, "c": .skipped])
    }
}
