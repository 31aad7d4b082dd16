import DeckEngine
import DeckStore
import Foundation
import XCTest

/// `run:` steps: environment, live JSON-lines metrics, `outs`, `metrics` file, logs, failures,
/// timeouts and retries.
final class PipelineCommandStepTests: XCTestCase {
    var hasPython: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/python3") }

    func testPythonStepEndToEnd() throws {
        try XCTSkipUnless(hasPython, "python3 is not installed")
        let ws = try PipelineTestWorkspace(yaml: """
            pipelines:
              py:
                params: {lr: "0.5", epochs: 3}
                steps:
                  train:
                    run: python3 train.py --lr ${params.lr}
                    deps: [train.py]
                    outs: [model.txt]
                    metrics: metrics.json
            """)
        try """
            import json, os, sys
            lr = float(sys.argv[2])
            epochs = int(os.environ["MLDECK_PARAM_EPOCHS"])
            with open(os.environ["MLDECK_METRICS_FILE"], "a") as f:
                for step in range(epochs):
                    f.write(json.dumps({"key": "loss", "value": 1.0 / (step + 1), "step": step}) + "\\n")
                f.write(json.dumps({"params": {"optimizer": "sgd"}}) + "\\n")
            out = os.environ["MLDECK_OUTPUT_DIR"]
            open(os.path.join(out, "model.txt"), "w").write("weights %s" % lr)
            json.dump({"accuracy": 0.9, "nested": {"f1": 0.8}}, open(os.path.join(out, "metrics.json"), "w"))
            print("trained on run", os.environ["MLDECK_RUN_ID"][:8])
            """.write(to: ws.root.appendingPathComponent("train.py"), atomically: true, encoding: .utf8)
        let outcome = try ws.run("py")
        XCTAssertEqual(outcome.status, .finished, outcome.reason ?? "")
        let details = try ws.store.runDetails(outcome.runID)
        let loss = try XCTUnwrap(details.metrics.first { $0.key == "loss" })
        XCTAssertEqual(loss.count, 3)
        XCTAssertEqual(loss.last, 1.0 / 3)
        XCTAssertEqual(details.metrics.first { $0.key == "accuracy" }?.last, 0.9)
        XCTAssertEqual(details.metrics.first { $0.key == "nested.f1" }?.last, 0.8)
        XCTAssertEqual(details.params["optimizer"], "sgd")
        XCTAssertEqual(details.params["lr"], "0.5")
        XCTAssertEqual(Set(details.artifacts.map(\.path)), ["steps/train/model.txt", "steps/train/metrics.json"])
        let log = try String(contentsOf: ws.store.workspace.runDirectory(outcome.runID).appendingPathComponent("log"), encoding: .utf8)
        XCTAssertTrue(log.contains("[train] trained on run \(outcome.runID.prefix(8))"), log)
        // Cached: the outputs come back without running python.
        let again = try ws.run("py")
        XCTAssertEqual(PipelineTestWorkspace.statuses(again)["train"], .cached)
        let restored = ws.store.workspace.runDirectory(again.runID).appendingPathComponent("steps/train/model.txt")
        XCTAssertEqual(try String(contentsOf: restored, encoding: .utf8), "weights 0.5")
        XCTAssertEqual(try ws.store.runDetails(again.runID).metrics.first { $0.key == "loss" }?.count, 3)
    }

