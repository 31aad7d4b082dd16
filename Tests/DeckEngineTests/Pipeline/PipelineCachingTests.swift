import DeckEngine
import DeckStore
import Foundation
import XCTest

/// The step cache: hits when nothing changed, misses when params, data or deps change, `--force`
/// and `--no-cache`.
final class PipelineCachingTests: XCTestCase {
    func testSecondRunIsServedFromCache() throws {
        let ws = try PipelineTestWorkspace(yaml: PipelineYAML.standard())
        let first = try ws.run("p")
        XCTAssertEqual(first.status, .finished, first.reason ?? "")
        XCTAssertEqual(PipelineTestWorkspace.statuses(first),
                       ["prepare": .finished, "train": .finished, "evaluate": .finished, "register": .finished, "deploy": .finished])
        XCTAssertEqual(first.registered, ["m@1"])
        let second = try ws.run("p")
        XCTAssertEqual(second.status, .finished)
        XCTAssertEqual(PipelineTestWorkspace.statuses(second),
                       ["prepare": .cached, "train": .cached, "evaluate": .cached, "register": .cached, "deploy": .skipped])
        XCTAssertTrue(second.steps.filter { $0.status == .cached }.allSatisfy(\.cacheHit))
        // The cached run is complete: same metrics, curves and artifacts as the first.
        XCTAssertEqual(second.metrics, first.metrics)
        let a = try ws.store.runDetails(first.runID), b = try ws.store.runDetails(second.runID)
        // …besides the production version's scores on the same split: the first run had none.
        XCTAssertEqual(Set(a.metrics.map(\.key)), Set(b.metrics.map(\.key).filter { !$0.hasPrefix("production.") }))
        XCTAssertEqual(b.metrics.first { $0.key == "production.auc" }?.last, try XCTUnwrap(second.productionMetrics?["auc"]))
        XCTAssertEqual(b.metrics.first { $0.key == "validation-auc" }?.count, a.metrics.first { $0.key == "validation-auc" }?.count)
        XCTAssertEqual(Set(a.artifacts.map(\.path)), Set(b.artifacts.map(\.path)))
        XCTAssertEqual(Set(a.artifacts.map(\.object)), Set(b.artifacts.map(\.object)))
        // Restored files are in the step's output folder.
        let model = ws.store.workspace.runDirectory(second.runID).appendingPathComponent("steps/train/model.json")
        XCTAssertTrue(FileManager.default.fileExists(atPath: model.path))
        // No new model version for an unchanged pipeline; the deploy says why it did nothing.
        XCTAssertEqual(try ws.store.modelVersions("m").count, 1)
        XCTAssertTrue(second.steps.first { $0.name == "deploy" }?.reason?.contains("condition is false") == true)
        // Steps are recorded in the store for other processes.
        XCTAssertEqual(try ws.store.runSteps(second.runID).map(\.status), [.cached, .cached, .cached, .cached, .skipped])
    }

    func testParamChangeReRunsOnlyWhatDependsOnIt() throws {
        let ws = try PipelineTestWorkspace(yaml: PipelineYAML.standard())
        try ws.run("p")
        let changed = try ws.run("p", params: ["max_depth": "2"])
        let s = PipelineTestWorkspace.statuses(changed)
        XCTAssertEqual(s["prepare"], .cached)
        XCTAssertEqual(s["train"], .finished)
        XCTAssertEqual(s["evaluate"], .finished)
        XCTAssertEqual(s["register"], .finished)
        XCTAssertEqual(try ws.store.runDetails(changed.runID).params["max_depth"], "2")
        // Back to the first params: everything is cached again (both results are kept).
        let back = try ws.run("p")
        XCTAssertEqual(PipelineTestWorkspace.statuses(back)["train"], .cached)
    }

    func testDataChangeInvalidatesEverything() throws {
        let ws = try PipelineTestWorkspace(yaml: PipelineYAML.standard())
        try ws.run("p")
        try PipelineTestWorkspace.syntheticCSV(rows: 260, seed: 9).write(to: ws.root.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        let after = try ws.run("p")
        let s = PipelineTestWorkspace.statuses(after)
        XCTAssertEqual(s["prepare"], .finished)
        XCTAssertEqual(s["train"], .finished)
        XCTAssertEqual(s["evaluate"], .finished)
    }

    func testForceAndNoCache() throws {
        let ws = try PipelineTestWorkspace(yaml: PipelineYAML.standard())
        try ws.run("p")
        let forced = try ws.run("p", force: true)
        XCTAssertEqual(PipelineTestWorkspace.statuses(forced)["prepare"], .finished)
        XCTAssertEqual(PipelineTestWorkspace.statuses(forced)["train"], .finished)
        let uncached = try ws.run("p", noCache: true)
        XCTAssertEqual(PipelineTestWorkspace.statuses(uncached)["train"], .finished)
        XCTAssertNil(uncached.steps.first { $0.name == "train" }?.cacheKey)
    }

    func testDepsFileChangeInvalidatesCommandStep() throws {
        let ws = try PipelineTestWorkspace(yaml: """
            pipelines:
              c:
                params: {n: 3}
                steps:
                  make: {run: "sh -c 'cat input.txt > $MLDECK_OUTPUT_DIR/out.txt'", deps: [input.txt], outs: [out.txt]}
                  use:  {run: "sh -c 'wc -c < $MLDECK_INPUT_MAKE/out.txt'", needs: [make]}
            """)
        try "one".write(to: ws.root.appendingPathComponent("input.txt"), atomically: true, encoding: .utf8)
        XCTAssertEqual(PipelineTestWorkspace.statuses(try ws.run("c")), ["make": .finished, "use": .finished])
        XCTAssertEqual(PipelineTestWorkspace.statuses(try ws.run("c")), ["make": .cached, "use": .cached])
        try "two!".write(to: ws.root.appendingPathComponent("input.txt"), atomically: true, encoding: .utf8)
        let changed = try ws.run("c")
        XCTAssertEqual(PipelineTestWorkspace.statuses(changed), ["make": .finished, "use": .finished])
        let out = ws.store.workspace.runDirectory(changed.runID).appendingPathComponent("steps/make/out.txt")
        XCTAssertEqual(try String(contentsOf: out, encoding: .utf8), "two!")
        // A param is part of a command step's key (it reaches the command as MLDECK_PARAM_N).
        XCTAssertEqual(PipelineTestWorkspace.statuses(try ws.run("c", params: ["n": "4"]))["make"], .finished)
    }

    func testMissingDepsFileIsAConfigError() throws {
        let ws = try PipelineTestWorkspace(yaml: """
            pipelines:
              c:
                steps:
                  make: {run: echo hi, deps: [nothere.py]}
            """)
        XCTAssertThrowsError(try ws.run("c")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("mldeck.yaml:4:") && text.contains("make.deps") && text.contains("no file 'nothere.py'"), text)
        }
    }

    /// A step that is never cached (deploy) leaves no manifest behind: a run leaves no orphan
    /// objects for `gc` to find.
    func testARunLeavesNoOrphanObjects() throws {
        let ws = try PipelineTestWorkspace(yaml: PipelineYAML.standard(deploy: "metrics.auc > 0.5"))
        XCTAssertEqual(try ws.run("p").deployed.count, 1)
        XCTAssertEqual(try ws.run("p", noCache: true).status, .finished)
        let report = try StoreChecker(store: ws.store).check()
        XCTAssertEqual(report.orphaned.map(\.object), [], "\(report.orphaned)")
    }
}
