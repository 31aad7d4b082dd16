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
    func job(output: URL) throws -> StepJob {
        let input = folder.appendingPathComponent("input.txt")
        try "rows: 3\n".write(to: input, atomically: true, encoding: .utf8)
        let script = """
            echo "start in $(pwd)"
            echo "param ${MLDECK_PARAM_DEPTH}"
            mkdir -p "$MLDECK_OUTPUT_DIR/model"
            cat "$INPUT" > "$MLDECK_OUTPUT_DIR/model/copy.txt"
            printf 'depth=%s\\n' "$MLDECK_PARAM_DEPTH" > "$MLDECK_OUTPUT_DIR/params.txt"
            echo "to stderr" >&2
            printf 'no newline'
            exit 3
            """
        return StepJob(name: "run/step", arguments: ["/bin/sh", "-c", script],
                       environment: ["MLDECK_OUTPUT_DIR": output.path, "MLDECK_PARAM_DEPTH": "6", "INPUT": input.path, "PATH": "/usr/bin:/bin"],
                       inheritEnvironment: false, workingDirectory: folder.path, inputs: [input.path], outputs: [output.path],
                       limits: .init(timeout: 60, gracePeriod: 1))
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
        let hereJob = try job(output: hereOutput)
        let lines = LocalStepExecutorTests.Reports()
        let hereExit = try LocalStepExecutor().run(hereJob) { lines.add($0) }
        let hereLog = lines.text

        // There: the same job (but for its output folder) through JSON, in a fresh process.
        let thereOutput = folder.appendingPathComponent("out-there")
        var thereJob = hereJob
        thereJob.environment["MLDECK_OUTPUT_DIR"] = thereOutput.path
        thereJob.outputs = [thereOutput.path]
        let jobFile = folder.appendingPathComponent("job.json"), logFile = folder.appendingPathComponent("job.log")
        let resultFile = folder.appendingPathComponent("result.json")
        try StepJobFile.encode(thereJob).write(to: jobFile)
        let status = try Self.spawnClean([Self.binary, "internal", "run-job", jobFile.path, "--log", logFile.path, "--result", resultFile.path])

        XCTAssertEqual(hereExit, StepExit(exitCode: 3))
        XCTAssertEqual(status, 3, "the runner exits with the job's status")
        XCTAssertEqual(try JSONDecoder().decode(StepExit.self, from: Data(contentsOf: resultFile)), hereExit)
        XCTAssertEqual(try String(contentsOf: logFile, encoding: .utf8), hereLog)
        XCTAssertEqual(hereLog, "start in \(folder.path)\nparam 6\nto stderr\nno newline")
        XCTAssertEqual(files(in: thereOutput), files(in: hereOutput))
        XCTAssertEqual(files(in: hereOutput), ["model/copy.txt": "rows: 3\n", "params.txt": "depth=6\n"])
    }

    func testABadJobFileIsRefusedWithItsPath() throws {
        let jobFile = folder.appendingPathComponent("job.json")
        try Data("{\"name\": \"x\"}".utf8).write(to: jobFile)
        XCTAssertThrowsError(try StepJobFile.decode(path: jobFile.path)) { error in
            XCTAssertTrue("\(error)".contains("job.json is not a step job") && "\(error)".contains("'arguments' is missing"), "\(error)")
        }
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// Runs `arguments` with descriptors 0–2 on /dev/null, every other descriptor closed, and
    /// only `PATH` and `LANG` in its environment; returns its exit status.
    static func spawnClean(_ arguments: [String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        // glibc 2.34+: close every descriptor from 3 up in the child.
        let symbol = try XCTUnwrap(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np"),
                                   "this C library cannot close a child's descriptors")
        XCTAssertEqual(unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3), 0)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let variables: [String] = ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"]
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        XCTAssertEqual(code, 0, "spawn failed")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
