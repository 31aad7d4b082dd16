@testable import DeckEngine
import Foundation
import XCTest

/// The child process: its own folder without touching ours, its own process group, output
/// merged, the exit status and signal reported.
final class ChildProcessTests: XCTestCase {
    func run(_ arguments: [String], directory: String? = nil) throws -> (String, ChildProcess.Termination) {
        try Self.run(arguments, directory: directory)
    }

    static func run(_ arguments: [String], directory: String? = nil) throws -> (String, ChildProcess.Termination) {
        let child = try ChildProcess(arguments: arguments, environment: ProcessInfo.processInfo.environment, directory: directory)
        var output = Data()
        child.drainOutput { output.append(contentsOf: $0) }
        return (String(decoding: output, as: UTF8.self), child.wait())
    }

    func testStartsInItsFolderWithoutChangingOurs() throws {
        let ours = FileManager.default.currentDirectoryPath
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("child-\(UUID().uuidString)").resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Many starts from several threads: if any start changed our folder, a sibling would see it.
        final class Seen: @unchecked Sendable {  // guarded by `lock`
            let lock = NSLock()
            var folders = Set<String>(), outputs = Set<String>()
        }
        let seen = Seen()
        let path = folder.path
        DispatchQueue.concurrentPerform(iterations: 40) { _ in
            let out = (try? Self.run(["pwd"], directory: path).0) ?? "failed"
            seen.lock.lock()
            seen.outputs.insert(out.trimmingCharacters(in: .whitespacesAndNewlines))
            seen.folders.insert(FileManager.default.currentDirectoryPath)
            seen.lock.unlock()
        }
        XCTAssertEqual(seen.outputs, [path])
        XCTAssertEqual(seen.folders, [ours])
    }

    func testMergesOutputAndReportsStatusAndSignal() throws {
        let (text, status) = try run(["sh", "-c", "echo out; echo err >&2; exit 3"])
        XCTAssertEqual(Set(text.split(separator: "\n")), ["out", "err"])
        guard case .exited(3) = status else { return XCTFail("\(status)") }
        let (_, killed) = try run(["sh", "-c", "kill -TERM $$"])
        guard case .signaled(SIGTERM) = killed else { return XCTFail("\(killed)") }
        XCTAssertThrowsError(try ChildProcess(arguments: ["no-such-command-mldeck"], environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("command not found"), "\(error)")
        }
    }

    func testRunsInItsOwnProcessGroup() throws {
        let (text, _) = try run(["sh", "-c", "ps -o pgid= -p $$"])
        let group = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertNotNil(group)
        XCTAssertNotEqual(group, getpgrp())
    }
}
