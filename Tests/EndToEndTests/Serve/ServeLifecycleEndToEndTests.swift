import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// The running side of `mldeck serve`: hot swap under load, the prediction log (back-pressure,
/// feedback, flush on SIGTERM), graceful shutdown mid-request, `servers list|stop`.
final class ServeLifecycleEndToEndTests: XCTestCase {
    var workspace: URL!
    var server: ServeProcess?

    static var row: [String: Any] { ["customer_id": "C1", "age": 41, "income": 52000.5, "member": true, "joined": "2021-03-04",
                                     "plan": "basic", "city": "city-01"] }

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
    }

    override func tearDownWithError() throws {
        server?.stop(SIGKILL)
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func testMovingTheAliasSwapsTheModelUnderLoadWithoutAFailedRequest() throws {
        workspace = try ServeFixture.workspace(versions: 2)
        server = try ServeProcess(["shop-churn@production"], in: workspace)
        let url = try XCTUnwrap(server?.address) + "/invocations"
        let body = try JSONSerialization.data(withJSONObject: ["dataframe_records": [Self.row]])
        struct Seen { var statuses: [Int] = []; var versions: [String] = []; var failures: [String] = []; var running = true }
        let seen = Shared(Seen())
        let clients = (0..<3).map { _ in
            Thread {
                while seen.read({ $0.running }) {
                    do {
                        let a = try Curl.request(url, method: "POST", body: body)
                        seen.update { $0.statuses.append(a.status); $0.versions.append(a.headers["x-model-version"] ?? "?") }
                    } catch {
                        seen.update { $0.failures.append("\(error)") }
                    }
                }
            }
        }
        clients.forEach { $0.start() }
        let store = try DeckStore.open(Workspace(root: workspace))
        let since = ISO8601DateFormatter()
        since.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var swaps: [String] = []
        for target in [2, 1, 2] {
            Thread.sleep(forTimeInterval: 1)
            let moved = try CLI.run(["models", "promote", "shop-churn", "\(target)", "--alias", "production"], in: workspace)
            XCTAssertEqual(moved.status, 0, moved.stderr)
            // The new version answers; how soon after the alias commit is the server's own account
            // (`/version`'s `since`, the swap), not how soon a client on this loaded machine (three
            // loops starting a curl per request, 2 shared cores) happens to ask.
            XCTAssertTrue(CLI.waitFor(5) {
                (try? Curl.request(url, method: "POST", body: body).headers["x-model-version"]) == "\(target)"
            }, "version \(target) not served")
            let committed = try XCTUnwrap(try store.aliasHistory(model: "shop-churn", alias: "production", limit: 1).first)
            XCTAssertEqual(committed.toVersion, target)
            let version = try XCTUnwrap(try Curl.request(try XCTUnwrap(server?.address) + "/version").json)
            let swapped = try XCTUnwrap((version["since"] as? String).flatMap(since.date(from:)), "\(version)")
            let seconds = swapped.timeIntervalSince1970 - committed.time
            swaps.append(String(format: "v%d %.3f s after its commit", target, seconds))
            XCTAssertTrue(seconds >= 0 && seconds < 1, "swapped within a second of the alias commit: \(swaps)")
        }
        print("ServeLifecycleEndToEndTests: \(swaps.joined(separator: ", "))")
        Thread.sleep(forTimeInterval: 1)
        seen.update { $0.running = false }
        _ = CLI.waitFor(30) { clients.allSatisfy { $0.isFinished } }
        let result = seen.read { $0 }
        XCTAssertEqual(result.failures, [])
        XCTAssertGreaterThan(result.statuses.count, 20)
        XCTAssertEqual(result.statuses.filter { $0 != 200 }, [], "non-200 answers during swaps")
        XCTAssertEqual(Set(result.versions), ["1", "2"])
        let version = try Curl.request(try XCTUnwrap(server?.address) + "/version").json
        XCTAssertEqual(version?["version"] as? Int, 2)
        XCTAssertEqual(server?.stop(), 0)
    }

    func testLogWriterBehindDropsAndCountsRowsButAnswersEveryRequestAndFlushesOnStop() throws {
        workspace = try ServeFixture.workspace()
        // A queue of 5 rows: a 20-row request cannot be queued (dropped), single rows can.
        server = try ServeProcess(["shop-churn@production", "--log-queue", "5"], in: workspace)
        let address = try XCTUnwrap(server?.address)
        var rows: [[String: Any]] = []
        for i in 0..<20 { var r = Self.row; r["customer_id"] = "B\(i)"; rows.append(r) }
        let batch = try Curl.post(address + "/invocations", json: ["dataframe_records": rows])
        XCTAssertEqual(batch.status, 200, batch.body)
        var single: [String] = []
        for i in 0..<4 {
            var r = Self.row; r["customer_id"] = "S\(i)"
            let a = try Curl.post(address + "/invocations", json: ["dataframe_records": [r]])
            XCTAssertEqual(a.status, 200, a.body)
            single += a.json?["prediction_ids"] as? [String] ?? []
        }
        let metrics = try Curl.request(address + "/metrics").body
        XCTAssertTrue(metrics.contains("mldeck_serve_prediction_log_dropped_total 20"), metrics)

        // Feedback by prediction id and by the caller's id.
        let byPrediction = try Curl.post(address + "/feedback", json: ["prediction_ids": [single[0]], "labels": ["yes"]])
        XCTAssertEqual(byPrediction.status, 200, byPrediction.body)
        XCTAssertEqual(byPrediction.json?["accepted"] as? Int, 1)
        XCTAssertEqual(try Curl.post(address + "/feedback", json: ["ids": ["S1"], "labels": ["no"]]).status, 200)
        XCTAssertEqual(try Curl.post(address + "/feedback", json: ["ids": ["S1"]]).status, 400)

        XCTAssertEqual(server?.stop(SIGTERM), 0)
        let log = try PredictionLog.open(path: workspace.appendingPathComponent(".mldeck/predictions.sqlite").path)
        XCTAssertEqual(try log.counts().predictions, 4, "the single rows are logged, the dropped batch is not")
        XCTAssertEqual(try log.counts().feedback, 2)
        let labeled = try log.labeledPredictions(model: "shop-churn")
        XCTAssertEqual(labeled.first { $0.id == single[0] }?.actual, "yes")
        XCTAssertEqual(labeled.first { $0.callerID == "S1" }?.actual, "no")
        XCTAssertNil(labeled.first { $0.callerID == "S2" }?.actual)
        let inputs = try log.inputBatches(model: "shop-churn")
        XCTAssertTrue(inputs.contains { $0.inputs.contains("\"name\":\"age\",\"kind\":\"number\"") }, "\(inputs)")

        // `mldeck gc --retention N` trims the log to the newest N rows.
        let gc = try XCTUnwrap(CLI.json(["gc", "--retention", "1"], in: workspace) as? [String: Any])
        XCTAssertEqual((gc["prediction_log"] as? [String: Any])?["removed_predictions"] as? Int, 3, "\(gc)")
        XCTAssertEqual(try log.counts().predictions, 1)
        XCTAssertEqual(try CLI.run(["gc", "--retention", "forever"], in: workspace).status, 1)
    }

    func testSIGTERMFinishesTheRequestInFlightFlushesTheLogAndExitsZero() throws {
        workspace = try ServeFixture.workspace()
        server = try ServeProcess(["shop-churn@production"], in: workspace)
        let url = try XCTUnwrap(server?.address) + "/invocations"
        var rows: [[String: Any]] = []
        for i in 0..<400 { var r = Self.row; r["customer_id"] = "G\(i)"; rows.append(r) }
        let body = try JSONSerialization.data(withJSONObject: ["dataframe_records": rows])
        let shared = Shared<HTTPAnswer?>(nil)
        // The body goes up at 20 kB/s: the request is in flight for a few seconds.
        let client = Thread {
            let got = try? Curl.request(url, method: "POST", body: body, extra: ["--limit-rate", "20k"])
            shared.update { $0 = got }
        }
        client.start()
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertGreaterThan(body.count, 40_000)
        let status = server?.stop(SIGTERM)
        _ = CLI.waitFor(30) { client.isFinished }
        XCTAssertEqual(status, 0, server?.stderr ?? "")
        let answer = shared.read { $0 }
        XCTAssertEqual(answer?.status, 200, answer?.body ?? "no answer")
        XCTAssertEqual((answer?.json?["predictions"] as? [String])?.count, 400)
        let log = try PredictionLog.open(path: workspace.appendingPathComponent(".mldeck/predictions.sqlite").path)
        XCTAssertEqual(try log.counts().predictions, 400, "the last request's rows were flushed to the log")
    }

    func testServersListShowsRunningServersAndForgetsAKilledOne() throws {
        workspace = try ServeFixture.workspace()
        server = try ServeProcess(["shop-churn@production"], in: workspace)
        let second = try ServeProcess(["shop-churn@1"], in: workspace)
        defer { second.stop(SIGKILL) }
        _ = try Curl.post(try XCTUnwrap(server?.address) + "/invocations", json: ["dataframe_records": [Self.row]])
        XCTAssertTrue(CLI.waitFor(5) {
            let list = (try? CLI.json(["servers", "list"], in: workspace)) as? [[String: Any]] ?? []
            return list.count == 2 && list.contains { ($0["requests"] as? Int ?? 0) >= 1 }
        })
        let list = try XCTUnwrap(CLI.json(["servers", "list"], in: workspace) as? [[String: Any]])
        XCTAssertEqual(Set(list.compactMap { $0["address"] as? String }), [try XCTUnwrap(server?.address), second.address])
        XCTAssertTrue(list.allSatisfy { $0["model"] as? String == "shop-churn" && $0["version"] as? Int == 1 && $0["since"] is String })
        let text = try CLI.run(["servers", "list"], in: workspace)
        XCTAssertTrue(text.stdout.contains("ADDRESS") && text.stdout.contains("shop-churn@production"), text.stdout)

        // kill -9: it drops off the list.
        second.stop(SIGKILL)
        let after = try XCTUnwrap(CLI.json(["servers", "list"], in: workspace) as? [[String: Any]])
        XCTAssertEqual(after.compactMap { $0["address"] as? String }, [try XCTUnwrap(server?.address)])

        let stopped = try CLI.run(["servers", "stop", try XCTUnwrap(server?.address)], in: workspace)
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        XCTAssertTrue(stopped.stdout.contains("Stopped"), stopped.stdout)
        XCTAssertFalse(server?.process.isRunning ?? true)
        XCTAssertEqual(server?.process.terminationStatus, 0)
        XCTAssertEqual(try XCTUnwrap(CLI.json(["servers", "list"], in: workspace) as? [[String: Any]]).count, 0)
        let unknown = try CLI.run(["servers", "stop", "127.0.0.1:1"], in: workspace)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no MLDeck server at 127.0.0.1:1"), unknown.stderr)
    }
}
