@testable import DeckEngine
import Foundation
import XCTest

/// The step job and the local executor: the job round-trips through JSON; output comes back as
/// lines with their terminators; the exit, a timeout and a stop are reported; the job's folder
/// and environment are its own.
final class LocalStepExecutorTests: XCTestCase {
    /// Collects reports from the executor's threads.
    final class Reports: @unchecked Sendable {  // guarded by `lock`
        private let lock = NSLock()
        private var items: [StepReport] = []
        func add(_ report: StepReport) { lock.lock(); items.append(report); lock.unlock() }
        var all: [StepReport] { lock.lock(); defer { lock.unlock() }; return items }
        /// The output reports' texts.
        var chunks: [String] { all.compactMap { if case .output(let text) = $0 { return text } else { return nil } } }
        /// The whole output.
        var text: String { chunks.joined() }
        /// The output's lines without terminators.
        var lines: [String] { OutputLines.split(text) }
    }

    func run(_ job: StepJob, cancellation: CancellationToken? = nil) throws -> (StepExit, Reports) {
        let reports = Reports()
        let exit = try LocalStepExecutor().run(job, cancellation: cancellation) { reports.add($0) }
        return (exit, reports)
    }

    func testAJobRoundTripsThroughJSON() throws {
        let job = StepJob(name: "r/train", arguments: ["python3", "train.py", "--x", "a b"], environment: ["A": "1", "MLDECK_STEP": "train"],
                          inheritEnvironment: false, workingDirectory: "/tmp/w", inputs: ["/data/x.csv"], outputs: ["/tmp/out"],
                          limits: .init(timeout: 12.5, gracePeriod: 2))
        let data = try StepJobFile.encode(job)
        XCTAssertEqual(try JSONDecoder().decode(StepJob.self, from: data), job)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("\"working_directory\"") && text.contains("\"timeout_s\""), text)
    }

    func testOutputComesInWholeLinesAndTheExitIsReported() throws {
        let job = StepJob(name: "t", arguments: ["/bin/sh", "-c", "printf 'one\\ntwo\\r\\n50%%\\r'; sleep 0.2; printf '100%%\\rlast'; exit 3"])
        let (exit, reports) = try run(job)
        XCTAssertEqual(exit, StepExit(exitCode: 3))
        XCTAssertEqual(exit.shellStatus, 3)
        XCTAssertEqual(reports.text, "one\ntwo\r\n50%\r100%\rlast")
        // Each report ends at a line end; a `\r` at the end of a read waits for the next byte.
        XCTAssertEqual(reports.chunks, ["one\ntwo\r\n", "50%\r100%\r", "last"])
        XCTAssertEqual(reports.lines, ["one", "two", "50%", "100%", "last"])
        XCTAssertEqual(reports.all.first, .state(.running))
        XCTAssertEqual(Array(reports.all.suffix(2)), [.state(.ended), .exited(exit)])
    }

    func testOutputLinesSplitAcrossChunks() {
        var lines = OutputLines()
        func feed(_ text: String) -> String? { Array(text.utf8).withUnsafeBytes { lines.append($0) } }
        XCTAssertNil(feed("ab"))
        XCTAssertNil(feed("c\r"))           // a `\r` at the end waits: it may be `\r\n`
        XCTAssertEqual(feed("\nd\re"), "abc\r\nd\r")
        XCTAssertEqual(lines.finish(), "e")
        XCTAssertNil(lines.finish())
        XCTAssertEqual(OutputLines.split("a\r\nb\n\n50%\rc"), ["a", "b", "", "50%", "c"])
    }

    func testTheJobsFolderAndEnvironmentAreItsOwn() throws {
        let ours = FileManager.default.currentDirectoryPath
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("job-\(UUID().uuidString)").resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let job = StepJob(name: "t", arguments: ["/bin/sh", "-c", "pwd; echo \"[$HOME][$MLDECK_X]\""], environment: ["MLDECK_X": "x y"],
                          inheritEnvironment: false, workingDirectory: folder.path)
        let (exit, reports) = try run(job)
        XCTAssertTrue(exit.succeeded)
        XCTAssertEqual(reports.lines, [folder.path, "[][x y]"])
        XCTAssertEqual(FileManager.default.currentDirectoryPath, ours)
    }

    /// The job holds no descriptor of ours, even one opened without close-on-exec.
    func testTheJobInheritsNoDescriptorOfOurs() throws {
        let leaked = open("/dev/null", O_RDONLY)
        XCTAssertGreaterThan(leaked, 2)
        defer { close(leaked) }
        let (exit, reports) = try run(StepJob(name: "t", arguments: ["/bin/sh", "-c", "ls /proc/$$/fd"]))
        XCTAssertTrue(exit.succeeded)
        XCTAssertEqual(reports.lines.sorted(), ["0", "1", "2"])
    }

    func testATimeoutStopsTheWholeGroupAndIsReported() throws {
        let started = Date()
        // The grandchild `sleep` is in the job's group and is stopped with it.
        let job = StepJob(name: "t", arguments: ["/bin/sh", "-c", "sleep 30 & wait"], limits: .init(timeout: 0.3, gracePeriod: 5))
        let (exit, reports) = try run(job)
        XCTAssertTrue(exit.timedOut)
        XCTAssertFalse(exit.stopped)
        XCTAssertEqual(exit.signal, SIGTERM)
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        XCTAssertTrue(reports.all.contains(.state(.stopping)))
    }

    func testACancellationStopsItPolitelyThenByForce() throws {
        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { token.cancel(reason: "test") }
        let started = Date()
        // It ignores SIGTERM: SIGKILL follows after the grace period.
        let job = StepJob(name: "t", arguments: ["/bin/sh", "-c", "trap '' TERM; echo ready; sleep 30"], limits: .init(gracePeriod: 0.3))
        let (exit, reports) = try run(job, cancellation: token)
        XCTAssertTrue(exit.stopped)
        XCTAssertEqual(exit.signal, SIGKILL)
        XCTAssertEqual(reports.text, "ready\n")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    func testAMissingProgramIsAnErrorAtStart() {
        XCTAssertThrowsError(try run(StepJob(name: "t", arguments: ["no-such-program-\(UUID().uuidString)"]))) { error in
            XCTAssertTrue("\(error)".contains("command not found"), "\(error)")
        }
    }
}
