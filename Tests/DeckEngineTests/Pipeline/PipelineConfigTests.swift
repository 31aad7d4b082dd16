import DeckEngine
import DeckStore
import Foundation
import XCTest

/// `mldeck.yaml` parsing and validation: every error names the file, line and key.
final class PipelineConfigTests: XCTestCase {
    func parse(_ yaml: String) throws -> WorkspaceConfig {
        try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse(yaml, file: "mldeck.yaml"))
    }

    func problems(_ yaml: String, datasets: DatasetSource? = nil) throws -> [PipelineConfigError] {
        let config = try parse(yaml)
        return PipelineValidator(file: "mldeck.yaml", datasets: datasets).problems(in: config)
    }

    func testParsesTheDesignExample() throws {
        let config = try parse("""
            pipelines:
              churn:
                dataset: churn@3
                params: {max_depth: 6, eta: 0.3, rounds: 200}
                steps:
                  prepare:  {uses: split, with: {target: churn, exclude: [rownames], test_size: 0.2, seed: 42}}
                  train:    {uses: xgboost, needs: [prepare], with: {max_depth: "${params.max_depth}", eta: "${params.eta}"}}
                  evaluate: {uses: evaluate, needs: [train], with: {metrics: [auc, accuracy, f1]}}
                  register: {uses: register, needs: [evaluate], with: {model: churn-model}}
                  deploy:   {uses: deploy, needs: [register], if: "metrics.auc >= 0.80 and metrics.auc > production.metrics.auc"}
                triggers:
                  - {on: dataset-update}
                  - {on: schedule, cron: "0 3 * * *"}
                  - {on: drift, model: churn-model}
              custom:
                params: {max_depth: 4}
                steps:
                  train:
                    run: python3 train.py --depth ${params.max_depth}
                    deps: [train.py]
                    outs: [model.bin]
                    metrics: metrics.json
                    timeout: 10m
                    retries: 2
            monitors:
              churn-model: {window: 1000, drift_share: 0.5}
            """)
        XCTAssertEqual(config.pipelines.map(\.name), ["churn", "custom"])
        let churn = try XCTUnwrap(config.pipeline("churn"))
        XCTAssertEqual(churn.dataset, "churn@3")
        XCTAssertEqual(churn.steps.map(\.name), ["prepare", "train", "evaluate", "register", "deploy"])
        XCTAssertEqual(churn.step("deploy")?.condition, "metrics.auc >= 0.80 and metrics.auc > production.metrics.auc")
        XCTAssertEqual(churn.triggers.map(\.on), ["dataset-update", "schedule", "drift"])
        XCTAssertEqual(churn.triggers[1].options["cron"], "0 3 * * *")
        let train = try XCTUnwrap(config.pipeline("custom")?.step("train"))
        XCTAssertEqual(train.action, .command("python3 train.py --depth ${params.max_depth}", shell: false))
        XCTAssertEqual(train.timeout, 600)
        XCTAssertEqual(train.retries, 2)
        XCTAssertEqual(train.outs, ["model.bin"])
        XCTAssertNotNil(config.monitors)
        XCTAssertEqual(PipelineValidator(file: "mldeck.yaml").problems(in: config).map(\.description), [])
    }

    func testYAMLBooleansStayText() throws {
        let config = try parse("""
            pipelines:
              p:
                dataset: d.csv
                steps:
                  s: {uses: split, with: {target: Yes, features: [No, on]}}
            """)
        let split = try XCTUnwrap(config.pipeline("p")?.step("s"))
        XCTAssertEqual(split.argument("target")?.text, "Yes")
        if case .list(let items, _)? = split.argument("features") { XCTAssertEqual(items.compactMap(\.text), ["No", "on"]) }
        else { XCTFail("features should be a list") }
    }

    func testUnknownKeyNamesFileLineAndKey() throws {
        XCTAssertThrowsError(try parse("""
            pipelines:
              p:
                steps:
                  train: {uses: xgboost, neeeds: [x]}
            """)) { error in
            let e = error as! PipelineConfigError
            XCTAssertEqual(e.location?.line, 4)
            XCTAssertEqual(e.key, "pipelines.p.steps.train.neeeds")
            XCTAssertTrue(e.description.hasPrefix("mldeck.yaml:4:"), e.description)
            XCTAssertTrue(e.description.contains("did you mean `needs`"), e.description)
        }
        XCTAssertThrowsError(try parse("pipelinez: {}\n")) { error in
            XCTAssertEqual((error as! PipelineConfigError).key, "pipelinez")
        }
    }

    func testUnknownBuiltinAndWithKey() throws {
        let found = try problems("""
            pipelines:
              p:
                dataset: d.csv
                steps:
                  prepare: {uses: split, with: {target: y, tset_size: 0.2}}
                  train: {uses: xgbost, needs: [prepare]}
            """)
        XCTAssertEqual(found.count, 2, found.map(\.description).joined(separator: "\n"))
        let withKey = try XCTUnwrap(found.first { $0.key.hasSuffix("with.tset_size") })
        XCTAssertEqual(withKey.location?.line, 5)
        XCTAssertTrue(withKey.message.contains("did you mean `test_size`"), withKey.message)
        let builtin = try XCTUnwrap(found.first { $0.key.hasSuffix("train.uses") })
        XCTAssertEqual(builtin.location?.line, 6)
        XCTAssertTrue(builtin.message.contains("unknown built-in 'xgbost'") && builtin.message.contains("did you mean 'xgboost'"), builtin.message)
    }

    /// `validate` catches an unknown metric name that `run` would fail on, and says which
    /// sections are accepted but not used by any command yet.
    func testUnknownEvaluateMetricAndSectionsNotUsedYet() throws {
        let yaml = """
            pipelines:
              p:
                dataset: d.csv
                steps:
                  prepare: {uses: split, with: {target: y}}
                  train: {uses: xgboost, needs: [prepare]}
                  evaluate: {uses: evaluate, needs: [train], with: {metrics: [auc, f1, acuracy]}}
                triggers:
                  - {on: schedule, cron: "0 3 * * *"}
            monitors:
              m: {window: 100}
            serve: {port: 5005}
            """
        let found = try problems(yaml)
        XCTAssertEqual(found.count, 1, found.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(found.first?.key, "pipelines.p.steps.evaluate.with.metrics")
        XCTAssertEqual(found.first?.location?.line, 7)
        XCTAssertTrue(found.first?.message.contains("unknown metric 'acuracy' (did you mean 'accuracy'?)") == true, found.first?.message ?? "")
        let notes = PipelineValidator(file: "mldeck.yaml").notes(in: try parse(yaml))
        XCTAssertEqual(Set(notes.map(\.key)), ["serve"], "triggers: run in `mldeck agent`, monitors: in `mldeck monitor`")
        XCTAssertTrue(notes.allSatisfy { $0.message.contains("not used yet") })
        XCTAssertEqual(notes.first { $0.key == "serve" }?.location?.line, 12)
    }

    func testCycleIsPrinted() throws {
        let found = try problems("""
            pipelines:
              p:
                steps:
                  a: {run: echo a, needs: [c]}
                  b: {run: echo b, needs: [a]}
                  c: {run: echo c, needs: [b]}
            """)
        let cycle = try XCTUnwrap(found.first { $0.message.contains("cycle") })
        XCTAssertTrue(cycle.message.contains("a → c → b → a"), cycle.message)
        XCTAssertEqual(cycle.location?.line, 4)
    }

    func testUnknownNeedsAndBadCondition() throws {
        let found = try problems("""
            pipelines:
              p:
                steps:
                  a: {run: echo a}
                  b: {run: echo b, needs: [aa], if: "metrics.auc >> 3"}
            """)
        let needs = try XCTUnwrap(found.first { $0.key.hasSuffix("b.needs") })
        XCTAssertTrue(needs.message.contains("unknown step 'aa'"), needs.message)
        XCTAssertEqual(needs.location?.line, 5)
        let condition = try XCTUnwrap(found.first { $0.key.hasSuffix("b.if") })
        XCTAssertTrue(condition.message.contains("bad condition at column"), condition.message)
        XCTAssertEqual(condition.location?.line, 5)
        let field = try problems("""
            pipelines:
              p:
                steps:
                  a: {run: echo a, if: "status = 'FINISHED'"}
            """)
        XCTAssertTrue(field.first?.message.contains("cannot be used in a condition") == true, "\(field)")
    }

    func testUnknownParamReference() throws {
        let found = try problems("""
            pipelines:
              p:
                params: {depth: 3}
                steps:
                  a: {run: "echo ${params.dept}"}
            """)
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found[0].message.contains("`${params.dept}` names no param (params: depth)"), found[0].message)
    }

    func testBuiltinNeedsItsInputsUpstream() throws {
        let found = try problems("""
            pipelines:
              p:
                dataset: d.csv
                steps:
                  train: {uses: xgboost}
            """)
        XCTAssertTrue(found.contains { $0.message.contains("`xgboost` needs a `split` step") }, "\(found)")
    }

    func testMissingDatasetAndColumn() throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "a,b,churn\n1,2,Yes\n".write(to: root.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let source = FileDatasetSource(root: root)
        let missingColumn = try problems("""
            pipelines:
              p:
                dataset: d.csv
                steps:
                  s: {uses: split, with: {target: chrn, exclude: [z]}}
            """, datasets: source)
        XCTAssertEqual(missingColumn.count, 2, "\(missingColumn)")
        XCTAssertTrue(missingColumn[0].message.contains("no column 'chrn'") && missingColumn[0].message.contains("did you mean 'churn'"), missingColumn[0].message)
        XCTAssertEqual(missingColumn[0].location?.line, 5)
        let missingData = try problems("""
            pipelines:
              p:
                dataset: nothere.csv
                steps:
                  s: {uses: split, with: {target: churn}}
            """, datasets: source)
        XCTAssertEqual(missingData.count, 1)
        XCTAssertEqual(missingData[0].key, "pipelines.p.dataset")
        XCTAssertEqual(missingData[0].location?.line, 3)
        XCTAssertTrue(missingData[0].message.contains("dataset 'nothere.csv' not found"), missingData[0].message)
    }

    func testInterpolation() throws {
        XCTAssertEqual(try Interpolation.apply("--depth ${params.d} $${literal}", params: ["d": "6"]), "--depth 6 ${literal}")
        XCTAssertThrowsError(try Interpolation.apply("${env.HOME}", params: [:]))
    }

    func testGraphOrderAndCycle() throws {
        let config = try parse("""
            pipelines:
              p:
                steps:
                  c: {run: echo c, needs: [a, b]}
                  a: {run: echo a}
                  b: {run: echo b, needs: [a]}
            """)
        let graph = PipelineGraph(try XCTUnwrap(config.pipeline("p")))
        XCTAssertEqual(graph.topologicalOrder(), ["a", "b", "c"])
        XCTAssertNil(graph.cycle())
        XCTAssertEqual(graph.upstream(of: "c"), ["a", "b"])
    }
}
