@testable import DeckEngine
import DeckML
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// `BuiltinCatalog` is the one list of built-ins: every key a runner reads is declared there,
/// validation accepts each declared key, execution takes its runner from it (an unknown kind is an
/// error, not a `deploy`), and the README's table of options cannot drift from it.
final class BuiltinCatalogTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func step(_ uses: String, with: String = "{}") throws -> StepSpec {
        let yaml = "pipelines:\n  p:\n    steps:\n      s: {uses: \(uses), with: \(with)}\n"
        let config = try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse(yaml, file: "mldeck.yaml"))
        return try XCTUnwrap(config.pipeline("p")?.step("s"))
    }

    /// A value `option` accepts.
    func sample(_ option: BuiltinCatalog.Option) -> String {
        if let known = ["metrics": "auc", "split": "test", "task": "binary", "objective": "binary:logistic", "where": "version >= 1"][option.key] { return known }
        switch option.range {
        case .whole(let r)?: return String(r.lowerBound)
        case .number(let lower, let upper, _, _)?:
            if lower == -.greatestFiniteMagnitude { return "0" }
            if upper == .greatestFiniteMagnitude { return String(lower + 1) }
            return String((lower + upper) / 2)
        case nil: return option.kind == .boolean ? "true" : "x"
        }
    }

    func testEveryDeclaredOptionIsAcceptedByValidationWithItsRange() throws {
        for entry in BuiltinCatalog.entries {
            for option in entry.options {
                let yaml = """
                    pipelines:
                      p:
                        dataset: data.csv
                        steps:
                          prepare: {uses: split, with: {target: label}}
                          s: {uses: \(entry.name), needs: [prepare], with: {\(option.key): "\(sample(option))"}}
                    """
                let config = try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse(yaml, file: "mldeck.yaml"))
                let pipeline = try XCTUnwrap(config.pipeline("p"))
                let found = PipelineValidator(file: "mldeck.yaml").problems(in: pipeline).map(\.description)
                XCTAssertFalse(found.contains { $0.contains("with.\(option.key)") }, "\(entry.name).\(option.key)=\(sample(option)): \(found)")
                XCTAssertEqual(BuiltinOptionRanges.range(builtin: entry.name, key: option.key), option.range, "\(entry.name).\(option.key)")
            }
        }
    }

    /// Scans the runners' sources for `context.int("KEY")`, `context.string("KEY")`, … and checks
    /// that each key is an option of the built-in(s) the runner serves.
    func testEveryKeyARunnerReadsIsDeclared() throws {
        let runners = ["SplitStep": ["split"], "TrainStep": ["xgboost", "linear"], "EvaluateStep": ["evaluate"],
                       "RegisterStep": ["register"], "DeployStep": ["deploy"], "SelectStep": ["select"]]
        let pattern = try NSRegularExpression(pattern: #"context\.(?:string|int|double|bool|stringList|argument)(?:OrDefault)?\("([A-Za-z_]+)"\)"#)
        for (file, builtins) in runners {
            let url = Self.root.appendingPathComponent("Sources/DeckEngine/Pipeline/Builtins/\(file).swift")
            let text = try String(contentsOf: url, encoding: .utf8)
            let keys = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { m in
                Range(m.range(at: 1), in: text).map { String(text[$0]) }
            }
            XCTAssertFalse(keys.isEmpty, "found no option reads in \(file)")
            for builtin in builtins {
                let entry = try XCTUnwrap(BuiltinCatalog.entry(builtin))
                for key in keys { XCTAssertNotNil(entry.option(key), "\(file) reads with.\(key) but the catalog's \(builtin) does not declare it") }
            }
        }
    }

    /// A runner's fallback comes from the catalog (`context.intOrDefault("seed")`), never from a
    /// literal of its own (`context.int("seed") ?? 42`), and each such default reads as a value.
    func testTheRunnersDefaultsComeFromTheCatalog() throws {
        let runners = ["SplitStep": "split", "EvaluateStep": "evaluate", "RegisterStep": "register", "DeployStep": "deploy", "TrainStep": "xgboost"]
        let literal = try NSRegularExpression(pattern: #"context\.(?:string|int|double|bool)\("([A-Za-z_]+)"\) \?\? ("[^"]*"|[0-9.]+|true|false)\b"#)
        let fromCatalog = try NSRegularExpression(pattern: #"context\.(string|int|double|bool)OrDefault\("([A-Za-z_]+)"\)"#)
        var checked = 0
        for (file, builtin) in runners {
            let text = try String(contentsOf: Self.root.appendingPathComponent("Sources/DeckEngine/Pipeline/Builtins/\(file).swift"), encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            for m in literal.matches(in: text, range: range) {
                XCTFail("\(file): \(Range(m.range, in: text).map { String(text[$0]) } ?? "") — read the default from the catalog (…OrDefault)")
            }
            for m in fromCatalog.matches(in: text, range: range) {
                guard let k = Range(m.range(at: 1), in: text), let v = Range(m.range(at: 2), in: text) else { continue }
                let kind = String(text[k]), key = String(text[v])
                let value = try XCTUnwrap(BuiltinCatalog.entry(builtin)?.option(key)?.defaultText, "\(file): \(builtin) has no option \(key)")
                switch kind {
                case "int": XCTAssertNotNil(CheckedInteger.parse(value), "\(builtin).\(key) default '\(value)'")
                case "double": XCTAssertNotNil(Double(value), "\(builtin).\(key) default '\(value)'")
                case "bool": XCTAssertTrue(["true", "false"].contains(value), "\(builtin).\(key) default '\(value)'")
                default: XCTAssertFalse(value.contains(" ") || value.hasPrefix("(") || value == "none", "\(builtin).\(key) default '\(value)'")
                }
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 6)
    }

    /// The values the split step uses when `with:` is empty are the catalog's.
    func testAStepContextFallsBackToTheCatalogsValues() throws {
        let workspace = try TemporaryWorkspace(prefix: "mldeck-catalog")
        defer { workspace.cleanup() }
        let run = try workspace.store.createRun(RunStart(name: "c"))
        let spec = try step("split", with: "{target: y, seed: 7}")
        let config = try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse("pipelines:\n  p:\n    steps:\n      s: {uses: split, with: {target: y}}\n", file: "mldeck.yaml"))
        let pipeline = try XCTUnwrap(config.pipeline("p"))
        let context = StepContext(store: workspace.store, run: run, pipeline: pipeline, step: spec, arguments: spec.with, params: [:],
                                  dataset: nil, outputDirectory: workspace.root, logURL: workspace.root.appendingPathComponent("log"),
                                  upstream: [:], graph: PipelineGraph(pipeline), cancellation: CancellationToken(), tables: TableCache(),
                                  sink: RunEventSink(observer: nil, logDirectory: workspace.root), executor: LocalStepExecutor(),
                                  gracePeriod: 1, timeout: nil)
        XCTAssertEqual(try context.intOrDefault("seed"), 7)
        XCTAssertEqual(try context.intOrDefault("max_onehot"), 32)
        XCTAssertEqual(try context.doubleOrDefault("test_size"), 0.2)
        XCTAssertEqual(try context.boolOrDefault("keep_ids"), false)
        XCTAssertThrowsError(try context.intOrDefault("task"))
    }

    func testRequiredKeysAndRunnersComeFromTheCatalog() throws {
        XCTAssertEqual(BuiltinCatalog.entry("split")?.required, ["target"])
        XCTAssertEqual(BuiltinCatalog.entry("register")?.required, ["model"])
        XCTAssertTrue(try PipelineExecution.runner(for: step("split")) is SplitStep)
        XCTAssertEqual((try PipelineExecution.runner(for: step("linear")) as? TrainStep)?.linear, true)
        XCTAssertEqual((try PipelineExecution.runner(for: step("xgboost")) as? TrainStep)?.linear, false)
        XCTAssertTrue(try PipelineExecution.runner(for: step("evaluate")) is EvaluateStep)
        XCTAssertTrue(try PipelineExecution.runner(for: step("register", with: "{model: m}")) is RegisterStep)
        XCTAssertTrue(try PipelineExecution.runner(for: step("deploy")) is DeployStep)
        XCTAssertTrue(try PipelineExecution.runner(for: step("select", with: "{model: m, best_by: auc}")) is SelectStep)
    }

    func testAnUnknownKindIsATypedErrorNeverADeploy() throws {
        XCTAssertThrowsError(try PipelineExecution.runner(for: step("deplyo"))) { error in
            XCTAssertEqual(error as? BuiltinCatalogError, .unknownBuiltin("deplyo", known: BuiltinCatalog.names))
            XCTAssertTrue("\(error)".contains("unknown built-in 'deplyo' (did you mean 'deploy'?)"), "\(error)")
        }
    }

    /// Rows of the README's "Built-in steps and their options" table: (steps, option keys, default).
    static func readmeRows() throws -> [(steps: [String], keys: [String], defaultText: String)] {
        let text = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        guard let start = text.range(of: "### Built-in steps and their options") else { return [] }
        var rows: [(steps: [String], keys: [String], defaultText: String)] = []
        var current: [String] = []
        for line in text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
            if line.hasPrefix("#") { break }
            guard line.hasPrefix("|"), !line.hasPrefix("|---"), !line.hasPrefix("| step |") else { continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            let steps = backticked(cells[1])
            if !steps.isEmpty { current = steps }
            rows.append((current, backticked(cells[2]), cells[3]))
        }
        return rows
    }

    static func backticked(_ cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    func testTheReadmeTableAndTheCatalogAgree() throws {
        let rows = try Self.readmeRows()
        XCTAssertGreaterThan(rows.count, 20, "the README's table of built-in options was not found")
        var listed: [String: Set<String>] = [:]
        for row in rows {
            for step in row.steps {
                let entry = BuiltinCatalog.entry(step)
                XCTAssertNotNil(entry, "the README lists a built-in `\(step)` the catalog does not have")
                for key in row.keys {
                    listed[step, default: []].insert(key)
                    guard let option = entry?.option(key) else { XCTFail("the README lists \(step).\(key); the catalog does not"); continue }
                    // A literal default in the README (`0.2`, `42`, `test`) is the catalog's.
                    if row.keys.count == 1, Self.backticked(row.defaultText) == [row.defaultText.trimmingCharacters(in: CharacterSet(charactersIn: "`"))] {
                        XCTAssertEqual(option.defaultText, row.defaultText.trimmingCharacters(in: CharacterSet(charactersIn: "`")), "\(step).\(key)")
                    }
                }
            }
        }
        // and every built-in and every option of its own (not an XGBoost parameter) is in the README
        for entry in BuiltinCatalog.entries {
            for option in entry.options where option.defaultText != "XGBoost's" {
                XCTAssertTrue(listed[entry.name]?.contains(option.key) ?? false, "the README's table does not list \(entry.name).\(option.key)")
            }
        }
    }
}
