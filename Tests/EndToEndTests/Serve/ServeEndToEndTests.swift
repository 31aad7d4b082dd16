import Foundation
import XCTest

/// `mldeck serve` against curl: MLflow's four JSON formats and CSV give the numbers of
/// `models predict`; bad input is a JSON 4xx naming the problem; bodies over the limit are 413;
/// non-loopback binds need a token.
final class ServeEndToEndTests: XCTestCase {
    var workspace: URL!
    var server: ServeProcess?

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try ServeFixture.workspace()
    }

    override func tearDownWithError() throws {
        server?.stop(SIGKILL)
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    /// The same rows as `dataframe_split`, `dataframe_records`, `instances`, `inputs` and CSV.
    func bodies() throws -> [(String, Data, String)] {
        let csv = try String(contentsOf: workspace.appendingPathComponent("score.csv"), encoding: .utf8)
        let (header, rows) = ServeFixture.rows(csv)
        // Cells as a JSON client sends them: numbers as numbers, the rest as text, missing as null.
        func value(_ cell: String?) -> Any { cell.map { Double($0).map { $0 as Any } ?? $0 } ?? NSNull() }
        let records = rows.map { row in Dictionary(uniqueKeysWithValues: zip(header, row.map(value))) }
        let columns = Dictionary(uniqueKeysWithValues: header.enumerated().map { k, name in (name, rows.map { value($0[k]) }) })
        let json = "application/json"
        return [
            ("dataframe_split", try JSONSerialization.data(withJSONObject: ["dataframe_split": ["columns": header, "data": rows.map { $0.map { $0 ?? NSNull() as Any } }]]), json),
            ("dataframe_records", try JSONSerialization.data(withJSONObject: ["dataframe_records": records]), json),
            ("instances", try JSONSerialization.data(withJSONObject: ["instances": records]), json),
            ("inputs", try JSONSerialization.data(withJSONObject: ["inputs": columns]), json),
            ("csv", Data(csv.utf8), "text/csv"),
        ]
    }

    func testFourFormatsAndCSVAnswerWhatModelsPredictSays() throws {
        let expected = try XCTUnwrap(CLI.json(["models", "predict", "shop-churn@1", "score.csv"], in: workspace) as? [String: Any])
        let predictions = try XCTUnwrap(expected["predictions"] as? [String: Any])
        let labels = try XCTUnwrap(predictions["labels"] as? [String])
        let probabilities = try XCTUnwrap(predictions["probabilities"] as? [[Double]])
        let ids = try XCTUnwrap(expected["ids"] as? [String])
        server = try ServeProcess(["shop-churn@production"], in: workspace)
        let address = try XCTUnwrap(server?.address)
        var allPredictionIDs = Set<String>()
        for (format, body, type) in try bodies() {
            for path in ["/invocations", "/predict"] {
                let answer = try Curl.request(address + path, method: "POST", body: body, contentType: type)
                XCTAssertEqual(answer.status, 200, "\(format) \(path): \(answer.body)")
                XCTAssertEqual(answer.headers["x-model-version"], "1", format)
                let json = try XCTUnwrap(answer.json, format)
                XCTAssertEqual(json["predictions"] as? [String], labels, "\(format): labels differ")
                XCTAssertEqual(json["ids"] as? [String], ids, format)
                XCTAssertEqual(json["classes"] as? [String], ["no", "yes"], format)
                let got = try XCTUnwrap(json["probabilities"] as? [[Double]], format)
                XCTAssertEqual(got.count, probabilities.count)
                let worst = zip(got, probabilities).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? 1
                XCTAssertLessThan(worst, 1e-9, "\(format): probabilities differ")
                let predictionIDs = try XCTUnwrap(json["prediction_ids"] as? [String], format)
                XCTAssertEqual(predictionIDs.count, labels.count)
                allPredictionIDs.formUnion(predictionIDs)
                // The targets are columns the model does not read: named in warnings, as MLflow ignores them.
                let warnings = json["warnings"] as? [String] ?? []
                XCTAssertTrue(warnings.contains { $0.contains("'churned'") && $0.contains("'tier'") }, "\(format): \(warnings)")
            }
        }
        XCTAssertEqual(allPredictionIDs.count, labels.count * 10, "prediction ids are not unique")

        let health = try Curl.request(address + "/health")
        XCTAssertEqual(health.status, 200)
        let version = try XCTUnwrap(try Curl.request(address + "/version").json)
        XCTAssertEqual(version["model"] as? String, "shop-churn")
        XCTAssertEqual(version["version"] as? Int, 1)
        XCTAssertEqual(version["alias"] as? String, "production")
        XCTAssertNotNil(version["since"] as? String)
        let metrics = try Curl.request(address + "/metrics")
        XCTAssertTrue(metrics.body.contains("mldeck_serve_requests_total{status=\"200\"} 12"), metrics.body)
        XCTAssertTrue(metrics.body.contains("mldeck_serve_request_duration_seconds_bucket{le=\"+Inf\"}"), metrics.body)
        XCTAssertEqual(server?.stop(), 0)
    }

    func testBadInputIsAJSON4xxThatNamesTheProblemAndNeverCrashesTheServer() throws {
        server = try ServeProcess(["shop-churn@production", "--max-body", "20000"], in: workspace)
        let url = try XCTUnwrap(server?.address) + "/invocations"
        let row: [String: Any] = ["customer_id": "C1", "age": 41, "income": 52000.5, "member": true, "joined": "2021-03-04",
                                  "plan": "basic", "city": "city-01"]
        func check(_ answer: HTTPAnswer, _ status: Int, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(answer.status, status, answer.body, file: file, line: line)
            let json = answer.json
            XCTAssertNotNil(json?["error_code"] as? String, "no error_code: \(answer.body)", file: file, line: line)
            let message = json?["message"] as? String ?? ""
            for f in fragments { XCTAssertTrue(message.contains(f), "'\(f)' not in \(message)", file: file, line: line) }
        }
        var missing = row; missing["income"] = nil
        check(try Curl.post(url, json: ["dataframe_records": [missing]]), 400, ["missing input column 'income'"])
        var mistyped = row; mistyped["age"] = "abc"
        check(try Curl.post(url, json: ["dataframe_records": [row, mistyped]]), 400, ["column 'age', row 2", "\"abc\" is not a number"])
        var nested = row; nested["city"] = ["a"]
        check(try Curl.post(url, json: ["instances": [nested]]), 400, ["column 'city', row 1", "an array"])
        check(try Curl.request(url, method: "POST", body: Data("{\"dataframe_split\": {\"columns\": [\"age\"] \"data\": []}}".utf8)),
              400, ["malformed JSON at line 1, column 41"])
        check(try Curl.post(url, json: ["rows": [row]]), 400, ["dataframe_split, dataframe_records, instances, inputs", "found: rows"])
        check(try Curl.request(url, method: "POST", body: Data(repeating: UInt8(ascii: "["), count: 5000)), 400, ["nested deeper than 64"])
        check(try Curl.request(url, method: "POST", body: Data([0xFF, 0xFE, 0x00, 0x22]), contentType: "application/json"), 400, ["malformed JSON"])
        check(try Curl.request(url, method: "POST", body: Data("age,income\n1,2\n\"unclosed".utf8), contentType: "text/csv"), 400, [])
        check(try Curl.request(url, method: "POST", body: Data(repeating: UInt8(ascii: " "), count: 30000)), 413, ["larger than 20000 bytes"])
        check(try Curl.request(try XCTUnwrap(server?.address) + "/nope"), 404, [])
        check(try Curl.request(url), 405, [])

        // Extra columns are ignored with a warning; an unseen category is scored as missing with one.
        var extra = row; extra["coupon"] = "X"; extra["city"] = "city-99"
        let ok = try Curl.post(url, json: ["dataframe_records": [extra]])
        XCTAssertEqual(ok.status, 200, ok.body)
        let warnings = ok.json?["warnings"] as? [String] ?? []
        XCTAssertTrue(warnings.contains { $0.contains("'coupon'") }, "\(warnings)")
        XCTAssertTrue(warnings.contains { $0.contains("city-99") && $0.contains("never saw") }, "\(warnings)")
        XCTAssertEqual(try Curl.request(try XCTUnwrap(server?.address) + "/health").status, 200)
        XCTAssertEqual(server?.stop(), 0)

        // --strict-columns turns the extra column into a 400.
        server = try ServeProcess(["shop-churn@production", "--strict-columns"], in: workspace)
        var onlyExtra = row; onlyExtra["coupon"] = "X"
        check(try Curl.post(try XCTUnwrap(server?.address) + "/invocations", json: ["dataframe_records": [onlyExtra]]), 400,
              ["'coupon' is not an input of the model", "--strict-columns"])
    }

    func testNonLoopbackBindNeedsATokenAndRequestsNeedIt() throws {
        let refused = try CLI.run(["serve", "shop-churn@production", "--host", "0.0.0.0", "--port", "0"], in: workspace,
                                  environment: ["MLDECK_SERVE_TOKEN": ""])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("give --token T (or set MLDECK_SERVE_TOKEN)"), refused.stderr)

        let token = "s3cret-token-0123456789"
        server = try ServeProcess(["shop-churn@production", "--host", "0.0.0.0"], in: workspace, environment: ["MLDECK_SERVE_TOKEN": token])
        let port = try XCTUnwrap(server?.address.split(separator: ":").last)
        let url = "http://127.0.0.1:\(port)"
        let body = ["dataframe_records": [["customer_id": "C1", "age": 41, "income": 52000.5, "member": true, "joined": "2021-03-04",
                                            "plan": "basic", "city": "city-01"]]]
        let none = try Curl.post(url + "/invocations", json: body)
        XCTAssertEqual(none.status, 401, none.body)
        XCTAssertEqual(none.json?["error_code"] as? String, "UNAUTHENTICATED")
        XCTAssertEqual(none.headers["www-authenticate"], "Bearer")
        XCTAssertEqual(try Curl.post(url + "/invocations", json: body, headers: ["Authorization: Bearer wrong-token-0123456789"]).status, 401)
        XCTAssertEqual(try Curl.post(url + "/invocations", json: body, headers: ["Authorization: Bearer \(token)x"]).status, 401)
        XCTAssertEqual(try Curl.request(url + "/metrics").status, 401)
        XCTAssertEqual(try Curl.post(url + "/invocations", json: body, headers: ["Authorization: Bearer \(token)"]).status, 200)
        XCTAssertEqual(try Curl.request(url + "/health").status, 200, "health checks need no token")
    }
}
