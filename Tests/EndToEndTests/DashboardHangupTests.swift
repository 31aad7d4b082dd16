import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Issue 8, item 10: a dashboard (or tracker) that loses its terminal exits instead of spinning.
final class DashboardHangupTests: XCTestCase {
    var workspace: URL!
    var tmux: DashboardTmux!

    override func setUpWithError() throws {
        try XCTSkipUnless(DashboardTmux.isAvailable, "tmux is not installed")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
        XCTAssertEqual(try CLI.run(["runs", "create", "--name", "hello-run"], in: workspace).status, 0)
    }

    override func tearDown() {
        tmux = nil
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    /// The pid of the `mldeck` process running in the pane (the pane's shell's child).
    func dashboardPID() throws -> Int32 {
        let shell = try tmux.tmux(["display-message", "-p", "-t", "dash", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        var found: Int32?
        XCTAssertTrue(CLI.waitFor(5) {
            let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
            found = children.split(separator: " ").compactMap { Int32($0) }.first {
                ((try? String(contentsOfFile: "/proc/\($0)/cmdline", encoding: .utf8)) ?? "").contains("mldeck")
            }
            return found != nil
        })
        return try XCTUnwrap(found)
    }

    /// True once `pid` has exited (gone, or a zombie nobody reaped yet).
    func isGone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        guard let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }

    func start(_ prefix: [String] = []) throws -> Int32 {
        tmux = try DashboardTmux(arguments: ["--workspace", workspace.path], environment: ["XDG_CONFIG_HOME": workspace.appendingPathComponent(".config").path],
                                 launcher: prefix)
        tmux.waitFor("hello-run")
        return try dashboardPID()
    }

    func testSighupEndsTheDashboard() throws {
        let pid = try start()
        kill(pid, SIGHUP)
        XCTAssertTrue(CLI.waitFor(5) { isGone(pid) }, "the dashboard exits within seconds of SIGHUP")
    }

    func testClosingTheTerminalEndsTheDashboardEvenWithSighupBlocked() throws {
        // A parent that blocks SIGHUP (the mask survives exec): the closed terminal must still end it.
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try XCTSkipIf(python == nil, "python3 is needed to block SIGHUP before exec")
        let blocker = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGHUP]); os.execv(sys.argv[1], sys.argv[1:])"
        let pid = try start([python ?? "python3", "-c", blocker])
        try tmux.tmux(["kill-server"], captureOutput: false)
        XCTAssertTrue(CLI.waitFor(5) { isGone(pid) }, "the dashboard exits once its terminal is gone")
        if !isGone(pid) { kill(pid, SIGKILL) }
    }

    func testSighupEndsATrackerAndMarksItsRunKilled() throws {
        let process = CLI.start(["track", "--name", "hup", "--", "sleep", "30"], in: workspace)
        try process.run()
        XCTAssertTrue(try CLI.waitFor { (try CLI.json(["runs", "list"], in: workspace) as? [[String: Any]])?.contains { $0["name"] as? String == "hup" && $0["status"] as? String == "RUNNING" } == true })
        kill(process.processIdentifier, SIGHUP)
        XCTAssertTrue(CLI.waitFor(8) { !process.isRunning }, "the tracker exits")
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        let run = (try CLI.json(["runs", "list"], in: workspace) as? [[String: Any]])?.first { $0["name"] as? String == "hup" }
        XCTAssertEqual(run?["status"] as? String, "KILLED")
    }
}
