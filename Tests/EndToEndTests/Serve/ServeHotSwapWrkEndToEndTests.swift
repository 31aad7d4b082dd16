import DeckTestSupport
import Foundation
import XCTest

/// Issue 11's proof of the hot swap: `wrk` (16 connections, 10 s) against `mldeck serve` while
/// `production` moves 3 times: zero non-2xx, zero socket errors and timeouts, and the
/// `X-Model-Version` header shows both versions answering.
final class ServeHotSwapWrkEndToEndTests: XCTestCase {
    var workspace: URL!
    var server: ServeProcess?

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
    }

    override func tearDownWithError() throws {
        server?.stop(SIGKILL)
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    /// Counts the `X-Model-Version` of every answer per wrk thread and prints them at the end.
    static func script(body: String) -> String {
        """
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        wrk.body = [==[\(body)]==]
        local threads = {}
        function setup(thread) table.insert(threads, thread) end
        function init(args) seen = {} end
        function response(status, headers, body)
          local v = headers["X-Model-Version"] or headers["x-model-version"] or "none"
          seen[v] = (seen[v] or 0) + 1
        end
        function done(summary, latency, requests)
          for _, t in ipairs(threads) do
            for k, n in pairs(t:get("seen")) do io.write("version " .. k .. " " .. n .. "\\n") end
          end
        end
        """
    }

    func testWrkSeesNoFailedRequestWhileTheAliasMovesThreeTimes() throws {
        let wrk = try XCTUnwrap(["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile),
                                "wrk is missing: make deps installs it")
        workspace = try ServeFixture.workspace(versions: 2)
        server = try ServeProcess(["shop-churn@production"], in: workspace)
        let row: [String: Any] = ["customer_id": "C1", "age": 41, "income": 52000.5, "member": true, "joined": "2021-03-04",
                                  "plan": "basic", "city": "city-01"]
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["dataframe_records": [row]]), as: UTF8.self)
        let script = workspace.appendingPathComponent("swap.lua")
        try Self.script(body: body).write(to: script, atomically: true, encoding: .utf8)
        let url = try XCTUnwrap(server?.address) + "/invocations"

        let output = Shared<CLI.Result?>(nil)
        let load = Thread {
            let result = try? PythonEnvironment.run(wrk, ["-t2", "-c16", "-d10s", "--timeout", "10s", "-s", script.path, url])
            output.update { $0 = result }
        }
        load.start()
        for target in [2, 1, 2] {   // at about 2.5, 5 and 7.5 s into the run
            Thread.sleep(forTimeInterval: 2.5)
            let moved = try CLI.run(["models", "promote", "shop-churn", "\(target)", "--alias", "production"], in: workspace)
            XCTAssertEqual(moved.status, 0, moved.stderr)
        }
        XCTAssertTrue(CLI.waitFor(60) { load.isFinished }, "wrk did not finish")
        let result = try XCTUnwrap(output.read { $0 }, "wrk did not run")
        XCTAssertEqual(result.status, 0, result.stderr)
        let text = result.stdout
        XCTAssertFalse(text.contains("Non-2xx"), text)
        XCTAssertFalse(text.contains("Socket errors"), "socket errors or timeouts:\n\(text)")
        var answered: [String: Int] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("version ") {
            let parts = line.split(separator: " ")
            if parts.count == 3, let n = Int(parts[2]) { answered[String(parts[1]), default: 0] += n }
        }
        XCTAssertEqual(Set(answered.keys), ["1", "2"], "both versions answered: \(text)")
        XCTAssertGreaterThan(answered.values.reduce(0, +), 100, text)
        let version = try Curl.request(try XCTUnwrap(server?.address) + "/version").json
        XCTAssertEqual(version?["version"] as? Int, 2)
        XCTAssertEqual(server?.stop(), 0)
    }
}
