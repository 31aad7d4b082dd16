import Foundation
import XCTest

/// `--shadow ALIAS` scores the requests (at this light load, every one) with a second version off the request path and logs
/// both answers; `models compare-live` summarises agreement and, on labels fed back, both
/// versions' quality. `deploy … with: {serve: true, port: N}` starts a server in the background
/// and the deployment records its address.
final class ServeShadowEndToEndTests: XCTestCase {
    var workspace: URL!
    var server: ServeProcess?

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try ServeFixture.workspace(versions: 2)
    }

    override func tearDownWithError() throws {
        server?.stop(SIGKILL)
        if let workspace {
            _ = try? CLI.run(["servers", "stop", "all"], in: workspace)
            try? FileManager.default.removeItem(at: workspace)
        }
    }

    func testTheShadowScoresEveryRequestAndCompareLiveSummarisesBothVersions() throws {
        let promote = try CLI.run(["models", "promote", "shop-churn", "2", "--alias", "staging"], in: workspace)
        XCTAssertEqual(promote.status, 0, promote.stderr)
        // What each version says about the rows, and the truth, independently of the log.
        let truthCSV = try String(contentsOf: workspace.appendingPathComponent("score.csv"), encoding: .utf8)
        let (header, rows) = ServeFixture.rows(truthCSV)
        let churned = try XCTUnwrap(header.firstIndex(of: "churned"))
        let truth = rows.map { $0[churned] ?? "" }
        let ids = rows.map { $0[0] ?? "" }
        func labels(_ version: Int) throws -> (labels: [String], positive: [Double]) {
            let json = try XCTUnwrap(CLI.json(["models", "predict", "shop-churn@\(version)", "score.csv"], in: workspace) as? [String: Any])
            let p = try XCTUnwrap(json["predictions"] as? [String: Any])
            return (try XCTUnwrap(p["labels"] as? [String]), try XCTUnwrap(p["probabilities"] as? [[Double]]).map { $0[1] })
        }
        let (one, oneScores) = try labels(1), (two, twoScores) = try labels(2)

        server = try ServeProcess(["shop-churn@production", "--shadow", "staging"], in: workspace)
        let address = try XCTUnwrap(server?.address)
        XCTAssertTrue(server?.stdout.contains("with shadow shop-churn@2") ?? false, server?.stdout ?? "")
        let answer = try Curl.request(address + "/invocations", method: "POST", body: Data(truthCSV.utf8), contentType: "text/csv")
        XCTAssertEqual(answer.status, 200, answer.body)
        XCTAssertEqual(answer.headers["x-model-version"], "1", "the primary answers")
        XCTAssertEqual(answer.json?["predictions"] as? [String], one)
        let version = try XCTUnwrap(try Curl.request(address + "/version").json)
        XCTAssertEqual((version["shadow"] as? [String: Any])?["version"] as? Int, 2)
        let feedback = try Curl.post(address + "/feedback", json: ["ids": ids, "labels": truth])
        XCTAssertEqual(feedback.status, 200, feedback.body)
        XCTAssertTrue(CLI.waitFor(20) {
            ((try? Curl.request(address + "/metrics"))?.body ?? "").contains("mldeck_serve_shadow_rows_total{outcome=\"scored\"} \(rows.count)")
        }, (try? Curl.request(address + "/metrics"))?.body ?? "")
        XCTAssertEqual(server?.stop(), 0)

        let comparison = try XCTUnwrap(CLI.json(["models", "compare-live", "shop-churn"], in: workspace) as? [String: Any])
        let pairs = try XCTUnwrap(comparison["pairs"] as? [[String: Any]])
        XCTAssertEqual(pairs.count, 1)
        let pair = pairs[0]
        XCTAssertEqual(pair["primary_version"] as? Int, 1)
        XCTAssertEqual(pair["shadow_version"] as? Int, 2)
        XCTAssertEqual(pair["rows"] as? Int, rows.count)
        XCTAssertEqual(pair["labeled"] as? Int, rows.count)
        let agree = Double(zip(one, two).filter { $0 == $1 }.count) / Double(rows.count)
        XCTAssertEqual(try XCTUnwrap(pair["agreement"] as? Double), agree, accuracy: 1e-12)
        func accuracy(_ predicted: [String]) -> Double { Double(zip(predicted, truth).filter { $0 == $1 }.count) / Double(truth.count) }
        /// AUC by counting pairs (ties count a half): the reference, apart from MLDeck's ROC code.
        func auc(_ scores: [Double]) -> Double {
            var wins = 0.0, total = 0.0
            for (i, a) in scores.enumerated() where truth[i] == "yes" {
                for (j, b) in scores.enumerated() where truth[j] == "no" { total += 1; wins += a > b ? 1 : a == b ? 0.5 : 0 }
            }
            return wins / total
        }
        let primary = try XCTUnwrap(pair["primary"] as? [String: Double]), shadow = try XCTUnwrap(pair["shadow"] as? [String: Double])
        XCTAssertEqual(try XCTUnwrap(primary["accuracy"]), accuracy(one), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(shadow["accuracy"]), accuracy(two), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(primary["auc"]), auc(oneScores), accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(shadow["auc"]), auc(twoScores), accuracy: 1e-6)
        let text = try CLI.run(["models", "compare-live", "shop-churn"], in: workspace)
        XCTAssertTrue(text.stdout.contains("shop-churn@1") && text.stdout.contains("shop-churn@2") && text.stdout.contains("AGREEMENT"), text.stdout)

        // --shadow needs the log; an unknown shadow alias is an error before listening.
        let noLog = try CLI.run(["serve", "shop-churn@production", "--shadow", "staging", "--no-log", "--port", "0"], in: workspace)
        XCTAssertEqual(noLog.status, 1)
        XCTAssertTrue(noLog.stderr.contains("drop --no-log"), noLog.stderr)
        let unknown = try CLI.run(["serve", "shop-churn@production", "--shadow", "nope", "--port", "0"], in: workspace)
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("nope"), unknown.stderr)
    }

    func testDeployWithServeStartsAServerInTheBackgroundAndRecordsItsAddress() throws {
        let port = try Self.freePort()
        let yaml = try String(contentsOf: workspace.appendingPathComponent("mldeck.yaml"), encoding: .utf8) + """

              ship:
                steps:
                  pick: {uses: select, with: {model: shop-churn, alias: production}}
                  deploy: {uses: deploy, needs: [pick], with: {serve: true, port: \(port)}}

            """
        try yaml.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", "ship"], in: workspace)
        XCTAssertEqual(run.status, 0, run.stderr + run.stdout)
        XCTAssertTrue((run.stdout + run.stderr).contains("started mldeck serve shop-churn@production on http://127.0.0.1:\(port)"), run.stdout + run.stderr)
        let health = try Curl.request("http://127.0.0.1:\(port)/health")
        XCTAssertEqual(health.status, 200, health.body)
        let servers = try XCTUnwrap(CLI.json(["servers", "list"], in: workspace) as? [[String: Any]])
        XCTAssertEqual(servers.count, 1)
        XCTAssertEqual(servers.first?["address"] as? String, "http://127.0.0.1:\(port)")
        XCTAssertEqual(servers.first?["alias"] as? String, "production")
        func current() throws -> [[String: Any]] {
            try XCTUnwrap(CLI.json(["models", "deployments", "shop-churn"], in: workspace) as? [[String: Any]])
                .filter { $0["ended_at"] is NSNull || $0["ended_at"] == nil }
        }
        var open = try current()
        XCTAssertTrue(open.contains { $0["address"] as? String == "127.0.0.1:\(port)" && $0["version"] as? Int == 1 }, "\(open)")
        let shown = try CLI.run(["models", "deployments", "shop-churn"], in: workspace)
        XCTAssertTrue(shown.stdout.contains("127.0.0.1:\(port)"), shown.stdout)

        // Moving the alias carries the address over; a second deploy finds the server running.
        XCTAssertEqual(try CLI.run(["models", "promote", "shop-churn", "2", "--alias", "production"], in: workspace).status, 0)
        open = try current()
        XCTAssertTrue(open.contains { $0["address"] as? String == "127.0.0.1:\(port)" && $0["version"] as? Int == 2 }, "\(open)")
        let again = try CLI.run(["run", "ship"], in: workspace)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue((again.stdout + again.stderr).contains("is served on http://127.0.0.1:\(port) already"), again.stdout + again.stderr)
        XCTAssertEqual(try XCTUnwrap(CLI.json(["servers", "list"], in: workspace) as? [[String: Any]]).count, 1)

        // Stopping the server ends its deployment.
        XCTAssertEqual(try CLI.run(["servers", "stop", "all"], in: workspace).status, 0)
        open = try current()
        XCTAssertFalse(open.contains { $0["address"] as? String == "127.0.0.1:\(port)" }, "\(open)")
    }

    /// A port nothing listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_addr.s_addr = inet_addr("127.0.0.1")
        sin.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw NSError(domain: "port", code: 1) }
        return Int(UInt16(bigEndian: sin.sin_port))
    }
}
