@testable import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// The run recorder needs nothing of an executor but its reports: a run recorded through
/// ``JobFileExecutor`` — a fresh process that inherits nothing and is followed through files,
/// as a cluster job would be — records the same params, tags, metrics and artifacts and sees
/// the same output as one recorded through the local executor; a stop reaches it by signal.
final class RecorderOverJobFilesTests: XCTestCase {
    static let script = """
        echo "run id of ${#MLDECK_RUN_ID} characters, depth $MLDECK_PARAM_DEPTH"
        echo '{"key": "loss", "value": 0.5, "step": 1}' >> "$MLDECK_METRICS_FILE"
        echo '{"artifact": "model.bin"}' >> "$MLDECK_METRICS_FILE"
        echo '{"params": {"eta": "0.1"}, "tags": {"phase": "fit"}}' >> "$MLDECK_METRICS_FILE"
        echo 'not json' >> "$MLDECK_METRICS_FILE"
        echo "weights" > "$MLDECK_OUTPUT_DIR/model.bin"
        printf '{"key": "loss", "value": 0.25, "step": 2}' >> "$MLDECK_METRICS_FILE"
        echo done
        exit 4
        """

    struct Recorded: Equatable {
        var lines: [String]
        var notes: [String]
        var exit: StepExit
        var params: [String: String]
        var tags: [String: String]
        var loss: [Double]
        var artifacts: [String]
    }

    func record(_ executor: (URL) -> any StepExecutor, script: String = script, stopAfter: Double? = nil) throws -> Recorded {
        let workspace = try TemporaryWorkspace(prefix: "mldeck-jobfiles")
        defer { workspace.cleanup() }
        let store = workspace.store
        let run = try store.createRun(RunStart(name: "remote", params: ["depth": "6"]))
        let folder = store.workspace.runDirectory(run.id)
        let outputs = folder.appendingPathComponent("outputs"), metrics = folder.appendingPathComponent("metrics.jsonl")
        let jobs = workspace.root.appendingPathComponent("jobs")
        try FileManager.default.createDirectory(at: jobs, withIntermediateDirectories: true)
        let collected = RunRecorderTests.Collected()
        let recorder = RunRecorder(
            settings: .init(store: store, run: run, metricsFile: metrics, outputDirectory: outputs, lookupFolder: workspace.root,
                            skippedLinesTag: "skipped", knownParams: ["depth": "6"], pollInterval: 0.05),
            outlets: .init(line: collected.line, note: collected.note))
        let job = StepJob(name: run.id, arguments: ["/bin/sh", "-c", script],
                          environment: RunRecorder.environment(run: run.id, workspace: workspace.root, metricsFile: metrics,
                                                               outputDirectory: outputs, params: ["depth": "6"]),
                          limits: .init(gracePeriod: 2))
        if let stopAfter { DispatchQueue.global().asyncAfter(deadline: .now() + stopAfter) { recorder.stop(force: false) } }
        let recording = try recorder.record(job, executor: executor(jobs))
        let details = try store.runDetails(run.id)
        let series = try store.metricSeries(run: run, key: "loss")
        return Recorded(lines: RunRecorder.lines(of: collected.allLines.joined()), notes: collected.allNotes, exit: recording.exit,
                        params: details.params, tags: details.tags, loss: series.map(\.value),
                        artifacts: details.artifacts.map(\.path))
    }

    func testARunRecordedThroughJobFilesIsTheSameAsOneRecordedHere() throws {
        let binary = StepJobFreshProcessTests.binary
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary), "build mldeck first (swift build): \(binary)")
        let here = try record { _ in LocalStepExecutor() }
        let there = try record { JobFileExecutor(binary: binary, folder: $0) }
        XCTAssertEqual(there, here)
        XCTAssertEqual(here.exit, StepExit(exitCode: 4))
        XCTAssertEqual(here.params, ["depth": "6", "eta": "0.1"])
        XCTAssertEqual(here.tags["phase"], "fit")
        XCTAssertEqual(here.tags["skipped"], "1")
        XCTAssertEqual(here.loss, [0.5, 0.25], "the last line without a newline is read at the end")
        // The artifact line came before its file: it is looked up again when the job ended.
        XCTAssertEqual(here.artifacts, ["model.bin"])
        XCTAssertEqual(here.notes.count, 1, "\(here.notes)")
        XCTAssertTrue(here.notes.first?.hasPrefix("mldeck: metrics file line 4") == true, "\(here.notes)")
    }

    func testAStopReachesAJobThatRunsElsewhere() throws {
        let binary = StepJobFreshProcessTests.binary
        let started = Date()
        let there = try record({ JobFileExecutor(binary: binary, folder: $0) }, script: "echo ready; sleep 30", stopAfter: 1)
        XCTAssertTrue(there.exit.stopped, "\(there.exit)")
        XCTAssertEqual(there.lines, ["ready"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
    }
}
