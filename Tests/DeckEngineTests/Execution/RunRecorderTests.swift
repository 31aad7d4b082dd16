@testable import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// The one run recorder of `mldeck track` and `run:` steps: the command sees the MLDeck
/// environment; its lines reach the outlet; the metrics file's metrics, params, tags and
/// artifacts are recorded while it runs; a bad line is a note with its place and a counted tag.
final class RunRecorderTests: XCTestCase {
    final class Collected: @unchecked Sendable {  // guarded by `lock`
        private let lock = NSLock()
        private var lines: [String] = [], notes: [String] = []
        func line(_ l: String) { lock.lock(); lines.append(l); lock.unlock() }
        func note(_ n: String) { lock.lock(); notes.append(n); lock.unlock() }
        var allLines: [String] { lock.lock(); defer { lock.unlock() }; return lines }
        var allNotes: [String] { lock.lock(); defer { lock.unlock() }; return notes }
    }

    func testTheCommandsReportsAreRecordedInTheRun() throws {
        let workspace = try TemporaryWorkspace(prefix: "mldeck-recorder")
        defer { workspace.cleanup() }
        let store = workspace.store
        let run = try store.createRun(RunStart(name: "rec", params: ["depth": "6"]))
        let folder = store.workspace.runDirectory(run.id)
        let outputs = folder.appendingPathComponent("outputs"), metrics = folder.appendingPathComponent("metrics.jsonl")
        let script = """
            echo "run $MLDECK_RUN_ID depth $MLDECK_PARAM_DEPTH unbuffered $PYTHONUNBUFFERED"
            echo "weights" > "$MLDECK_OUTPUT_DIR/model.bin"
            echo '{"key": "loss", "value": 0.5, "step": 1}' >> "$MLDECK_METRICS_FILE"
            echo '{"key": "loss", "value": 0.25, "step": 2}' >> "$MLDECK_METRICS_FILE"
            echo '{"params": {"eta": "0.1"}, "tags": {"phase": "fit"}}' >> "$MLDECK_METRICS_FILE"
            echo 'not json' >> "$MLDECK_METRICS_FILE"
            echo '{"artifact": "model.bin"}' >> "$MLDECK_METRICS_FILE"
            echo '{"artifact": "missing.bin"}' >> "$MLDECK_METRICS_FILE"
            echo done
            """
        let collected = Collected()
        let recorder = RunRecorder(
            settings: .init(store: store, run: run, metricsFile: metrics, outputDirectory: outputs, lookupFolder: workspace.root,
                            skippedLinesTag: "skipped", knownParams: ["depth": "6"], pollInterval: 0.05),
            outlets: .init(line: collected.line, note: collected.note))
        let job = StepJob(name: run.id, arguments: ["/bin/sh", "-c", script],
                          environment: RunRecorder.environment(run: run.id, workspace: workspace.root, metricsFile: metrics,
                                                               outputDirectory: outputs, params: ["depth": "6"]))
        let recording = try recorder.record(job, executor: LocalStepExecutor())

        XCTAssertTrue(recording.exit.succeeded)
        XCTAssertEqual(RunRecorder.lines(of: collected.allLines.joined()), ["run \(run.id) depth 6 unbuffered 1", "done"])
        XCTAssertEqual(recording.series.map(\.value), [0.5, 0.25])
        XCTAssertEqual(recording.problems.map(\.line), [4])
        XCTAssertEqual(collected.allNotes.count, 2, "\(collected.allNotes)")
        XCTAssertTrue(collected.allNotes[0].hasPrefix("mldeck: metrics file line 4"), collected.allNotes[0])
        XCTAssertTrue(collected.allNotes[1].contains("artifact 'missing.bin' not found"), collected.allNotes[1])

        let details = try store.runDetails(run.id)
        XCTAssertEqual(details.params, ["depth": "6", "eta": "0.1"])
        XCTAssertEqual(details.tags["phase"], "fit")
        XCTAssertEqual(details.tags["skipped"], "1")
        XCTAssertEqual(details.metrics.first { $0.key == "loss" }?.last, 0.25)
        XCTAssertEqual(details.artifacts.map(\.path), ["model.bin"])
    }

    func testAStopBeforeTheStartStopsTheCommandAsItStarts() throws {
        let workspace = try TemporaryWorkspace(prefix: "mldeck-recorder")
        defer { workspace.cleanup() }
        let run = try workspace.store.createRun(RunStart(name: "early"))
        let folder = workspace.store.workspace.runDirectory(run.id)
        let recorder = RunRecorder(
            settings: .init(store: workspace.store, run: run, metricsFile: folder.appendingPathComponent("m.jsonl"),
                            outputDirectory: folder.appendingPathComponent("out"), lookupFolder: workspace.root, skippedLinesTag: "s"),
            outlets: .init(line: { _ in }, note: { _ in }))
        recorder.stop(force: false)
        let started = Date()
        let recording = try recorder.record(StepJob(name: "x", arguments: ["sleep", "30"]), executor: LocalStepExecutor())
        XCTAssertTrue(recording.exit.stopped)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    func testOutputIsCutIntoLinesWithoutTerminators() {
        XCTAssertEqual(RunRecorder.lines(of: "a\r\n50%\rx\n"), ["a", "50%", "x"])
        XCTAssertEqual(RunRecorder.lines(of: "last"), ["last"])
    }
}
