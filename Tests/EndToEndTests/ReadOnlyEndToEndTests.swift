import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Issue 8, item 12: a workspace the user cannot write (another user's, a read-only snapshot).
///
/// Run as root, the commands run as the unprivileged user `nobody` (through `setpriv`) on a
/// workspace root owns, which is exactly "another user's workspace"; as any other user, the
/// workspace is made read-only with `chmod -R a-w`. Either way the permission is real.
final class ReadOnlyEndToEndTests: XCTestCase {
    var workspace: URL!
    var runID = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        if geteuid() == 0 {
            try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "running as root without setpriv: cannot test as another user")
        }
        workspace = try CLI.makeWorkspace()
        chmod(workspace.path, 0o755)
        let csv = workspace.appendingPathComponent("d.csv")
        try "a,b\n1,2\n".write(to: csv, atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLI.run(["datasets", "add", "d", csv.path], in: workspace).status, 0)
        runID = try CLI.run(["runs", "create", "--name", "done", "--owner-pid", "0"], in: workspace).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try CLI.run(["runs", "log", runID, "--metric", "loss=0.25"], in: workspace).status, 0)
        XCTAssertEqual(try CLI.run(["runs", "end", runID], in: workspace).status, 0)
        if geteuid() != 0 { _ = try shell("chmod -R a-w '\(workspace.path)'") }
    }

    override func tearDown() {
        guard let workspace else { return }
        if geteuid() != 0 { _ = try? shell("chmod -R u+w '\(workspace.path)'") }
        try? FileManager.default.removeItem(at: workspace)
    }

    @discardableResult
    func shell(_ command: String) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        try p.run(); p.waitUntilExit()
        return p.terminationStatus
    }

    /// Runs mldeck as a user who cannot write the workspace.
    func runReadOnly(_ arguments: [String]) throws -> CLI.Result {
        let process = Process()
        if geteuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid", "65534", "--regid", "65534", "--clear-groups", CLI.binary] + arguments + ["--workspace", workspace.path]
        } else {
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = arguments + ["--workspace", workspace.path]
        }
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = "/nonexistent"; env["OMP_WAIT_POLICY"] = "passive"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out; process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Names, sizes and modification times of everything in `.mldeck/`.
    func snapshot() -> [String: String] {
        var out: [String: String] = [:]
        let base = workspace.appendingPathComponent(".mldeck").path
        for case let name as String in FileManager.default.enumerator(atPath: base) ?? FileManager.DirectoryEnumerator() {
            var info = stat()
            guard lstat(base + "/" + name, &info) == 0 else { continue }
            out[name] = "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }
        return out
    }

    func testReadingCommandsWorkAndWritingCommandsSayTheWorkspaceIsReadOnly() throws {
        let before = snapshot()
        for command in [["runs", "list"], ["runs", "show", "done"], ["runs", "list", "--json"], ["datasets", "list"],
                        ["datasets", "show", "d"], ["experiments", "list"], ["fsck"]] {
            let result = try runReadOnly(command)
            XCTAssertEqual(result.status, 0, "\(command): \(result.stderr)")
        }
        XCTAssertTrue(try runReadOnly(["runs", "list"]).stdout.contains("done"))
        let dashboard = try runReadOnly(["dashboard", "--headless", "100x12"])
        XCTAssertEqual(dashboard.status, 0, dashboard.stderr)
        XCTAssertTrue(dashboard.stdout.contains("READ-ONLY"), "the dashboard browses it read-only:\n\(dashboard.stdout)")
        for command in [["runs", "create"], ["runs", "log", runID, "--tag", "a=b"], ["gc"], ["runs", "delete", runID],
                        ["datasets", "add", "e", workspace.appendingPathComponent("d.csv").path]] {
            let result = try runReadOnly(command)
            XCTAssertEqual(result.status, 1, "\(command): \(result.stdout)")
            XCTAssertTrue(result.stderr.contains("read-only"), "\(command): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("SQLite") || result.stderr.contains("GRDB"), "\(command): \(result.stderr)")
        }
        XCTAssertEqual(snapshot(), before, "nothing in .mldeck was created or changed")
    }
}
