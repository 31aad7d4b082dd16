import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// Drives the real `mldeck` dashboard inside a detached tmux session on its own server socket:
/// send keys, read the screen with `capture-pane`, poll for text (never fixed sleeps).
final class DashboardTmux {
    let socket: String
    let session = "dash"
    private(set) var lastScreen = ""

    /// Whether tmux is installed.
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: tmuxPath) }
    static let tmuxPath: String = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/tmux"

    /// Starts `mldeck ARGS` at `width`×`height` with `TERM=xterm-256color` and `LANG=C.UTF-8`.
    /// When it exits the pane prints `__MLDECK_EXIT_<status>__` and keeps a shell-like prompt.
    /// `launcher` is put before the binary (e.g. a wrapper that changes the signal mask).
    init(arguments: [String], width: Int = 120, height: Int = 35, environment: [String: String] = [:], launcher: [String] = []) throws {
        socket = "mldeck-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
        var env = ["LANG": "C.UTF-8", "TERM": "xterm-256color", "OMP_WAIT_POLICY": "passive",
                   "SWIFT_BACKTRACE": "interactive=no", "MLDECK_THEME": "", "NO_COLOR": ""]
        for (k, v) in environment { env[k] = v }
        let envText = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let command = "env \(envText) \((launcher + [CLI.binary] + arguments).map(Self.quote).joined(separator: " ")); " +
            "echo \"__MLDECK_EXIT_$?__\"; sleep 600"
        // The server this starts keeps its stdout: do not wait for that pipe to close.
        try tmux(["-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", "sh -c \(Self.quote(command))"],
                 captureOutput: false)
    }

    deinit { _ = try? tmux(["kill-server"], captureOutput: false) }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs `tmux -L SOCKET ARGS` and returns its output. Uses posix_spawn and waitpid rather than
    /// Foundation's `Process`, whose exit monitoring can hang when the child leaves a daemon
    /// behind (the tmux server) holding inherited descriptors.
    @discardableResult
    func tmux(_ args: [String], captureOutput: Bool = true) throws -> String {
        let outPath = captureOutput ? FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path : "/dev/null"
        defer { if captureOutput { try? FileManager.default.removeItem(atPath: outPath) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([Self.tmuxPath, "-L", socket] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, Self.tmuxPath, &actions, nil, argv, environ)
        guard rc == 0 else { throw NSError(domain: "tmux", code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "cannot start tmux"]) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard captureOutput else { return "" }
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }

    /// The screen as text.
    func screen() -> String {
        lastScreen = (try? tmux(["capture-pane", "-p", "-t", session])) ?? ""
        return lastScreen
    }

    /// Keys by tmux name (`Enter`, `Escape`, `Tab`, `j`, `C-c`).
    func press(_ keys: String...) throws { for k in keys { try tmux(["send-keys", "-t", session, k]) } }

    /// Types text literally.
    func type(_ text: String) throws { try tmux(["send-keys", "-t", session, "-l", text]) }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
    }

    /// A tmux format value of the pane (`alternate_on`, `cursor_flag`).
    func paneFlag(_ name: String) -> String {
        ((try? tmux(["display-message", "-p", "-t", session, "#{\(name)}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls until the screen satisfies `condition` (up to `timeout` seconds); fails the test with the screen otherwise.
    @discardableResult
    func waitUntil(_ what: String, timeout: Double = 15, file: StaticString = #filePath, line: UInt = #line,
                   _ condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if condition(screen()) { return true }
            usleep(50_000)
        } while Date() < deadline
        XCTFail("timed out waiting for \(what); screen:\n\(lastScreen)", file: file, line: line)
        return false
    }

    /// Polls until `text` is on screen.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 15, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        waitUntil("'\(text)'", timeout: timeout, file: file, line: line) { $0.contains(text) }
    }
}

/// The demo workspace, built once per test run with `mldeck demo --no-tui`, copied per test.
enum DemoFixture {
    nonisolated(unsafe) private static var built: URL?
    private static let lock = NSLock()

    static func copy(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        lock.lock(); defer { lock.unlock() }
        if built == nil {
            removeStaleFixtures()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-e2e-demo-\(getpid())")
            try? FileManager.default.removeItem(at: dir)
            let result = try CLI.run(["demo", dir.path, "--no-tui"], environment: ["XDG_DATA_HOME": dir.deletingLastPathComponent().path])
            XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
            guard result.status == 0 else { throw NSError(domain: "demo", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
            built = dir
        }
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-e2e-dash-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: built!, to: target)
        return target
    }

    /// Demo fixtures of earlier test runs whose process has ended (one is built per run).
    private static func removeStaleFixtures() {
        let tmp = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? [] where name.hasPrefix("mldeck-e2e-demo-") {
            guard let pid = Int32(name.dropFirst("mldeck-e2e-demo-".count)), pid != getpid(), kill(pid, 0) != 0 else { continue }
            try? FileManager.default.removeItem(at: tmp.appendingPathComponent(name))
        }
    }
}
