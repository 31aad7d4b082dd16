import Foundation
import XCTest

/// The demo workspace serves right away: `mldeck demo` registers versions with their
/// preprocessing, so `mldeck serve churn-model@production` answers without training first, with
/// the numbers `mldeck models predict` gives; and an unseen category is treated the same way by
/// both (scored as missing, with a warning).
final class ServeDemoEndToEndTests: XCTestCase {
    var workspace: URL!
    var server: ServeProcess?

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try DemoFixture.copy()
    }

    override func tearDownWithError() throws {
        server?.stop(SIGKILL)
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func testTheDemosProductionVersionServesAtOnceAndAgreesWithModelsPredict() throws {
        // Rows of the drifted export, as a client sends them; one with a category never seen in training.
        let csv = try String(contentsOf: workspace.appendingPathComponent("data/churn_v3.csv"), encoding: .utf8)
        let (header, allRows) = ServeFixture.rows(csv)
        var rows = Array(allRows.prefix(20))
        let internet = try XCTUnwrap(header.firstIndex(of: "internet_service"))
        rows[19][internet] = "Satellite"
        let quoted = rows.map { row in row.map { cell in cell.map { $0.contains(",") ? "\"\($0)\"" : $0 } ?? "" }.joined(separator: ",") }
        try ([header.joined(separator: ",")] + quoted).joined(separator: "\n").appending("\n")
            .write(to: workspace.appendingPathComponent("new.csv"), atomically: true, encoding: .utf8)

        // models predict: the unseen category is a warning, not an error.
        let predicted = try CLI.run(["models", "predict", "churn-model@production", "new.csv", "--json"], in: workspace)
        XCTAssertEqual(predicted.status, 0, predicted.stderr)
        XCTAssertTrue(predicted.stderr.contains("'Satellite' is a category the model never saw"), predicted.stderr)
        let expected = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(predicted.stdout.utf8)) as? [String: Any])
        let expectedPredictions = try XCTUnwrap(expected["predictions"] as? [String: Any])
        let labels = try XCTUnwrap(expectedPredictions["labels"] as? [String])
        let probabilities = try XCTUnwrap(expectedPredictions["probabilities"] as? [[Double]])
        XCTAssertEqual((expected["warnings"] as? [[String: Any]])?.count, 1)

        server = try ServeProcess(["churn-model@production"], in: workspace)
        let address = try XCTUnwrap(server?.address)
        let production = try XCTUnwrap(CLI.json(["models", "show", "churn-model@production"], in: workspace) as? [String: Any])
        func value(_ cell: String?) -> Any { cell.map { Double($0).map { $0 as Any } ?? $0 } ?? NSNull() }
        let body: [String: Any] = ["dataframe_split": ["columns": header, "data": rows.map { $0.map(value) }]]
        let answer = try Curl.post(address + "/invocations", json: body)
        XCTAssertEqual(answer.status, 200, answer.body)
        XCTAssertEqual(answer.headers["x-model-version"], "\(production["version"] ?? "?")")
        let json = try XCTUnwrap(answer.json)
        XCTAssertEqual(json["predictions"] as? [String], labels)
        XCTAssertEqual(json["classes"] as? [String], ["No", "Yes"])
        XCTAssertEqual(json["ids"] as? [String], rows.map { $0[0] ?? "" }, "customer_id is the demo model's id column")
        let got = try XCTUnwrap(json["probabilities"] as? [[Double]])
        let worst = zip(got, probabilities).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? 1
        XCTAssertLessThan(worst, 1e-9, "the endpoint and models predict differ")
        let warnings = json["warnings"] as? [String] ?? []
        XCTAssertTrue(warnings.contains { $0.contains("'Satellite'") && $0.contains("scored as missing") }, "\(warnings)")
        XCTAssertTrue(warnings.contains { $0.contains("'churn'") }, "the target is a column the model does not read: \(warnings)")

        // Text in a numeric column is refused by both.
        var bad = rows[0]
        bad[try XCTUnwrap(header.firstIndex(of: "tenure"))] = "soon"
        let refused = try Curl.post(address + "/invocations", json: ["dataframe_records": [Dictionary(uniqueKeysWithValues: zip(header, bad.map(value)))]])
        XCTAssertEqual(refused.status, 400, refused.body)
        XCTAssertEqual(server?.stop(), 0)
    }
}
