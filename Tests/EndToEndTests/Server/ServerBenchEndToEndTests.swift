import Foundation
import XCTest

/// `mldeck bench server` in a reduced form (a 300-run store, 1 s loads, 1 repeat, 3 searches):
/// it imports, serves, loads with wrk, searches, runs the MLflow client against the server and
/// the null server, and reports every figure with its target and reference; and it refuses
/// clearly without its Python. The figures of a debug build say nothing; their presence and
/// consistency do.
final class ServerBenchEndToEndTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
    }

    func testReducedSuiteReportsEveryFigure() throws {
        let python = try PythonEnvironment.mlflowInterpreter()
        _ = try XCTUnwrap(["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile), "wrk is missing: make deps installs it")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try CLI.run(["bench", "server", "--json", "--keep", scratch.path], in: RepositoryFiles.root, environment: [
            "MLDECK_PYTHON": python, "MLDECK_BENCH_SERVER_RUNS": "300", "MLDECK_BENCH_SERVER_SECONDS": "1",
            "MLDECK_BENCH_SERVER_REPEATS": "1", "MLDECK_BENCH_SERVER_SEARCHES": "3",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let figures = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], result.stdout)
        var byName: [String: [String: Any]] = [:]
        for figure in figures { byName[figure["name"] as? String ?? "?"] = figure }
        XCTAssertEqual(Set(byName.keys), [
            "import_mlflow_sqlite_300_runs_s", "log_batch_points_per_s", "log_batch_server_cpu_ms_per_request",
            "log_metric_requests_per_s", "log_metric_server_cpu_ms_per_request", "search_300_first_page_ms",
            "search_server_cpu_ms_per_request", "client_log_batch_points_per_s", "client_log_batch_null_points_per_s",
            "client_log_batch_vs_null", "client_log_metric_calls_per_s", "client_log_metric_null_calls_per_s", "client_log_metric_vs_null",
        ])
        for (name, figure) in byName {
            XCTAssertEqual(figure["suite"] as? String, "server")
            let value = try XCTUnwrap(figure["value"] as? Double, name)
            XCTAssertTrue(value.isFinite && value > 0, "\(name) = \(value)")
        }
        func number(_ name: String, _ key: String) -> Double? { byName[name]?[key] as? Double }
        XCTAssertEqual(number("log_batch_points_per_s", "target"), 200_000)
        XCTAssertEqual(number("log_batch_points_per_s", "reference_value"), 1_120)
        XCTAssertEqual(number("log_metric_requests_per_s", "target"), 20_000)
        XCTAssertEqual(number("log_metric_requests_per_s", "reference_value"), 24.1)
        XCTAssertEqual(number("search_300_first_page_ms", "reference_value"), 10_800)
        XCTAssertEqual(number("client_log_batch_vs_null", "target"), 1.2)
        XCTAssertNil(number("search_300_first_page_ms", "target"), "the 50 ms target is for 10,000 runs only")
        XCTAssertNil(number("import_mlflow_sqlite_300_runs_s", "target"), "the 10 s target is for 10,000 runs only")
        // The ratio is the two client figures divided.
        let ours = try XCTUnwrap(number("client_log_batch_points_per_s", "value"))
        let ceiling = try XCTUnwrap(number("client_log_batch_null_points_per_s", "value"))
        XCTAssertEqual(try XCTUnwrap(number("client_log_batch_vs_null", "value")), ceiling / ours, accuracy: 1e-9)
        // A 300-run store: about half the runs have m1 > 0.5, all in one page.
        let note = try XCTUnwrap(byName["search_300_first_page_ms"]?["note"] as? String)
        let inPage = try XCTUnwrap(note.range(of: #"\d+ runs in the page of 300"#, options: .regularExpression).map { Int(note[$0].split(separator: " ")[0]) ?? 0 })
        XCTAssertTrue((100...200).contains(inPage), note)
        XCTAssertTrue((byName["log_batch_points_per_s"]?["note"] as? String ?? "").contains("; 0 non-2xx or socket errors"), "\(byName["log_batch_points_per_s"] ?? [:])")
        XCTAssertTrue((byName["log_metric_requests_per_s"]?["note"] as? String ?? "").contains("; 0 non-2xx or socket errors"), "\(byName["log_metric_requests_per_s"] ?? [:])")
    }

    func testRefusesWithoutItsPython() throws {
        let result = try CLI.run(["bench", "server"], in: RepositoryFiles.root, environment: ["MLDECK_PYTHON": "/nonexistent/python"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("MLDECK_PYTHON=/nonexistent/python is not an executable file"), result.stderr)
    }
}
