import DeckStore
import Foundation
import XCTest

/// A slow disk (every write and sync to the matching files waits, through the `MLDECK_FAULT_SLOW_MS`
/// mode of scripts/faults/faultshim.c): the endpoint's answers are not slowed by a prediction log
/// whose every write takes 300 ms, a stop still flushes every logged row, and `datasets add` on a
/// slow object store finishes whole. Nothing hangs without a word.
final class SlowDiskEndToEndTests: XCTestCase {
    nonisolated(unsafe) static var shared: URL?
    var workspace: URL { Self.shared! }

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        if Self.shared == nil { Self.shared = try ServeFixture.workspace() }
    }

    override class func tearDown() {
        if let shared { try? FileManager.default.removeItem(at: shared) }
        shared = nil
    }

    func testAnswersAreNotSlowedByASlowPredictionLogAndAStopFlushesIt() throws {
        let logPath = workspace.appendingPathComponent(".mldeck/predictions.sqlite").path
        func logged() -> Int { (try? PredictionLog.open(path: logPath).counts().predictions) ?? 0 }
        // The log exists before the disk turns slow.
        let warm = try ServeProcess(["shop-churn@production"], in: workspace)
        XCTAssertEqual(try Curl.post(warm.address + "/invocations", json: ["dataframe_records": [ServeLifecycleEndToEndTests.row]]).status, 200)
        XCTAssertEqual(warm.stop(SIGTERM), 0)
        let before = logged()

        let slowMS = 300
        let shimLog = workspace.appendingPathComponent("slow-serve.log")
        let server = try ServeProcess(["shop-churn@production"], in: workspace,
                                      environment: try FaultShim.slow(pattern: "predictions.sqlite", milliseconds: slowMS, log: shimLog))
        var latencies: [Double] = []
        let requests = 30
        for _ in 0..<requests {
            let start = Date()
            let answer = try Curl.post(server.address + "/invocations", json: ["dataframe_records": [ServeLifecycleEndToEndTests.row]])
            latencies.append(Date().timeIntervalSince(start))
            XCTAssertEqual(answer.status, 200, answer.body)
        }
        latencies.sort()
        let median = latencies[latencies.count / 2]
        // Each flush of the log takes several slowed writes plus a sync (over a second); had a
        // request waited for one, the median answer would take at least 300 ms.
        XCTAssertLessThan(median, Double(slowMS) / 1000 * 0.8, "answers waited for the slow log: \(latencies)")
        let metrics = try Curl.request(server.address + "/metrics")
        XCTAssertTrue(metrics.body.contains("mldeck_serve_prediction_log_dropped_total 0"), metrics.body)

        XCTAssertEqual(server.stop(SIGTERM, timeout: 120), 0, server.stderr)
        XCTAssertEqual(logged(), before + requests, "the stop flushed every logged row to the slow disk")
        XCTAssertGreaterThan(FaultShim.slowed(shimLog), 2, "the shim slowed no write of the log (is it preloaded?)")
    }

    func testDatasetAddOnASlowObjectStoreFinishesWhole() throws {
        let csv = workspace.appendingPathComponent("slow.csv")
        var text = "a,b,c\n"
        for i in 0..<20_000 { text += "\(i),\(i % 7),x\(i % 13)\n" }
        try text.write(to: csv, atomically: true, encoding: .utf8)
        let objects = workspace.appendingPathComponent(".mldeck/objects").path + "/"
        let shimLog = workspace.appendingPathComponent("slow-add.log")
        let result = try CLI.run(["datasets", "add", "slow", csv.path], in: workspace,
                                 environment: try FaultShim.slow(pattern: objects, milliseconds: 100, log: shimLog))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertGreaterThan(FaultShim.slowed(shimLog), 0, "the shim slowed no object write (is it preloaded?)")
        for note in try Failpoints.checkStore(workspace) where note.hasPrefix("FAIL") { XCTFail(note) }
        let shown = try CLI.json(["datasets", "show", "slow"], in: workspace) as? [String: Any]
        XCTAssertEqual(shown?["rows"] as? Int, 20_000)
    }
}
