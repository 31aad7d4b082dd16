@testable import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest

/// Every numeric option of every built-in is range-checked by `validate` (and when the step
/// starts) with the step, the key and the range: `rounds: 1e400` no longer traps.
final class BuiltinOptionRangeTests: XCTestCase {
    func problems(_ with: String, uses: String = "xgboost", overrides: [String: String] = [:]) throws -> [String] {
        let yaml = """
            pipelines:
              p:
                dataset: data.csv
                params: {rounds: 5}
                steps:
                  prepare: {uses: split, with: {target: label}}
                  s: {uses: \(uses), needs: [prepare], with: \(with)}
            """
        let config = try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse(yaml, file: "mldeck.yaml"))
        let pipeline = try XCTUnwrap(config.pipeline("p"))
        return PipelineValidator(file: "mldeck.yaml").problems(in: pipeline, overrides: overrides).map(\.description)
    }

    func testHugeInfiniteAndFractionalRoundsAreRefusedByValidate() throws {
        for bad in ["99999999999999999999", "1e400", "inf", "-inf", "nan", "2.5", "0", "-3", "100001", "lots"] {
            let found = try problems("{rounds: \(bad)}")
            XCTAssertEqual(found.count, 1, "\(bad): \(found)")
            XCTAssertTrue(found.first?.contains("pipelines.p.steps.s.with.rounds: expected a whole number from 1 to 100000, found '\(bad)'") ?? false,
                          "\(bad): \(found)")
            XCTAssertTrue(found.first?.hasPrefix("mldeck.yaml:7:") ?? false, "\(found)")
        }
        XCTAssertEqual(try problems("{rounds: 1e3}"), [], "a whole number written with an exponent is fine")
        XCTAssertEqual(try problems("{rounds: 300, eta: 0.1, max_depth: 6, nthread: 2}"), [])
    }

    func testParamsOverridesAreCheckedOnceFilledIn() throws {
        let found = try problems("{rounds: \"${params.rounds}\"}", overrides: ["rounds": "99999999999999999999"])
        XCTAssertTrue(found.first?.contains("with.rounds: expected a whole number from 1 to 100000, found '99999999999999999999'") ?? false, "\(found)")
        let implicit = try problems("{eta: 0.1}", overrides: ["rounds": "inf"])
        XCTAssertTrue(implicit.first?.contains("params.rounds") ?? false, "\(implicit)")
        XCTAssertEqual(try problems("{rounds: \"${params.rounds}\"}", overrides: ["rounds": "40"]), [])
    }

    func testEveryNumericOptionOfEveryBuiltinHasARange() throws {
        let cases: [(uses: String, with: String, key: String)] = [
            ("split", "{target: label, test_size: 1.5}", "test_size"),
            ("split", "{target: label, validation_size: -0.1}", "validation_size"),
            ("split", "{target: label, seed: 1e400}", "seed"),
            ("split", "{target: label, max_onehot: 99999999999999999999}", "max_onehot"),
            ("xgboost", "{early_stopping_rounds: inf}", "early_stopping_rounds"),
            ("xgboost", "{nthread: 1e20}", "nthread"),
            ("xgboost", "{eta: 1e400}", "eta"),
            ("xgboost", "{max_depth: 99999999999999999999}", "max_depth"),
            ("xgboost", "{subsample: 0}", "subsample"),
            ("linear", "{n_estimators: -1}", "n_estimators"),
            ("linear", "{lambda: -inf}", "lambda"),
            ("evaluate", "{threshold: 2}", "threshold"),
        ]
        for c in cases {
            let found = try problems(c.with, uses: c.uses)
            XCTAssertTrue(found.contains { $0.contains("with.\(c.key): expected ") }, "\(c): \(found)")
        }
        XCTAssertEqual(BuiltinOptionRanges.byBuiltin["register"], [:], "register takes no numeric options")
        XCTAssertEqual(BuiltinOptionRanges.byBuiltin["deploy"], ["port": .whole(1...65_535)], "deploy's one numeric option is the port of serve: true")
        for entry in BuiltinCatalog.entries { XCTAssertNotNil(BuiltinOptionRanges.byBuiltin[entry.name], entry.name) }
    }

    func testTheRunTimeCheckNamesStepKeyAndRangeAfterInterpolation() throws {
        let yaml = """
            pipelines:
              p:
                steps:
                  train: {uses: xgboost, with: {rounds: "${params.rounds}", max_depth: 6}}
            """
        let config = try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse(yaml, file: "mldeck.yaml"))
        let step = try XCTUnwrap(config.pipeline("p")?.step("train"))
        func check(_ rounds: String) throws -> String? {
            let arguments = try step.with.map { ($0.key, try Interpolation.apply($0.value, params: ["rounds": rounds])) }
            return BuiltinOptionRanges.firstProblem(step: step, arguments: arguments)
        }
        XCTAssertEqual(try check("1e400"), "step 'train': with.rounds: expected a whole number from 1 to 100000, found '1e400'")
        XCTAssertEqual(try check("99999999999999999999"), "step 'train': with.rounds: expected a whole number from 1 to 100000, found '99999999999999999999'")
        XCTAssertNil(try check("300"))
    }

    func testStepTimeoutsMustBeFinite() throws {
        for bad in ["1e400", "inf", "1e300h"] {
            let yaml = "pipelines:\n  p:\n    steps:\n      s: {run: echo hi, timeout: \(bad)}\n"
            XCTAssertThrowsError(try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse(yaml, file: "mldeck.yaml"))) { e in
                XCTAssertTrue("\(e)".contains("pipelines.p.steps.s.timeout"), "\(e)")
            }
        }
    }

    func testCheckedIntegerNeverTraps() {
        XCTAssertNil(CheckedInteger.parse("99999999999999999999"))
        XCTAssertNil(CheckedInteger.parse("1e400"))
        XCTAssertNil(CheckedInteger.parse("inf"))
        XCTAssertNil(CheckedInteger.parse("nan"))
        XCTAssertNil(CheckedInteger.parse("9.3e18"))
        XCTAssertNil(CheckedInteger.parse("2.5"))
        XCTAssertEqual(CheckedInteger.parse("1e3"), 1000)
        XCTAssertEqual(CheckedInteger.parse(" -7 "), -7)
        XCTAssertEqual(CheckedInteger.clamped(.infinity), .max)
        XCTAssertEqual(CheckedInteger.clamped(-1e300), .min)
        XCTAssertEqual(CheckedInteger.clamped(.nan), 0)
        XCTAssertEqual(CheckedInteger.clamped(9_223_372_036_854_775_807.0), .max)
        XCTAssertEqual(CheckedInteger.clamped(-2.7), -2)
        XCTAssertThrowsError(try CheckedInteger.parse("1e400", key: "with.rounds", in: 1...10)) { e in
            XCTAssertEqual("\(e)", "with.rounds: expected a whole number from 1 to 10, found '1e400'")
        }
    }
}
