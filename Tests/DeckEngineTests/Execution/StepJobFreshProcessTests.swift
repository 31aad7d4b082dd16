@testable import DeckEngine
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A step job written to JSON and run by a fresh `mldeck internal run-job` process — started
/// with no descriptor of ours (everything from 3 up closed, 0–2 on /dev/null) and an almost
/// empty environment — ends as the same job run here: the same exit status, the same log, the
/// same files written. This is how a job would run on another machine.
final class StepJobFreshProcessTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var binary: String {
        ProcessInfo.processInfo.environment["MLDECK_BINARY"] ?? root.appendingPathComponent(".build/debug/mldeck").path
    }

    var folder: URL!

    override func setUpWithError() throws {
        folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("fresh-job-\(UUID().uuidString)").resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A job that reads an input, writes outputs in its output folder, prints lines (one
    /// without a newline) and exits with status 3.
    func job(output: URL, metrics: URL) throws -> StepJob {
        let input = folder.appendingPathComponent("input.txt")
        try "rows: 3\n".write(to: input, atomically: true, encoding: .utf8)
        let script = """
            echo "start in $(pwd)"
            echo "param ${MLDECK_PARAM_DEPTH}"
            mkdir -p "$MLDECK_OUTPUT_DIR/model"
            cat "$INPUT" > "$MLDECK_OUTPUT_DIR/model/copy.txt"
            printf 'depth=%s\\n' "$MLDECK_PARAM_DEPTH" > "$MLDECK_OUTPUT_DIR/params.txt"
            echo "to stderr" >&2
            echo '{"key": "loss", "value": 0.5, "step": 1}' >> "$MLDECK_METRICS_FILE"
            printf '{"key": "loss", "value": 0.25, "step": 2}' >> "$MLDECK_METRICS_FILE"
            printf 'no newline'
            exit 3
            """
        return StepJob(name: "run/step", arguments: ["/bin/sh", "-c", script],
                       environment: ["MLDECK_OUTPUT_DIR": output.path, "MLDECK_METRICS_FILE": metrics.path, "MLDECK_PARAM_DEPTH": "6",
                                     "INPUT": input.path, "PATH": "/usr/bin:/bin"],
                       inheritEnvironment: false, workingDirectory: folder.path, inputs: [input.path], outputs: [output.path],
                       metricsFile: metrics.path, metricsInterval: 0.05, limits: .init(timeout: 60, gracePeriod: 1))
    }

    /// Every file under `folder`, path → content.
    func files(in folder: URL) -> [String: String] {
        var out: [String: String] = [:]
        guard let paths = FileManager.default.enumerator(atPath: folder.path) else { return out }
        for case let path as String in paths {
            let url = folder.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[path] = (try? String(contentsOf: url, encoding: .utf8)) ?? "?"
            }
        }
        return out
    }

    func testAJobDecodedInAFreshProcessRunsToTheSameResult() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.binary), "build mldeck first (swift build): \(Self.binary)")

        // Here.
        let hereOutput = folder.appendingPathComponent("out-here")
        let hereJob = try job(output: hereOutput, metrics: folder.appendingPathComponent("metrics-here.jsonl"))
        let lines = LocalStepExecutorTests.Reports()
        let hereExit = try LocalStepExecutor().run(hereJob) { lines.add($0) }
        let hereLog = lines.text

        // There: the same job (but for its output folder) through JSON, in a fresh process.
        let thereOutput = folder.appendingPathComponent("out-there")
        var thereJob = hereJob
        let thereMetrics = folder.appendingPathComponent("metrics-there.jsonl")
        thereJob.environment["MLDECK_OUTPUT_DIR"] = thereOutput.path
        thereJob.environment["MLDECK_METRICS_FILE"] = thereMetrics.path
        thereJob.outputs = [thereOutput.path]
        thereJob.metricsFile = thereMetrics.path
        let jobFile = folder.appendingPathComponent("job.json"), logFile = folder.appendingPathComponent("job.log")
        let resultFile = folder.appendingPathComponent("result.json"), reportsFile = folder.appendingPathComponent("reports.jsonl")
        try StepJobFile.encode(thereJob).write(to: jobFile)
        let status = try CleanSpawn.run([Self.binary, "internal", "run-job", jobFile.path, "--log", logFile.path,
                                         "--result", resultFile.path, "--reports", reportsFile.path])
        let (thereReports, consumed) = try StepJobFile.reports(in: Data(contentsOf: reportsFile))

        XCTAssertEqual(hereExit, StepExit(exitCode: 3))
        XCTAssertEqual(status, 3, "the runner exits with the job's status")
        XCTAssertEqual(try JSONDecoder().decode(StepExit.self, from: Data(contentsOf: resultFile)), hereExit)
        XCTAssertEqual(try String(contentsOf: logFile, encoding: .utf8), hereLog)
        XCTAssertEqual(hereLog, "start in \(folder.path)\nparam 6\nto stderr\nno newline")
        XCTAssertEqual(files(in: thereOutput), files(in: hereOutput))
        XCTAssertEqual(files(in: hereOutput), ["model/copy.txt": "rows: 3\n", "params.txt": "depth=6\n"])

        // The reports streamed back as JSON lines tell the same story as those received here.
        XCTAssertEqual(consumed, try Data(contentsOf: reportsFile).count, "every report is a whole line")
        XCTAssertEqual(Self.summary(thereReports), Self.summary(lines.all))
        XCTAssertEqual(Self.summary(lines.all).states, [.running, .ended])
        XCTAssertEqual(Self.summary(lines.all).metrics,
                       "{\"key\": \"loss\", \"value\": 0.5, \"step\": 1}\n{\"key\": \"loss\", \"value\": 0.25, \"step\": 2}")
        XCTAssertEqual(Self.summary(lines.all).exit, StepExit(exitCode: 3))
    }

    /// What reports say, whatever pieces they came in: the states, the output, the metrics bytes and the exit.
    struct Summary: Equatable {
        var states: [StepJobState] = []
        var output = ""
        var metrics = ""
        var exit: StepExit?
    }

    static func summary(_ reports: [StepReport]) -> Summary {
        var summary = Summary()
        for report in reports {
            switch report {
            case .state(let state): summary.states.append(state)
            case .output(let text): summary.output += text
            case .metrics(let bytes): summary.metrics += String(decoding: bytes, as: UTF8.self)
            case .exited(let exit): summary.exit = exit
            }
        }
        return summary
    }

    func testReportsRoundTripThroughJSON() throws {
        let reports: [StepReport] = [.state(.running), .output("a\r\n50%\r"), .metrics(Data([0x7B, 0x0A, 0xFF])),
                                     .exited(StepExit(signal: 15, timedOut: true))]
        for report in reports {
            XCTAssertEqual(try JSONDecoder().decode(StepReport.self, from: JSONEncoder().encode(report)), report)
        }
        XCTAssertEqual(String(decoding: try JSONEncoder().encode(StepReport.state(.queued)), as: UTF8.self), "{\"state\":\"queued\"}")
        XCTAssertThrowsError(try JSONDecoder().decode(StepReport.self, from: Data("{\"state\":\"running\",\"output\":\"x\"}".utf8)))
    }

    func testABadJobFileIsRefusedWithItsPath() throws {
        let jobFile = folder.appendingPathComponent("job.json")
        try Data("{\"name\": \"x\"}".utf8).write(to: jobFile)
        XCTAssertThrowsError(try StepJobFile.decode(path: jobFile.path)) { error in
            XCTAssertTrue("\(error)".contains("job.json is not a step job") && "\(error)".contains("'arguments' is missing"), "\(error)")
        }
    }
}
