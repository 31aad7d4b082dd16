import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// A pipeline of command steps runs the same way on every store implementation (SQLite and the
/// in-memory fake): step states, metrics, params, artifacts, and a cache hit on the re-run that
/// restores the outputs without running the command.
final class PipelineStoreImplementationsTests: XCTestCase {
    static let yaml = """
        pipelines:
          c:
            params: {n: 3}
            steps:
              make:
                run: sh make.sh
                deps: [make.sh, input.txt]
                outs: [out.txt]
                metrics: metrics.json
              use: {run: "sh -c 'wc -c < $MLDECK_INPUT_MAKE/out.txt'", needs: [make]}
        """

    /// `make` counts its runs in a file outside the workspace's outputs, so a cache hit shows as no new count.
    static let script = """
        echo ran >> "$MLDECK_WORKSPACE/runs.log"
        cat input.txt > "$MLDECK_OUTPUT_DIR/out.txt"
        printf '{"key": "loss", "value": 0.75, "step": 0}\\n{"params": {"seen": "%s"}}\\n' "$MLDECK_PARAM_N" >> "$MLDECK_METRICS_FILE"
        printf '{"accuracy": 0.9}' > "$MLDECK_OUTPUT_DIR/metrics.json"
        """

    func run(_ store: any WorkspaceStore, params: [String: String] = [:]) throws -> PipelineOutcome {
        let config = try PipelineEnvironment.loadConfig(store.workspace)
        let request = PipelineRunRequest(pipeline: "c", params: params, force: false, noCache: false, maxParallel: 2)
        return try PipelineExecution(store: store, config: config, request: request).run()
    }

    func testACommandPipelineRunsAndHitsTheCacheInEveryStore() throws {
        try StoreImplementation.each(prefix: "mldeck-pipeline") { kind, store, root in
            try Self.yaml.write(to: root.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
            try Self.script.write(to: root.appendingPathComponent("make.sh"), atomically: true, encoding: .utf8)
            try "hello".write(to: root.appendingPathComponent("input.txt"), atomically: true, encoding: .utf8)
            let runsLog = root.appendingPathComponent("runs.log")

            let first = try run(store)
            XCTAssertEqual(first.status, .finished, "\(kind): \(first.reason ?? "")")
            XCTAssertEqual(PipelineTestWorkspace.statuses(first), ["make": .finished, "use": .finished], "\(kind)")
            let steps = try store.runSteps(first.runID)
            XCTAssertEqual(steps.map(\.name), ["make", "use"], "\(kind)")
            XCTAssertEqual(steps.map(\.status), [.finished, .finished], "\(kind)")
            let details = try store.runDetails(first.runID)
            XCTAssertEqual(details.run.status, .finished, "\(kind)")
            XCTAssertEqual(details.run.pipeline, "c", "\(kind)")
            XCTAssertEqual(details.params["n"], "3", "\(kind)")
            XCTAssertEqual(details.params["seen"], "3", "\(kind)")
            XCTAssertEqual(details.metrics.first { $0.key == "loss" }?.last, 0.75, "\(kind)")
            XCTAssertEqual(details.metrics.first { $0.key == "accuracy" }?.last, 0.9, "\(kind)")
            XCTAssertTrue(details.artifacts.map(\.path).contains("steps/make/out.txt"), "\(kind): \(details.artifacts.map(\.path))")
            XCTAssertEqual(try String(contentsOf: runsLog, encoding: .utf8), "ran\n", "\(kind)")

            // The re-run is served from the cache: outputs restored, the command not run again.
            let again = try run(store)
            XCTAssertEqual(again.status, .finished, "\(kind): \(again.reason ?? "")")
            XCTAssertEqual(PipelineTestWorkspace.statuses(again), ["make": .cached, "use": .cached], "\(kind)")
            XCTAssertEqual(try store.runSteps(again.runID).map(\.cacheHit), [true, true], "\(kind)")
            XCTAssertEqual(try String(contentsOf: runsLog, encoding: .utf8), "ran\n", "\(kind): the cached step ran again")
            let restored = store.workspace.runDirectory(again.runID).appendingPathComponent("steps/make/out.txt")
            XCTAssertEqual(try String(contentsOf: restored, encoding: .utf8), "hello", "\(kind)")
            XCTAssertEqual(try store.runDetails(again.runID).metrics.first { $0.key == "accuracy" }?.last, 0.9, "\(kind)")
            XCTAssertEqual(try store.lastRun(ofPipeline: "c")?.id, again.runID, "\(kind)")

            // A changed param is part of the key: the step runs again.
            let changed = try run(store, params: ["n": "4"])
            XCTAssertEqual(PipelineTestWorkspace.statuses(changed)["make"], .finished, "\(kind)")
            XCTAssertEqual(try store.runDetails(changed.runID).params["seen"], "4", "\(kind)")
        }
    }
}