    func testABadMetricsLineInAStepIsSkippedAndTheRestKept() throws {
        let long = String(repeating: "k", count: 260)
        let ws = try PipelineTestWorkspace(yaml: """
            pipelines:
              lines:
                steps:
                  train: {run: sh lines.sh, deps: [lines.sh]}
            """)
        let lines = [#"{"key":"loss","value":1}"#, #"{"key":"\#(long)","value":1}"#, #"{"params":{"pp":"1"}}"#,
                     #"{"params":{"pp":"2"}}"#, #"{"tags":{"t":"x"}}"#]
        try "cat >> \"$MLDECK_METRICS_FILE\" <<'EOF'\n\(lines.joined(separator: "\n"))\nEOF\n"
            .write(to: ws.root.appendingPathComponent("lines.sh"), atomically: true, encoding: .utf8)
        let outcome = try ws.run("lines")
        XCTAssertEqual(outcome.status, .finished, outcome.reason ?? "")
        let details = try ws.store.runDetails(outcome.runID)
        XCTAssertEqual(details.metrics.first { $0.key == "loss" }?.count, 1)
        XCTAssertEqual(details.params["pp"], "1")
        XCTAssertEqual(details.tags["t"], "x")
        XCTAssertEqual(details.tags["mldeck.skipped_metric_lines.train"], "2")
        let log = try String(contentsOf: ws.store.workspace.runDirectory(outcome.runID).appendingPathComponent("log"), encoding: .utf8)
        XCTAssertTrue(log.contains("metrics file line 2, column 9"), log)
        XCTAssertTrue(log.contains("metrics file line 4, column 13"), log)
    }

    func testFailureTimeoutAndRetries() throws {
        let ws = try PipelineTestWorkspace(yaml: """
            pipelines:
              f:
                steps:
                  bad: {run: "sh -c 'echo broken; exit 3'"}
                  after: {run: "true", needs: [bad]}
              t:
                steps:
                  slow: {run: "sleep 30", timeout: 0.5}
              r:
                steps:
                  flaky: {run: "sh -c 'test -f once || { touch once; exit 1; }'", retries: 2, cache: false}
            """)
        let failed = try ws.run("f")
        XCTAssertEqual(failed.status, .failed)
        XCTAssertEqual(PipelineTestWorkspace.statuses(failed), ["bad": .failed, "after": .skipped])
        XCTAssertEqual(failed.steps[0].reason, "step 'bad': the command exited with status 3")
        XCTAssertEqual(try ws.store.resolveRun(failed.runID).status, .failed)

        let start = Date()
        let timedOut = try ws.run("t")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(timedOut.status, .failed)
        XCTAssertTrue(timedOut.steps[0].reason?.contains("timed out after") == true, timedOut.steps[0].reason ?? "")

        let retried = try ws.run("r")
        XCTAssertEqual(retried.status, .finished)
        XCTAssertEqual(retried.steps[0].attempts, 2)
    }

    /// A step that times out is retried like a failed one: `retries: 1` makes two attempts, each
    /// stopped by the timeout, and a second attempt that is fast enough succeeds.
    func testATimedOutStepIsRetried() throws {
        let ws = try PipelineTestWorkspace(yaml: """
            pipelines:
              slow:
                steps:
                  s: {run: "sh -c 'echo attempt >> attempts.txt; sleep 30'", timeout: 0.5, retries: 1, cache: false}
              once:
                steps:
                  s: {run: "sh -c 'test -f slow-once && exit 0; touch slow-once; sleep 30'", timeout: 0.5, retries: 1, cache: false}
            """)
        let start = Date()
        let slow = try ws.run("slow")
        XCTAssertLessThan(Date().timeIntervalSince(start), 15)
        XCTAssertEqual(slow.status, .failed)
        XCTAssertEqual(slow.steps[0].attempts, 2)
        XCTAssertTrue(slow.steps[0].reason?.contains("timed out after") == true, slow.steps[0].reason ?? "")
        let attempts = try String(contentsOf: ws.root.appendingPathComponent("attempts.txt"), encoding: .utf8)
        XCTAssertEqual(attempts, "attempt\nattempt\n")
        let log = try String(contentsOf: ws.store.workspace.runDirectory(slow.runID).appendingPathComponent("logs/s.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("retrying (attempt 2 of 2) after: step 's' timed out"), log)

        let once = try ws.run("once")
        XCTAssertEqual(once.status, .finished, once.reason ?? "")
        XCTAssertEqual(once.steps[0].attempts, 2)
    }

    func testCancellationStopsTheProcessGroup() throws {
        let ws = try PipelineTestWorkspace(yaml: """
            pipelines:
              s:
                steps:
                  wait: {run: "echo $$ > $MLDECK_OUTPUT_DIR/pid; exec sleep 60", shell: true}
                  never: {run: "true", needs: [wait]}
            """)
        let execution = PipelineExecution(store: ws.store, config: try ws.config(), request: PipelineRunRequest(pipeline: "s", gracePeriod: 1))
        let box = ResultBox()
        let thread = Thread { box.set(Result { try execution.run() }) }
        thread.start()
        var pidFile: URL?
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let id = execution.runID {
                let url = ws.store.workspace.runDirectory(id).appendingPathComponent("steps/wait/pid")
                if let text = try? String(contentsOf: url, encoding: .utf8), Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) != nil { pidFile = url; break }
            }
            usleep(20_000)
        }
        let pid = try XCTUnwrap(pidFile.flatMap { try? String(contentsOf: $0, encoding: .utf8) }.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        XCTAssertEqual(kill(pid, 0), 0)
        execution.cancel(reason: "cancelled by the test")
        let outcome = try box.wait(timeout: 10).get()
        XCTAssertEqual(outcome.status, .killed)
        XCTAssertEqual(PipelineTestWorkspace.statuses(outcome), ["wait": .killed, "never": .killed])
        XCTAssertEqual(try ws.store.resolveRun(outcome.runID).status, .killed)
        XCTAssertNotEqual(kill(pid, 0), 0, "the step's process is still alive")
    }
}

/// Hands a result from a thread to the test.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<PipelineOutcome, Error>?
    private let done = DispatchSemaphore(value: 0)

    func set(_ result: Result<PipelineOutcome, Error>) { lock.lock(); value = result; lock.unlock(); done.signal() }

    func wait(timeout: Double) throws -> Result<PipelineOutcome, Error> {
        guard done.wait(timeout: .now() + timeout) == .success else { throw CancellationError() }
        lock.lock(); defer { lock.unlock() }
        return value!
    }
}
