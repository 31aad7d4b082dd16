@testable import DeckEngine
import DeckStore
import XCTest

/// The best child of a sweep: by the deploy condition's metric or evaluate's first, losses lower.
final class SweepRankingTests: XCTestCase {
    func pipeline(_ yaml: String) throws -> PipelineSpec {
        let config = try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse(yaml, file: "mldeck.yaml"))
        return try XCTUnwrap(config.pipelines.first)
    }

    func testTheDeployConditionsMetricComesFirst() throws {
        let p = try pipeline("""
            pipelines:
              p:
                steps:
                  evaluate: {uses: evaluate, with: {metrics: [f1, auc]}}
                  deploy: {uses: deploy, needs: [evaluate], if: "params.x = '1' and metrics.logloss < production.metrics.logloss"}
            """)
        XCTAssertEqual(SweepRanking.declaredMetric(of: p), "logloss")
    }

    func testEvaluatesFirstMetricOtherwiseWithAliases() throws {
        let p = try pipeline("""
            pipelines:
              p:
                steps:
                  evaluate: {uses: evaluate, with: {metrics: [roc_auc, f1]}}
            """)
        XCTAssertEqual(SweepRanking.declaredMetric(of: p), "auc")
        let bare = try pipeline("""
            pipelines:
              p:
                steps:
                  evaluate: {uses: evaluate}
            """)
        XCTAssertNil(SweepRanking.declaredMetric(of: bare))
        XCTAssertEqual(SweepRanking.metric(of: bare, children: [["rmse": 1, "r2": 0.5]]), "rmse")
    }

    func testLossesAreBetterLowerAndOnlyFinishedChildrenCount() {
        let children: [(status: RunStatus, metrics: [String: Double])] = [
            (.finished, ["auc": 0.8, "rmse": 3]), (.failed, ["auc": 0.99, "rmse": 1]), (.finished, ["auc": 0.85, "rmse": 2]),
            (.finished, ["auc": .nan, "rmse": .nan]), (.finished, [:]),
        ]
        XCTAssertEqual(SweepRanking.best(children, by: "auc"), 2)
        XCTAssertEqual(SweepRanking.best(children, by: "rmse"), 2)
        XCTAssertEqual(SweepRanking.best([(.finished, ["logloss": 0.5]), (.finished, ["logloss": 0.4])], by: "logloss"), 1)
        XCTAssertEqual(SweepRanking.best([(.finished, ["auc": 0.5]), (.finished, ["auc": 0.5])], by: "auc"), 0, "a tie goes to the earlier child")
        XCTAssertNil(SweepRanking.best([(.failed, ["auc": 0.5])], by: "auc"))
    }
}
