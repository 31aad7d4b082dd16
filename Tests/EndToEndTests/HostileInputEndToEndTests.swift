import Foundation
import GRDB
import XCTest

/// Outside input that used to kill `mldeck` by a signal or show SQL, driven through the binary:
/// huge numbers for integer options, far-future stored times, deep and long filters, and a
/// "billion laughs" mldeck.yaml. Every case ends with exit status 0 or 1 and a sentence.
final class HostileInputEndToEndTests: XCTestCase {
    var workspace: URL!

    static let yaml = """
        pipelines:
          p:
            dataset: data.csv
            params: {rounds: 5}
            steps:
              prepare: {uses: split, with: {target: label, test_size: 0.25, seed: 3}}
              train:   {uses: xgboost, needs: [prepare], with: {rounds: "${params.rounds}", nthread: 1}}
        """

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
        var lines = ["id,x,label"]
        for i in 0..<80 { lines.append("\(i),\(Double(i) / 7),\(i % 3 == 0 ? "yes" : "no")") }
        try (lines.joined(separator: "\n") + "\n").write(to: workspace.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        try Self.yaml.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func assertClean(_ r: CLI.Result, status: Int32 = 1, contains: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, status, "stderr: \(r.stderr.prefix(2_000))", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(contains), "missing '\(contains)' in: \(r.stderr.prefix(2_000))", file: file, line: line)
        for word in ["SELECT", "SQLite error", "metric_summary", "NSCocoaErrorDomain", "Fatal error"] {
            XCTAssertFalse(r.stderr.contains(word), "'\(word)' in: \(r.stderr.prefix(2_000))", file: file, line: line)
        }
        XCTAssertLessThan(r.stderr.count, 4_000, "a sentence, not kilobytes", file: file, line: line)
    }

    // Item 6: huge numbers where an integer is expected.
    func testHugeRoundsAreRefusedWithTheKeyNotATrap() throws {
        for bad in ["99999999999999999999", "inf", "1e400"] {
            assertClean(try CLI.run(["run", "p", "-p", "rounds=\(bad)"], in: workspace),
                        contains: "pipelines.p.steps.train.with.rounds: expected a whole number from 1 to 100000, found '\(bad)'")
        }
        try Self.yaml.replacingOccurrences(of: "\"${params.rounds}\"", with: "1e400")
            .write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        let file = workspace.appendingPathComponent("mldeck.yaml").path
        assertClean(try CLI.run(["validate"], in: workspace), contains: "\(file):7:")
        assertClean(try CLI.run(["validate"], in: workspace), contains: "with.rounds: expected a whole number from 1 to 100000, found '1e400'")
        assertClean(try CLI.run(["run", "p"], in: workspace), contains: "found '1e400'")
        // A detached run and a sweep are refused before any run is queued (none is left QUEUED).
        try Self.yaml.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        assertClean(try CLI.run(["run", "p", "-p", "rounds=inf", "--detach"], in: workspace), contains: "found 'inf'")
        assertClean(try CLI.run(["run", "p", "--sweep", "rounds=3,1e400"], in: workspace), contains: "found '1e400'")
        let runs = try CLI.json(["runs", "list"], in: workspace) as? [[String: Any]] ?? []
        XCTAssertFalse(runs.contains { $0["status"] as? String == "QUEUED" }, "a run was left QUEUED: \(runs)")
    }

