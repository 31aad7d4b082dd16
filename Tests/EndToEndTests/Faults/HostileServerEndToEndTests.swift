import DeckStore
import Foundation
import XCTest

/// Hostile clients against the real `mldeck serve` and `mldeck server` on loopback
/// (scripts/tests/hostile_http.py, bounded in count and time): slowloris, oversized headers and
/// bodies, malformed and deeply nested JSON, invalid UTF-8, a flood past the worker count and, on
/// the tracking server, path traversal in artifact paths and a symlink planted over a stored
/// artifact. The servers answer 4xx (never 5xx, never a file outside the run's artifacts), keep
/// running, and a normal client asking `/health` meanwhile is answered within a bound.
final class HostileServerEndToEndTests: XCTestCase {
    /// The worst wait the normal client may see during an attack (a loaded 2-core debug build).
    static let normalBound = 5.0

    /// Slow connections are closed after 2 s (30 s by default) so the slowloris attack sees it.
    static let idle = ["MLDECK_HTTP_IDLE_TIMEOUT": "2"]

    var workspace: URL!

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func hostile(_ address: String, _ mode: String, _ extra: [String] = []) throws -> [String: Any] {
        let script = RepositoryFiles.root.appendingPathComponent("scripts/tests/hostile_http.py").path
        let result = try PythonEnvironment.run("/usr/bin/python3", [script, address, mode] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
    }

    /// Every attack answered 4xx (or the connection closed, for what is not HTTP), never 5xx; the
    /// normal client never failed and never waited longer than ``normalBound``.
    func check(_ results: [String: Any], allowed: Set<String>, file: StaticString = #filePath, line: UInt = #line) {
        for (name, value) in results {
            guard let attack = value as? [String: Any], let statuses = attack["statuses"] as? [String] else { continue }
            for status in statuses where !(status.hasPrefix("4") || allowed.contains(status) || status.hasPrefix("opened") || status.hasPrefix("closed by")) {
                XCTFail("\(name): answered \(status) (all: \(statuses))", file: file, line: line)
            }
            if let failures = attack["normal_failures"] as? [Any] {
                XCTAssertTrue(failures.isEmpty, "\(name): the normal client failed: \(failures)", file: file, line: line)
            }
            if let worst = attack["normal_max_latency"] as? Double {
                XCTAssertLessThan(worst, Self.normalBound, "\(name): the normal client waited \(worst) s", file: file, line: line)
                XCTAssertGreaterThan(attack["normal_requests"] as? Int ?? 0, 0, "\(name): the normal client made no request", file: file, line: line)
            }
        }
        XCTAssertEqual(results["health after"] as? String, "200", "/health after the attacks", file: file, line: line)
        let slow = (results["slowloris"] as? [String: Any])?["statuses"] as? [String] ?? []
        let opened = slow.first { $0.hasPrefix("opened ") }.map { String($0.dropFirst("opened ".count)) } ?? "?"
        XCTAssertTrue(slow.contains("closed by server \(opened)"), "every slowloris connection is closed after the idle limit: \(slow)", file: file, line: line)
    }

    func testPredictionServerWithstandsHostileClients() throws {
        workspace = try ServeFixture.workspace()
        let server = try ServeProcess(["shop-churn@production"], in: workspace, environment: Self.idle)
        defer { server.stop() }
        let results = try hostile(server.address, "serve")
        print("serve under attack: \(results)")
        // The flood's scoring requests succeed (200) or are turned away (429/503), never 500.
        check(results, allowed: ["200", "503", "closed"])
        XCTAssertTrue(server.process.isRunning, "mldeck serve died: \(server.stderr.suffix(1000))")
        XCTAssertEqual(server.stop(), 0, server.stderr.suffix(1000).description)
    }

    func testTrackingServerWithstandsHostileClientsAndServesNoOutsideFile() throws {
        workspace = try CLI.makeWorkspace()
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-secret-\(UUID().uuidString)")
        try "mldeck-hostile-secret\n".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        let created = try CLI.run(["runs", "create", "--name", "target", "--owner-pid", "0"], in: workspace)
        XCTAssertEqual(created.status, 0, created.stderr)
        let run = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for (name, text) in [("notes.txt", "ordinary notes\n"), ("planted", "to be replaced\n")] {
            let file = workspace.appendingPathComponent(name)
            try text.write(to: file, atomically: true, encoding: .utf8)
            let logged = try CLI.run(["runs", "log", run, "--artifact", file.path], in: workspace)
            XCTAssertEqual(logged.status, 0, logged.stderr)
        }
        // A symlink planted over the stored object of `planted`, pointing outside the workspace.
        let store = try DeckStore.open(Workspace(root: workspace), reapDeadRuns: false)
        let planted = try XCTUnwrap(try store.runDetails(run).artifacts.first { $0.path == "planted" })
        let objectPath = store.objects.path(of: planted.object)
        try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: objectPath)
        try FileManager.default.removeItem(atPath: objectPath)
        try FileManager.default.createSymbolicLink(atPath: objectPath, withDestinationPath: secret.path)

        let server = try ServeProcess([], in: workspace, environment: Self.idle, command: "server")
        defer { server.stop() }
        let results = try hostile(server.address, "server", ["0/\(run)/artifacts"])
        print("server under attack: \(results)")
        check(results, allowed: ["200", "closed"])
        let traversal = try XCTUnwrap(results["path traversal"] as? [String: Any])
        XCTAssertEqual(traversal["leaked"] as? [String], [], "a file outside the run's artifacts was served: \(traversal)")
        for (path, status) in traversal["answers"] as? [String: String] ?? [:] {
            // The planted object is a damaged store (500, as `fsck` would say); every other path is the client's error.
            let planted = path.hasSuffix("/planted ") && status == "500"
            XCTAssertTrue(status.hasPrefix("4") || planted, "\(path) answered \(status)")
        }
        let artifact = try XCTUnwrap(results["artifact"] as? [String: Any])
        XCTAssertEqual(artifact["status"] as? String, "200", "the ordinary artifact is still served")
        XCTAssertEqual(artifact["body"] as? String, "ordinary notes\n")
        XCTAssertTrue(server.process.isRunning, "mldeck server died: \(server.stderr.suffix(1000))")
        XCTAssertEqual(server.stop(), 0, server.stderr.suffix(1000).description)
    }
}
