import DeckEngine
import DeckStore
import Foundation
import XCTest

/// `PipelineCodeHash` is public and stable: the code-change trigger computes the same hash a run
/// records, and the hash does not depend on dictionary order or the process.
final class PipelineCodeHashTests: XCTestCase {
    func testAFixedDefinitionHasAFixedHash() {
        // sha256("defa.py=h1\nb.py=h2\nc.py=h3"), steps in name order (a, b), each step's files in order
        let hash = PipelineCodeHash.of(definition: "def", dependencies: ["b": [("c.py", "h3")], "a": [("a.py", "h1"), ("b.py", "h2")]])
        XCTAssertEqual(hash, "7ee0665141b1e7187d066873f69c8faa7a1d89d853bc3df53e619da9f459baba")
    }

    func testTheHashIgnoresDictionaryOrderAndFollowsContent() {
        var forward: [String: [(String, String)]] = [:], backward: [String: [(String, String)]] = [:]
        let steps = (0..<40).map { "step\($0)" }
        for s in steps { forward[s] = [("\(s).py", "h-\(s)")] }
        for s in steps.reversed() { backward[s] = [("\(s).py", "h-\(s)")] }
        XCTAssertEqual(PipelineCodeHash.of(definition: "d", dependencies: forward), PipelineCodeHash.of(definition: "d", dependencies: backward))
        var changed = forward
        changed["step7"] = [("step7.py", "other")]
        XCTAssertNotEqual(PipelineCodeHash.of(definition: "d", dependencies: forward), PipelineCodeHash.of(definition: "d", dependencies: changed))
        XCTAssertNotEqual(PipelineCodeHash.of(definition: "d", dependencies: forward), PipelineCodeHash.of(definition: "e", dependencies: forward))
    }

    func testARunRecordsThePublicHash() throws {
        let yaml = """
            pipelines:
              p:
                steps:
                  one: {run: "cat a.txt", deps: [a.txt]}
                  two: {run: "cat b.txt", deps: [b.txt], needs: [one]}
            """
        let workspace = try PipelineTestWorkspace(yaml: yaml)
        try "alpha".write(to: workspace.root.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        try "beta".write(to: workspace.root.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
        let outcome = try workspace.run("p")
        XCTAssertEqual(outcome.status, .finished, outcome.reason ?? "")
        let config = try workspace.config()
        let pipeline = try XCTUnwrap(config.pipeline("p"))
        let deps = try PipelineCodeHash.dependencies(of: pipeline, workspaceRoot: workspace.root, configFile: config.file)
        let expected = PipelineCodeHash.of(pipeline, dependencies: deps)
        XCTAssertEqual(try workspace.store.runDetails(outcome.runID).run.lineage.codeHash, expected)
        try "beta2".write(to: workspace.root.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
        let changed = try PipelineCodeHash.dependencies(of: pipeline, workspaceRoot: workspace.root, configFile: config.file)
        XCTAssertNotEqual(PipelineCodeHash.of(pipeline, dependencies: changed), expected, "a dependency's content is part of the hash")
    }

    func testAMissingDependencyIsNamedAtItsKey() throws {
        let yaml = "pipelines:\n  p:\n    steps:\n      one: {run: \"true\", deps: [missing.py]}\n"
        let workspace = try PipelineTestWorkspace(yaml: yaml)
        let config = try workspace.config()
        let pipeline = try XCTUnwrap(config.pipeline("p"))
        XCTAssertThrowsError(try PipelineCodeHash.dependencies(of: pipeline, workspaceRoot: workspace.root, configFile: config.file)) { error in
            XCTAssertTrue("\(error)".contains("pipelines.p.steps.one.deps"), "\(error)")
            XCTAssertTrue("\(error)".contains("no file 'missing.py'"), "\(error)")
        }
    }
}
