import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Every command that reads a user-given path refuses a FIFO at once, naming it, instead of blocking
/// forever in `open()` (`datasets add d some.fifo` hung). Each run is bounded by a timeout.
final class InputFileEndToEndTests: XCTestCase {
    var workspace: URL!
    var fifo: String!

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
        fifo = workspace.appendingPathComponent("in.csv").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
    }

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    /// Runs `mldeck ARGS`, killing it after `timeout` seconds; returns nil when it had to be killed.
    func runBounded(_ arguments: [String], timeout: Double = 20) throws -> CLI.Result? {
        let process = CLI.start(arguments, in: workspace)
        let outFile = workspace.appendingPathComponent("out-\(UUID().uuidString)")
        let errFile = workspace.appendingPathComponent("err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        try process.run()
        let finished = CLI.waitFor(timeout) { !process.isRunning }
        if !finished {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return CLI.Result(status: process.terminationStatus,
                          stdout: (try? String(contentsOf: outFile, encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }

    func assertRefusesFIFO(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        guard let result = try runBounded(arguments) else {
            return XCTFail("mldeck \(arguments.joined(separator: " ")) blocked on a FIFO (killed after 20 s)", file: file, line: line)
        }
        XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains("FIFO"), result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains("not a regular file"), result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains("in.csv"), result.stderr, file: file, line: line)
    }

    func testDatasetsAddRefusesAFIFO() throws {
        try assertRefusesFIFO(["datasets", "add", "d", fifo])
        XCTAssertNotEqual(try CLI.run(["datasets", "show", "d"], in: workspace).status, 0, "nothing is recorded")
    }

    func testModelsPredictRefusesAFIFO() throws {
        try assertRefusesFIFO(["models", "predict", "churn-model", fifo])
    }

    func testRunsLogArtifactRefusesAFIFO() throws {
        let run = try CLI.run(["runs", "create", "--name", "r"], in: workspace).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(run.isEmpty)
        try assertRefusesFIFO(["runs", "log", run, "--artifact", fifo])
    }

    func testValidateRefusesAFIFOConfig() throws {
        let config = workspace.appendingPathComponent("mldeck.yaml").path
        try FileManager.default.removeItem(atPath: config)
        XCTAssertEqual(mkfifo(config, 0o644), 0)
        guard let result = try runBounded(["validate"]) else { return XCTFail("validate blocked on a FIFO mldeck.yaml") }
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue((result.stdout + result.stderr).contains("FIFO"), result.stdout + result.stderr)
    }

    func testPipelineStepDepsRefusesAFIFO() throws {
        let yaml = """
            pipelines:
              p:
                steps:
                  s: {run: "true", deps: [in.csv]}
            """
        try yaml.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        guard let result = try runBounded(["run", "p"]) else { return XCTFail("run blocked on a FIFO in deps") }
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue((result.stdout + result.stderr).contains("FIFO"), result.stdout + result.stderr)
    }

    func testPipelineStepMetricsRefusesAFIFO() throws {
        let yaml = """
            pipelines:
              p:
                steps:
                  s: {run: "true", metrics: in.csv}
            """
        try yaml.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        guard let result = try runBounded(["run", "p"]) else { return XCTFail("run blocked on a FIFO metrics file") }
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue((result.stdout + result.stderr).contains("FIFO"), result.stdout + result.stderr)
    }
}
