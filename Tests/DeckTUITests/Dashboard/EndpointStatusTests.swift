import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

/// The header's endpoint badge and the Models pane's serving mark, from a fake server registry
/// file (`.mldeck/servers/*.json`) whose pid is this test process (live) or a dead one.
final class EndpointStatusTests: XCTestCase {
    static func entry(port: Int, version: Int, requests: Int, live: Bool) -> ServerEntry {
        let pid = live ? getpid() : Int32.max - 7
        // ServerEntry's memberwise init is internal to DeckStore: build it as the server writes it.
        let json: [String: Any] = ["address": "http://127.0.0.1:\(port)", "host": "127.0.0.1", "port": port, "model": "churn-model",
                                   "alias": "production", "version": version, "since": 1_700_000_000.0, "started": 1_700_000_000.0,
                                   "requests": requests, "pid": Int(pid), "processStart": ServerRegistry.processStartTime(getpid()) ?? "",
                                   "hostName": ProcessInfo.processInfo.hostName]
        return try! JSONDecoder().decode(ServerEntry.self, from: JSONSerialization.data(withJSONObject: json))
    }

    func testHeaderAndModelsPaneShowTheLiveServerAndItsRequestRate() throws {
        let store = try makeRegistryStore()
        let registry = ServerRegistry(workspace: store.workspace)
        try registry.write(Self.entry(port: 5005, version: 3, requests: 100, live: true))
        try MainActor.assumeIsolated {
            var options = Dashboard.Options()
            options.rememberSettings = false
            let dashboard = Dashboard(store: store, options: options)
            dashboard.app.size = Size(width: 140, height: 30)
            dashboard.waitForServers(now: 1000)
            let canvas = Canvas(width: 140, height: 30)
            HeadlessDashboard.settle(dashboard, canvas: canvas)
            XCTAssertTrue(canvas.text.contains("endpoint 127.0.0.1:5005 churn-model v3"), canvas.text)
            XCTAssertFalse(canvas.text.contains("req/s"), "no rate before a second read\n" + canvas.text)

            // The server answered 50 requests in the next 2 s.
            try registry.write(Self.entry(port: 5005, version: 3, requests: 150, live: true))
            dashboard.waitForServers(now: 1002)
            _ = dashboard.app.render(into: canvas)
            XCTAssertTrue(canvas.text.contains("endpoint 127.0.0.1:5005 churn-model v3 · 25 req/s"), canvas.text)

            // Models pane: the list's deployment line, then the versions table marks v3.
            dashboard.app.send(.char("3"))
            HeadlessDashboard.settle(dashboard, canvas: canvas)
            XCTAssertTrue(canvas.text.contains("serving v3 on 127.0.0.1:5005 (production)"), canvas.text)
            dashboard.app.send(.enter)
            HeadlessDashboard.settle(dashboard, canvas: canvas)
            let lines = canvas.trimmedLines()
            let v3 = try XCTUnwrap(lines.first { $0.hasPrefix("v3 ") || $0.contains(" v3 ") && $0.contains("0.88") }, canvas.text)
            XCTAssertTrue(v3.contains("● serving"), v3)
            let v2 = try XCTUnwrap(lines.first { $0.contains("v2") && $0.contains("0.85") }, canvas.text)
            XCTAssertFalse(v2.contains("serving"), v2)
        }
    }

    func testDeadServerIsNotShownAndItsFileIsPruned() throws {
        let store = try makeRegistryStore()
        let registry = ServerRegistry(workspace: store.workspace)
        try registry.write(Self.entry(port: 5006, version: 3, requests: 10, live: false))
        try MainActor.assumeIsolated {
            var options = Dashboard.Options()
            options.rememberSettings = false
            let dashboard = Dashboard(store: store, options: options)
            dashboard.app.size = Size(width: 140, height: 30)
            dashboard.waitForServers(now: 1000)
            let canvas = Canvas(width: 140, height: 30)
            HeadlessDashboard.settle(dashboard, canvas: canvas)
            XCTAssertTrue(canvas.text.contains("endpoint none"), canvas.text)
            XCTAssertFalse(canvas.text.contains("5006"), canvas.text)
            dashboard.app.send(.char("3"))
            dashboard.app.send(.enter)
            HeadlessDashboard.settle(dashboard, canvas: canvas)
            XCTAssertFalse(canvas.text.contains("serving"), canvas.text)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: registry.directory.path).filter { $0.hasSuffix(".json") }, [])
        }
    }

    func testSeveralServersAndRateOverAllOfThem() {
        var a = Self.entry(port: 5005, version: 3, requests: 0, live: true), b = Self.entry(port: 5007, version: 2, requests: 10, live: true)
        let before = ServerSnapshot(servers: [a, b], time: 10)
        a.requests = 40; b.requests = 30
        let after = ServerSnapshot(servers: [a, b], time: 14)
        XCTAssertEqual(after.requestsPerSecond(since: before), 15)
        XCTAssertEqual(after.headerText(previous: before), "2 endpoints · 15 req/s")
        XCTAssertEqual(after.deployment(of: "churn-model"), "serving v3 on 127.0.0.1:5005 (production), v2 on 127.0.0.1:5007 (production)")
        XCTAssertNil(after.deployment(of: "other"))
        // A restarted server (another start time) gives no rate from the old count.
        b.started += 1
        XCTAssertEqual(ServerSnapshot(servers: [b], time: 14).requestsPerSecond(since: before), nil)
    }
}
