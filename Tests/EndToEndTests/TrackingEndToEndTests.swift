import Foundation
import XCTest

/// `mldeck track`, `mldeck runs …` driven as a user would, through the real binary.
final class TrackingEndToEndTests: XCTestCase {
    var workspace: URL!
    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
    }
    override func tearDown() { try? FileManager.default.removeItem(at: workspace) }

    func runs(_ extra: [String] = []) throws -> [[String: Any]] {
        try CLI.json(["runs", "list"] + extra, in: workspace) as! [[String: Any]]
    }

    func testTrackRecordsTheCommandsMetricsParamsTagsArtifactsAndLog() throws {
        let script = """
        echo "training started"
        for i in 1 2 3; do printf '{"key":"loss","value":0.%s,"step":%s}\\n' $((9 - i)) $i >> "$MLDECK_METRICS_FILE"; done
        echo '{"params":{"lr":0.1}}' >> "$MLDECK_METRICS_FILE"
        echo 'not json' >> "$MLDECK_METRICS_FILE"
        echo '{"tags":{"stage":"dev"}}' >> "$MLDECK_METRICS_FILE"
        echo model > "$MLDECK_OUTPUT_DIR/model.txt"
        echo '{"artifact":"model.txt"}' >> "$MLDECK_METRICS_FILE"
        test -n "$MLDECK_RUN_ID" && test "$MLDECK_PARAM_MAX_DEPTH" = 6 && test "$PYTHONUNBUFFERED" = 1
        """
        let result = try CLI.run(["track", "--name", "t1", "--experiment", "exp", "-p", "max-depth=6", "--", "sh", "-c", script], in: workspace)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("training started"), "the command's output reaches the terminal")
        XCTAssertTrue(result.stderr.contains("metrics file line 5, column 1"), result.stderr)

        let shown = try CLI.json(["runs", "show", "t1"], in: workspace) as! [String: Any]
        XCTAssertEqual(shown["status"] as? String, "FINISHED")
        XCTAssertEqual(shown["experiment"] as? String, "exp")
        XCTAssertEqual(shown["params"] as? [String: String], ["max-depth": "6", "lr": "0.1"])
        XCTAssertEqual(shown["tags"] as? [String: String], ["stage": "dev", "mldeck.skipped_metric_lines": "1"])
        let series = (shown["series"] as? [String: [[String: Any]]])?["loss"]
        XCTAssertEqual(series?.map { $0["value"] as? Double }, [0.8, 0.7, 0.6])
        XCTAssertEqual((shown["artifacts"] as? [[String: Any]])?.first?["path"] as? String, "model.txt")
        XCTAssertEqual(shown["log_tail"] as? [String], ["training started", "mldeck: metrics file line 5, column 1: unexpected text (line skipped)"])

        let out = workspace.appendingPathComponent("out")
        XCTAssertEqual(try CLI.run(["runs", "artifacts", "t1", "--out", out.path], in: workspace).status, 0)
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("model.txt"), encoding: .utf8), "model\n")
    }

    func testABadMetricsLineIsSkippedWithItsPlaceAndEveryOtherLineIsKept() throws {
        let long = String(repeating: "k", count: 300)
        let script = """
        cat >> "$MLDECK_METRICS_FILE" <<'LINES'
        {"key":"loss","value":0.9,"step":1}
        {"params":{"pp":"1"}}
        {"key":"\(long)","value":1}
        {"params":{"pp":"2"}}
        {"tags":{"stage":"dev"}}
        {"key":"loss","value":0.8,"step":2
        {"key":"loss","value":0.7,"step":3}
        LINES
        """
        let result = try CLI.run(["track", "--name", "bad-lines", "--", "sh", "-c", script], in: workspace)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("metrics file line 3, column 9: metric key"), result.stderr)
        XCTAssertTrue(result.stderr.contains("metrics file line 4, column 13: param \"pp\" was set to \"1\" by line 2"), result.stderr)
        XCTAssertTrue(result.stderr.contains("metrics file line 6, column"), result.stderr)
        XCTAssertTrue(result.stderr.contains("FINISHED (3 metrics-file lines skipped"), result.stderr)

        let shown = try CLI.json(["runs", "show", "bad-lines"], in: workspace) as! [String: Any]
        XCTAssertEqual(shown["status"] as? String, "FINISHED")
        XCTAssertEqual(shown["params"] as? [String: String], ["pp": "1"], "params are immutable within a batch")
        XCTAssertEqual(shown["tags"] as? [String: String], ["stage": "dev", "mldeck.skipped_metric_lines": "3"])
        let series = (shown["series"] as? [String: [[String: Any]]])?["loss"]
        XCTAssertEqual(series?.map { $0["value"] as? Double }, [0.9, 0.7], "the good lines around the bad ones are all kept")
        let log = (shown["log_tail"] as? [String]) ?? []
        XCTAssertEqual(log.filter { $0.contains("metrics file line") }.count, 3, "\(log)")
    }

    func testTrackExitsWithTheCommandsStatusAndRecordsFailure() throws {
        let result = try CLI.run(["track", "--name", "bad", "--", "sh", "-c", "exit 3"], in: workspace)
        XCTAssertEqual(result.status, 3)
        let run = try XCTUnwrap(try runs().first)
        XCTAssertEqual(run["status"] as? String, "FAILED")
        XCTAssertEqual(run["status_reason"] as? String, "exit code 3")
        XCTAssertEqual(try CLI.run(["track", "--", "no-such-command-xyz"], in: workspace).status, 127)
        XCTAssertEqual(try CLI.run(["track"], in: workspace).status, 2, "usage errors exit 2")
    }

    func testCtrlCStopsTheProcessGroupAndMarksTheRunKilled() throws {
        let pidFile = workspace.appendingPathComponent("child.pid")
        let process = CLI.start(["track", "--name", "long", "--", "sh", "-c", "echo $$ > '\(pidFile.path)'; sleep 60 & wait"], in: workspace)
        try process.run()
        XCTAssertTrue(CLI.waitFor { (try? String(contentsOf: pidFile, encoding: .utf8)) != nil })
        let child = Int32((try String(contentsOf: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines))!
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(try runs().first?["status"] as? String, "KILLED")
        XCTAssertTrue(CLI.waitFor(5) { kill(-child, 0) != 0 }, "the whole process group is gone")
    }

    func testAKilledTrackerLeavesARunThatTheNextOpenMarksFailed() throws {
        let process = CLI.start(["track", "--name", "crash", "--", "sleep", "30"], in: workspace)
        try process.run()
        XCTAssertTrue(try CLI.waitFor { try runs().first?["status"] as? String == "RUNNING" })
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let run = try XCTUnwrap(try runs().first)
        XCTAssertEqual(run["status"] as? String, "FAILED")
        XCTAssertTrue((run["status_reason"] as? String)?.contains("is gone") == true, "\(run)")
        _ = try CLI.run(["runs", "list"], in: workspace)
        // the orphaned sleep is still in its own group: clean it up
        let pgrep = Process(); pgrep.executableURL = URL(fileURLWithPath: "/usr/bin/pkill"); pgrep.arguments = ["-f", "sleep 30"]
        try? pgrep.run(); pgrep.waitUntilExit()
    }

    func testRunsCancelStopsARunFromAnotherProcess() throws {
        let process = CLI.start(["track", "--name", "victim", "--", "sleep", "30"], in: workspace)
        try process.run()
        XCTAssertTrue(try CLI.waitFor { try runs().first?["status"] as? String == "RUNNING" })
        let result = try CLI.run(["runs", "cancel", "victim"], in: workspace)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("KILLED"), result.stdout)
        process.waitUntilExit()
        XCTAssertEqual(try CLI.run(["runs", "cancel", "victim"], in: workspace).status, 1, "an ended run cannot be cancelled")
    }

    func testTwoProcessesWritingConcurrentlyLoseNothing() throws {
        let lines = 20_000
        let writer = "i=0; while [ $i -lt \(lines) ]; do echo \"{\\\"key\\\":\\\"m\\\",\\\"value\\\":$i,\\\"step\\\":$i}\"; i=$((i+1)); done >> \"$MLDECK_METRICS_FILE\""
        let trackers = (0..<2).map { CLI.start(["track", "--quiet", "--name", "w\($0)", "--", "sh", "-c", writer], in: workspace) }
        let creators = (0..<2).map { n in CLI.start(["runs", "create", "--name", "c\(n)"], in: workspace) }
        for p in trackers + creators { try p.run() }
        // Meanwhile a third kind of writer: many small `runs log` calls.
        let target = try CLI.run(["runs", "create", "--name", "logger"], in: workspace).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for i in 0..<20 { XCTAssertEqual(try CLI.run(["runs", "log", target, "--metric", "x=\(i)@\(i)"], in: workspace).status, 0) }
        for p in trackers + creators { p.waitUntilExit(); XCTAssertEqual(p.terminationStatus, 0) }
        for name in ["w0", "w1"] {
            let shown = try CLI.json(["runs", "show", name], in: workspace) as! [String: Any]
            let m = (shown["metrics"] as? [[String: Any]])?.first
            XCTAssertEqual(m?["count"] as? Int, lines, name)
            XCTAssertEqual(m?["last"] as? Double, Double(lines - 1), name)
        }
        let logger = try CLI.json(["runs", "show", "logger"], in: workspace) as! [String: Any]
        XCTAssertEqual((logger["metrics"] as? [[String: Any]])?.first?["count"] as? Int, 20)
        XCTAssertEqual(try runs().count, 5)
    }

    func testFilterErrorsAndCompareFromTheCommandLine() throws {
        for (name, auc) in [("low", "0.7"), ("high", "0.9")] {
            XCTAssertEqual(try CLI.run(["track", "--name", name, "-p", "depth=\(name == "low" ? 4 : 6)", "--", "sh", "-c",
                                        "echo '{\"key\":\"auc\",\"value\":\(auc)}' >> \"$MLDECK_METRICS_FILE\""], in: workspace).status, 0)
        }
        let bad = try CLI.run(["runs", "list", "--filter", "metrics.auc >> 1"], in: workspace)
        XCTAssertEqual(bad.status, 2, "a filter syntax error is a usage error")
        XCTAssertTrue(bad.stderr.contains("column 14"), bad.stderr)
        XCTAssertEqual(try runs(["--filter", "metrics.auc > 0.8 or params.depth = '9'"]).map { $0["name"] as? String }, ["high"])
        XCTAssertEqual(try runs(["--order-by", "metrics.auc", "ASC"]).map { $0["name"] as? String }, ["low", "high"])
        let compared = try CLI.json(["runs", "compare", "low", "high"], in: workspace) as! [String: Any]
        XCTAssertEqual(compared["differing_params"] as? [String], ["depth"])
        let metric = (compared["metrics"] as? [[String: Any]])?.first
        XCTAssertEqual(metric?["best"] as? [Int], [1])
        let text = try CLI.run(["runs", "compare", "low", "high"], in: workspace).stdout
        XCTAssertTrue(text.contains("0.9 *"), text)
    }

    func testNoWorkspaceSaysSoClearly() throws {
        let result = try CLI.run(["runs", "list"], in: URL(fileURLWithPath: "/"), environment: ["MLDECK_WORKSPACE": ""])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("no MLDeck workspace found"), result.stderr)
    }
}