    // Item 6: a stored time far in the future.
    func testFarFutureAndFarPastTimesDoNotTrapRunsShowOrList() throws {
        let created = try CLI.run(["runs", "create", "--name", "future"], in: workspace)
        XCTAssertEqual(created.status, 0, created.stderr)
        let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try CLI.run(["runs", "log", id, "--metric", "loss=1e300"], in: workspace).status, 0)
        XCTAssertEqual(try CLI.run(["runs", "end", id], in: workspace).status, 0)
        let past = try CLI.run(["runs", "create", "--name", "past"], in: workspace).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try CLI.run(["runs", "end", past], in: workspace).status, 0)
        let database = try DatabaseQueue(path: workspace.appendingPathComponent(".mldeck/mldeck.sqlite").path)
        try database.write { db in
            try db.execute(sql: "UPDATE runs SET end_time = 1e300 WHERE uuid = ?", arguments: [id])
            try db.execute(sql: "UPDATE runs SET start_time = -1e300 WHERE uuid = ?", arguments: [past])
        }
        try database.close()
        for args in [["runs", "show", id], ["runs", "show", id, "--json"], ["runs", "show", past], ["runs", "list"], ["runs", "list", "--json"],
                     ["runs", "list", "--order-by", "duration DESC"], ["runs", "compare", id, past]] {
            let r = try CLI.run(args, in: workspace)
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr, "", "\(args)")
        }
        XCTAssertTrue(try CLI.run(["runs", "show", id], in: workspace).stdout.contains("future"))
    }

    // Items 7 and 8: filters through the CLI.
    func testFiltersThatBrokeSQLiteWorkOrFailCleanly() throws {
        for i in 0..<3 {
            let id = try CLI.run(["runs", "create", "--name", "r\(i)"], in: workspace).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertEqual(try CLI.run(["runs", "log", id, "--metric", "loss=0.\(i + 1)"], in: workspace).status, 0)
            XCTAssertEqual(try CLI.run(["runs", "end", id], in: workspace).status, 0)
        }
        func list(_ filter: String) throws -> CLI.Result { try CLI.run(["runs", "list", "--filter", filter, "--columns", "name"], in: workspace) }

        assertClean(try list("metrics.loss < 1e400"), status: 2, contains: "column 16")
        let nots = try list(String(repeating: "NOT ", count: 45) + "metrics.loss > 0.15")
        XCTAssertEqual(nots.status, 0, nots.stderr)
        XCTAssertTrue(nots.stdout.contains("r0") && !nots.stdout.contains("r1"), nots.stdout)
        for count in [75, 500] {
            let r = try list((0..<count).map { "metrics.loss = 0.\($0 + 1)" }.joined(separator: " OR "))
            XCTAssertEqual(r.status, 0, "\(count) ORs: \(r.stderr.prefix(500))")
            XCTAssertTrue(r.stdout.contains("r0") && r.stdout.contains("r2"), r.stdout)
        }
        assertClean(try list(String(repeating: "(", count: 30_000) + "metrics.loss > 1" + String(repeating: ")", count: 30_000)),
                    status: 2, contains: "filter nests deeper than 64 levels at column 65")
        assertClean(try list(String(repeating: "NOT ", count: 30_000) + "metrics.loss > 1"), status: 2, contains: "nests deeper than 64 levels")
    }

    // Item 7: the same filter language in `if:`.
    func testDeepIfConditionIsAValidationError() throws {
        let deep = String(repeating: "(", count: 30_000) + "metrics.auc > 1" + String(repeating: ")", count: 30_000)
        try (Self.yaml + "\n      gate: {run: echo hi, needs: [train], if: \"\(deep)\"}\n")
            .write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        assertClean(try CLI.run(["validate"], in: workspace), contains: "filter nests deeper than 64 levels")
    }

    // Item 7: "billion laughs".
    func testBillionLaughsIsRefusedByValidatePipelinesListAndRun() throws {
        var lines = [Self.yaml, "anchors:", "  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 { lines.append("  a\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", "))]") }
        try lines.joined(separator: "\n").write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        let file = workspace.appendingPathComponent("mldeck.yaml").path
        for args in [["validate"], ["pipelines", "list"], ["run", "p"]] {
            let start = Date()
            let r = try CLI.run(args, in: workspace)
            XCTAssertLessThan(Date().timeIntervalSince(start), 10, "\(args)")
            assertClean(r, contains: "\(file):")
            XCTAssertTrue(r.stderr.contains("expands to more than"), "\(args): \(r.stderr)")
        }
    }
}
