import DeckEngine
import DeckML
import Foundation
import XCTest

/// `monitors:` and `on_alert:` in `mldeck.yaml`: parsed into monitors, errors name file, line and key.
final class MonitorSpecParserTests: XCTestCase {
    func parse(_ yaml: String) throws -> MonitoringConfig {
        let config = try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse(yaml, file: "mldeck.yaml"))
        return try MonitorSpecParser(file: "mldeck.yaml").parse(config)
    }

    func error(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> PipelineConfigError? {
        do {
            _ = try parse(yaml)
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch let error as PipelineConfigError {
            return error
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
            return nil
        }
    }

    func testTheDesignShorthandAndDefaults() throws {
        let config = try parse("""
            monitors:
              churn-model: {window: 1000, drift_share: 0.5}
              other:
            """)
        XCTAssertEqual(config.monitors.map(\.model), ["churn-model", "other"])
        let m = try XCTUnwrap(config.monitor("churn-model"))
        XCTAssertEqual(m.window, .lastPredictions(1000))
        XCTAssertEqual(m.drift.driftShare, 0.5)
        XCTAssertEqual(m.alias, "production")
        XCTAssertEqual(m.minRows, 30)
        XCTAssertNil(m.quality)
        XCTAssertEqual(m.location.line, 2)
        XCTAssertEqual(config.monitor("other")?.window, .lastPredictions(1000))
        XCTAssertNil(config.onAlert)
    }

    func testEveryKey() throws {
        let config = try parse("""
            monitors:
              churn-model:
                alias: Staging
                window: 12h
                min_rows: 100
                drift_share: 0.3
                columns: [tenure, contract, monthly_charges]
                numerical_test: ks
                categorical_test: chisquare
                threshold: 0.01
                tests:
                  tenure: psi
                  monthly_charges: {test: wasserstein, threshold: 0.2}
                quality: {metric: auc, floor: 0.8, window: 200, min_labels: 50}
              prices:
                quality: {metric: rmse, ceiling: 15000}
            on_alert: {run: "cat > /tmp/alert.json", timeout: 5s, shell: true}
            """)
        let m = try XCTUnwrap(config.monitor("churn-model"))
        XCTAssertEqual(m.alias, "staging")
        XCTAssertEqual(m.window, .timeSpan(43_200))
        XCTAssertEqual(m.window.description, "last 12 h")
        XCTAssertEqual(m.minRows, 100)
        XCTAssertEqual(m.drift.driftShare, 0.3)
        XCTAssertEqual(m.drift.columns, ["tenure", "contract", "monthly_charges"])
        XCTAssertEqual(m.drift.numericalTest, .ks)
        XCTAssertEqual(m.drift.categoricalTest, .chiSquare)
        XCTAssertEqual(m.drift.threshold, 0.01)
        XCTAssertEqual(m.drift.perColumn["tenure"], DriftOptions.Column(test: .psi))
        XCTAssertEqual(m.drift.perColumn["monthly_charges"], DriftOptions.Column(test: .wasserstein, threshold: 0.2))
        XCTAssertEqual(m.quality, QualitySpec(metric: "auc", bound: 0.8, higherIsBetter: true, window: 200, minLabels: 50))
        let q = try XCTUnwrap(config.monitor("prices")?.quality)
        XCTAssertFalse(q.higherIsBetter)
        XCTAssertTrue(q.isBelowBound(16_000))
        XCTAssertFalse(q.isBelowBound(14_000))
        XCTAssertEqual(config.onAlert, AlertCommandSpec(command: "cat > /tmp/alert.json", shell: true, timeout: 5))
        XCTAssertEqual(try parse("on_alert: notify-send alert").onAlert, AlertCommandSpec(command: "notify-send alert", shell: true, timeout: 30))
    }

    func testErrorsNameTheKeyAndLine() throws {
        let unknown = error("""
            monitors:
              churn-model:
                windw: 100
            """)
        XCTAssertEqual(unknown?.key, "monitors.churn-model.windw")
        XCTAssertEqual(unknown?.location?.line, 3)
        XCTAssertTrue(unknown?.message.contains("did you mean `window`") ?? false, unknown?.message ?? "")

        let window = error("monitors:\n  m: {window: 0}\n")
        XCTAssertEqual(window?.key, "monitors.m.window")
        XCTAssertEqual(window?.location?.line, 2)
        XCTAssertEqual(error("monitors:\n  m: {window: soon}\n")?.key, "monitors.m.window")
        XCTAssertEqual(error("monitors:\n  m: {window: 1e9}\n")?.key, "monitors.m.window", "no Int(double) on outside input")
        XCTAssertEqual(error("monitors:\n  m: {drift_share: 1.5}\n")?.key, "monitors.m.drift_share")
        XCTAssertEqual(error("monitors:\n  m: {drift_share: nan}\n")?.key, "monitors.m.drift_share")
        XCTAssertEqual(error("monitors:\n  m: {threshold: -1}\n")?.key, "monitors.m.threshold")
        let test = error("monitors:\n  m: {tests: {tenure: kss}}\n")
        XCTAssertEqual(test?.key, "monitors.m.tests.tenure")
        XCTAssertTrue(test?.message.contains("did you mean `ks`") ?? false)
        XCTAssertEqual(error("monitors:\n  m: {categorical_test: ks}\n")?.key, "monitors.m.categorical_test")
        XCTAssertEqual(error("monitors:\n  m: {tests: {a: {test: ks, cutoff: 1}}}\n")?.key, "monitors.m.tests.a.cutoff")
        XCTAssertEqual(error("monitors:\n  m: {columns: [a], tests: {b: ks}}\n")?.key, "monitors.m.tests.b")
        XCTAssertEqual(error("monitors:\n  m: {min_rows: 99999999999999999999}\n")?.key, "monitors.m.min_rows")
        XCTAssertEqual(error("monitors: [a]\n")?.key, "monitors")
        XCTAssertEqual(error("monitors:\n  'bad name': {}\n")?.key, "monitors.bad name")
    }

    func testQualityErrors() throws {
        let metric = error("monitors:\n  m: {quality: {metric: acuracy, floor: 0.7}}\n")
        XCTAssertEqual(metric?.key, "monitors.m.quality.metric")
        XCTAssertTrue(metric?.message.contains("did you mean `accuracy`") ?? false)
        XCTAssertEqual(error("monitors:\n  m: {quality: {floor: 0.7}}\n")?.key, "monitors.m.quality")
        let noFloor = error("monitors:\n  m: {quality: {metric: accuracy}}\n")
        XCTAssertTrue(noFloor?.message.contains("floor") ?? false)
        XCTAssertEqual(error("monitors:\n  m: {quality: {metric: rmse, floor: 3}}\n")?.key, "monitors.m.quality.floor")
        XCTAssertEqual(error("monitors:\n  m: {quality: {metric: auc, ceiling: 3}}\n")?.key, "monitors.m.quality.ceiling")
        XCTAssertEqual(error("monitors:\n  m: {quality: {metric: auc, floor: 0.7, every: 3}}\n")?.key, "monitors.m.quality.every")
    }

    func testOnAlertErrors() throws {
        XCTAssertEqual(error("on_alert: {run: x, timout: 3}\n")?.key, "on_alert.timout")
        XCTAssertEqual(error("on_alert: {timeout: 3}\n")?.key, "on_alert")
        XCTAssertEqual(error("on_alert: {run: x, timeout: -3}\n")?.key, "on_alert.timeout")
        XCTAssertEqual(error("on_alert: [a, b]\n")?.key, "on_alert")
        XCTAssertEqual(error("on_alert: '  '\n")?.key, "on_alert")
    }
}

/// `mldeck validate` reports a monitor's problem with the pipelines' problems.
final class MonitorValidationTests: XCTestCase {
    func testValidatorReportsMonitorProblems() throws {
        let yaml = """
            pipelines:
              p:
                steps:
                  train: {run: "true"}
            monitors:
              m: {window: 100, drift_share: 2}
            """
        let config = try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse(yaml, file: "mldeck.yaml"))
        let found = PipelineValidator(file: "mldeck.yaml").problems(in: config)
        XCTAssertEqual(found.map(\.key), ["monitors.m.drift_share"])
        XCTAssertEqual(found.first?.location?.line, 6)
    }
}
