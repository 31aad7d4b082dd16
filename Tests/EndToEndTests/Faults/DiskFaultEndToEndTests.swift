import DeckStore
import Foundation
import XCTest

/// Every write path of the real binary on a disk that is full (ENOSPC) or failing (EIO), through
/// the preloaded shim of scripts/faults/faultshim.c on the workspace's `.mldeck/` folder: the
/// command says so plainly and exits non-zero, the store is left whole (`fsck` clean, listings
/// answer, nothing of the operation recorded), and the same command succeeds once the shim is gone.
final class DiskFaultEndToEndTests: XCTestCase {
    /// One trained workspace for the whole class (a pipeline run takes a while on a loaded machine).
    nonisolated(unsafe) static var shared: URL?
    var workspace: URL { Self.shared! }

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        if Self.shared == nil {
            let workspace = try ServeFixture.workspace()
            let yaml = workspace.appendingPathComponent("mldeck.yaml")
            try (String(contentsOf: yaml, encoding: .utf8) + "\n" + CrashMatrixEndToEndTests.pipelineYAML + "\n")
                .write(to: yaml, atomically: true, encoding: .utf8)
            Self.shared = workspace
        }
    }

    override class func tearDown() {
        if let shared { try? FileManager.default.removeItem(at: shared) }
        shared = nil
    }

    var store: URL { workspace.appendingPathComponent(".mldeck") }

    /// Runs `arguments` with the shim armed on `pattern`, checks the message, the exit status and
    /// the store, then runs them again without the shim: returns (faulted, retried).
    @discardableResult
    func faulted(_ arguments: [String], _ kind: FaultShim.Kind, pattern: String? = nil, afterBytes: Int = 0,
                 unchanged: () throws -> Int, grows: Bool = true, openRuns: Bool = false, syncOnly: Bool = false,
                 file: StaticString = #filePath, line: UInt = #line) throws -> (CLI.Result, CLI.Result) {
        let log = workspace.appendingPathComponent("fault-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let before = try unchanged()
        let env = try FaultShim.environment(kind, pattern: pattern ?? store.path + "/", afterBytes: afterBytes, log: log, syncOnly: syncOnly)
        let result = try CLI.run(arguments, in: workspace, environment: env)
        let injected = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let what = "\(arguments.joined(separator: " ")) with \(kind.rawValue) after \(afterBytes) B"
        XCTAssertFalse(injected.isEmpty, "\(what): the shim failed no write (is it preloaded?)", file: file, line: line)
        XCTAssertNotEqual(result.status, 0, "\(what) exited 0:\n\(result.stdout.suffix(500))", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(FaultShim.words(kind)), "\(what) did not say '\(FaultShim.words(kind))':\n\(result.stderr.suffix(800))", file: file, line: line)
        for leak in ["Error Domain", "SQLITE", "SQLite error", "INSERT", "UPDATE ", "Fatal error"] {
            XCTAssertFalse(result.stderr.contains(leak), "\(what): internal text '\(leak)' shown:\n\(result.stderr.suffix(800))", file: file, line: line)
        }
        for note in try Failpoints.checkStore(workspace) where note.hasPrefix("FAIL") && !(openRuns && note.hasSuffix("left RUNNING")) {
            XCTFail("\(what): \(note)", file: file, line: line)
        }
        XCTAssertEqual(try unchanged(), before, "\(what): part of the operation was recorded", file: file, line: line)
        let retried = try CLI.run(arguments, in: workspace)
        XCTAssertEqual(retried.status, 0, "\(arguments.joined(separator: " ")) failed once the disk was fine again: \(retried.stderr.suffix(500))", file: file, line: line)
        if grows { XCTAssertGreaterThan(try unchanged(), before, "\(what): the retry recorded nothing", file: file, line: line) }
        return (result, retried)
    }

    func datasetVersions() throws -> Int { ((try? Failpoints.store(workspace).datasetVersions("full")) ?? []).count }
    func modelVersions() throws -> Int { try Failpoints.store(workspace).modelVersions("shop-churn").count }
    func runCount() throws -> Int { ((try CLI.json(["runs", "list", "--all"], in: workspace) as? [[String: Any]]) ?? []).count }

    func testDatasetAddOnAFullOrFailingDisk() throws {
        for (i, (kind, after)) in [(FaultShim.Kind.full, 0), (.full, 6_000), (.io, 0), (.io, 20_000)].enumerated() {
            let csv = workspace.appendingPathComponent("full-\(i).csv")
            try ShopData.csv(rows: 400, seed: UInt64(300 + i)).write(to: csv, atomically: true, encoding: .utf8)
            try faulted(["datasets", "add", "full", csv.path], kind, afterBytes: after, unchanged: datasetVersions)
        }
    }

    /// Every write succeeds but the sync that makes the new chunks durable fails (the kernel
    /// lost them at writeback, and only `fsync` says so): nothing is recorded. A few chunks or
    /// many, one pack each, made durable by the pack's `fdatasync`: both sizes are checked.
    func testDatasetAddWhoseObjectsCannotBeSyncedRecordsNothing() throws {
        for (i, rows) in [400, 120_000].enumerated() {
            let csv = workspace.appendingPathComponent("unsynced-\(i).csv")
            try ShopData.csv(rows: rows, seed: UInt64(400 + i)).write(to: csv, atomically: true, encoding: .utf8)
            let (failed, _) = try faulted(["datasets", "add", "full", csv.path], .io, pattern: store.path + "/objects",
                                          unchanged: datasetVersions, syncOnly: true)
            XCTAssertTrue(failed.stderr.contains("fsync failed"), "\(rows) rows: expected a failed fsync:\n\(failed.stderr.suffix(500))")
        }
    }

    /// A pipeline with an xgboost step and a register step: the model version is registered whole
    /// or not at all, and the run does not stay RUNNING.
    func testPipelineRunAndModelRegisterOnAFullDisk() throws {
        for (i, (kind, after)) in [(FaultShim.Kind.full, 0), (.full, 40_000), (.io, 0)].enumerated() {
            try faulted(["run", "crash", "-p", "rounds=\(20 + i)", "--quiet"], kind, afterBytes: after, unchanged: modelVersions)
        }
        // The database alone full (objects written, their record refused).
        try faulted(["run", "crash", "-p", "rounds=30", "--quiet"], .full, pattern: store.path + "/mldeck.sqlite", unchanged: modelVersions)
    }

    /// `runs log` and `track` on a full disk: nothing half-logged.
    func testRunsLogAndTrackOnAFullDisk() throws {
        let created = try CLI.run(["runs", "create", "--name", "scripted", "--owner-pid", "0"], in: workspace)
        XCTAssertEqual(created.status, 0, created.stderr)
        let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        var attempt = 0
        func metricCount() throws -> Int {
            let run = try CLI.json(["runs", "show", id], in: workspace) as? [String: Any] ?? [:]
            return ((run["series"] as? [String: Any]) ?? [:]).count + ((run["params"] as? [String: Any]) ?? [:]).count
        }
        for kind in [FaultShim.Kind.full, .io] {
            attempt += 1
            try faulted(["runs", "log", id, "--metric", "loss\(attempt)=0.5", "--param", "p\(attempt)=x"], kind, unchanged: metricCount, openRuns: true)
        }
        let ended = try CLI.run(["runs", "end", id], in: workspace)
        XCTAssertEqual(ended.status, 0, ended.stderr)
        let metrics = workspace.appendingPathComponent("track.sh")
        try "echo '{\"key\":\"acc\",\"value\":0.9}' >> \"$MLDECK_METRICS_FILE\"\n".write(to: metrics, atomically: true, encoding: .utf8)
        for kind in [FaultShim.Kind.full, .io] {
            try faulted(["track", "--quiet", "--name", "tracked-\(kind.rawValue)", "--", "/bin/sh", metrics.path], kind, unchanged: runCount)
        }
    }

    /// `drifted.csv` in `workspace`: shop rows with age and income moved far from the training data.
    static func driftedBatch(in workspace: URL) throws -> URL {
        let (header, rows) = ServeFixture.rows(ShopData.csv(rows: 300, seed: 77))
        let age = try XCTUnwrap(header.firstIndex(of: "age")), income = try XCTUnwrap(header.firstIndex(of: "income"))
        let shifted = rows.map { row -> String in
            var cells = row
            if let a = cells[age].flatMap(Int.init) { cells[age] = String(a + 40) }
            if let m = cells[income].flatMap(Double.init) { cells[income] = String(format: "%.2f", m * 3) }
            return cells.map { cell in cell.map { $0.contains(",") ? "\"\($0)\"" : $0 } ?? "" }.joined(separator: ",")
        }
        let batch = workspace.appendingPathComponent("drifted.csv")
        try ([header.joined(separator: ",")] + shifted).joined(separator: "\n").appending("\n").write(to: batch, atomically: true, encoding: .utf8)
        return batch
    }

    /// `mldeck monitor --batch` on a drifted batch raises an alert: on a full disk none is half-made.
    func testAlertCreationOnAFullDisk() throws {
        let batch = try Self.driftedBatch(in: workspace)
        func alerts() throws -> Int { ((try CLI.json(["alerts", "list"], in: workspace) as? [[String: Any]]) ?? []).count }
        try faulted(["monitor", "shop-churn", "--batch", batch.path], .full, unchanged: alerts)
        try faulted(["monitor", "shop-churn", "--batch", batch.path], .io, unchanged: alerts, grows: false)
    }

    /// `mldeck serve` whose prediction log cannot be written: requests are still answered, the
    /// server warns, and its stop exits non-zero naming the lost predictions; the log holds none of
    /// them half-written, and a server on a healthy disk logs again.
    func testPredictionLogFlushUnderServeOnAFullDisk() throws {
        let logPath = store.appendingPathComponent("predictions.sqlite").path
        func logged() -> Int { (try? PredictionLog.open(path: logPath).counts().predictions) ?? 0 }
        let row: [String: Any] = ["dataframe_records": [ServeLifecycleEndToEndTests.row]]
        func serveOnce(_ environment: [String: String]) throws -> (ServeProcess, HTTPAnswer, Int32) {
            let server = try ServeProcess(["shop-churn@production"], in: workspace, environment: environment)
            let answer = try Curl.post(server.address + "/invocations", json: row)
            return (server, answer, server.stop(SIGTERM))
        }
        let (_, first, firstStop) = try serveOnce([:])   // the log exists before the disk fills
        XCTAssertEqual(first.status, 200, first.body)
        XCTAssertEqual(firstStop, 0)
        for kind in [FaultShim.Kind.full, .io] {
            let before = logged()
            let env = try FaultShim.environment(kind, pattern: "predictions.sqlite-wal")
            let (server, answer, status) = try serveOnce(env)
            XCTAssertEqual(answer.status, 200, "logging never fails a request: \(answer.body)")
            XCTAssertNotEqual(status, 0, "a stop after lost predictions exits non-zero: \(server.stderr)")
            XCTAssertTrue(server.stderr.contains(FaultShim.words(kind)), "\(kind): \(server.stderr.suffix(800))")
            XCTAssertTrue(server.stderr.contains("1 prediction was not logged"), server.stderr.suffix(800).description)
            XCTAssertFalse(server.stderr.contains("SQLITE") || server.stderr.contains("INSERT"), server.stderr)
            for note in try Failpoints.checkStore(workspace) where note.hasPrefix("FAIL") { XCTFail("\(kind): \(note)") }
            XCTAssertEqual(logged(), before, "nothing of the failed flush is in the log")
            let (_, again, againStop) = try serveOnce([:])
            XCTAssertEqual(again.status, 200, again.body)
            XCTAssertEqual(againStop, 0)
            XCTAssertEqual(logged(), before + 1, "a healthy disk logs again")
        }
    }
}
