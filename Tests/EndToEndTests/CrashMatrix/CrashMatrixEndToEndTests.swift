import DeckStore
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The crash matrix: every durable operation is killed (SIGKILL, through `MLDECK_FAILPOINT`) before
/// and after each of its fsyncs, renames and commits; after each kill `fsck` is clean, the listings
/// answer, no run is left RUNNING, the store holds the operation whole or not at all, and the same
/// operation run again succeeds. Prints the operation × point × result table.
final class CrashMatrixEndToEndTests: XCTestCase {
    static let objectPoints = ["objects.before-rename", "objects.after-rename", "objects.before-fsync", "objects.after-fsync"]
    static let pipelineYAML = """
          crash:
            dataset: shop.csv
            params: {rounds: 5}
            steps:
              prepare:  {uses: split, with: {target: churned, exclude: [tier, spend], id: customer_id, positive: "yes"}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: "${params.rounds}", max_depth: 2, eta: 0.3}}
              register: {uses: register, needs: [train], with: {model: shop-churn}}
        """

    var workspace: URL!
    var cells: [CrashCell] = []

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func record(_ operation: String, _ point: String, ending: String, stderr: String, notes: [String], retry: String,
                file: StaticString = #filePath, line: UInt = #line) {
        let cell = CrashCell(operation: operation, point: point, process: ending, store: notes.joined(separator: ", "), retry: retry)
        cells.append(cell)
        XCTAssertEqual(ending, "killed", "\(operation) at \(point) was not killed there: \(stderr.suffix(400))", file: file, line: line)
        XCTAssertFalse(cell.store.contains("FAIL"), "\(operation) at \(point): \(cell.store)", file: file, line: line)
        XCTAssertEqual(retry, "ok", "\(operation) at \(point): the retry failed", file: file, line: line)
    }

    func testEveryDurableOperationSurvivesAKillAtEveryFailpoint() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try ServeFixture.workspace()
        let yamlURL = workspace.appendingPathComponent("mldeck.yaml")
        try (String(contentsOf: yamlURL, encoding: .utf8) + "\n" + Self.pipelineYAML + "\n").write(to: yamlURL, atomically: true, encoding: .utf8)

        try datasetAdd()
        try pipelineRun()
        try aliasMove()
        try predictionLogFlush()

        print("crash matrix (\(cells.count) kills):\n" + CrashCell.table(cells))
        XCTAssertEqual(cells.filter(\.passed).count, cells.count)
    }

    /// `datasets add`: a new file each time, so every attempt has objects to write.
    func datasetAdd() throws {
        for (i, point) in (Self.objectPoints + ["dataset-add.before-commit", "dataset-add.after-commit"]).enumerated() {
            let csv = workspace.appendingPathComponent("crash-\(i).csv")
            try ShopData.csv(rows: 300, seed: UInt64(100 + i)).write(to: csv, atomically: true, encoding: .utf8)
            let before = ((try? Failpoints.store(workspace).datasetVersions("crash")) ?? []).count
            let (ending, stderr) = try Failpoints.run(["datasets", "add", "crash", csv.path], point: point, in: workspace)
            var notes = try Failpoints.checkStore(workspace)
            let after = ((try? Failpoints.store(workspace).datasetVersions("crash")) ?? []).count
            let expected = point.hasSuffix("after-commit") ? before + 1 : before
            notes.append(after == expected ? "versions \(before)→\(after)" : "FAIL versions \(before)→\(after), expected \(expected)")
            let retry = try CLI.run(["datasets", "add", "crash", csv.path], in: workspace)
            let whole = ((try? Failpoints.store(workspace).datasetVersions("crash")) ?? []).count == before + 1
            record("dataset add", point, ending: ending, stderr: stderr, notes: notes, retry: retry.status == 0 && whole ? "ok" : "FAIL \(retry.stderr.prefix(200))")
        }
    }

    /// `mldeck run`: new parameters each time, so training, its cache entry and the register step all run.
    func pipelineRun() throws {
        let points = Self.objectPoints + ["step-cache.before-commit", "step-cache.after-commit",
                                          "model-register.before-commit", "model-register.after-commit"]
        for (i, point) in points.enumerated() {
            let args = ["run", "crash", "-p", "rounds=\(6 + i)", "--quiet"]
            let before = try Failpoints.store(workspace).modelVersions("shop-churn").count
            let (ending, stderr) = try Failpoints.run(args, point: point, in: workspace)
            var notes = try Failpoints.checkStore(workspace)
            let after = try Failpoints.store(workspace).modelVersions("shop-churn").count
            let expected = point == "model-register.after-commit" ? before + 1 : before
            notes.append(after == expected ? "model versions \(before)→\(after)" : "FAIL model versions \(before)→\(after), expected \(expected)")
            let retry = try CLI.run(args, in: workspace)
            record("pipeline run", point, ending: ending, stderr: stderr, notes: notes,
                   retry: retry.status == 0 ? "ok" : "FAIL \(retry.stderr.suffix(300))")
        }
    }

    /// `models promote … --alias staging`, between two versions.
    func aliasMove() throws {
        for (i, point) in ["alias-move.before-commit", "alias-move.after-commit"].enumerated() {
            let target = i + 1
            let reference = ModelReference(model: "shop-churn", selector: .alias("staging"))
            let before = try? Failpoints.store(workspace).modelVersion(reference).version
            let args = ["models", "promote", "shop-churn", "\(target)", "--alias", "staging"]
            let (ending, stderr) = try Failpoints.run(args, point: point, in: workspace)
            var notes = try Failpoints.checkStore(workspace)
            let after = try? Failpoints.store(workspace).modelVersion(reference).version
            let expected = point.hasSuffix("after-commit") ? target : before
            notes.append(after == expected ? "staging \(before.map(String.init) ?? "∅")→\(after.map(String.init) ?? "∅")"
                                           : "FAIL staging is \(String(describing: after)), expected \(String(describing: expected))")
            let retry = try CLI.run(args, in: workspace)
            let moved = (try? Failpoints.store(workspace).modelVersion(reference).version) == target
            record("alias move", point, ending: ending, stderr: stderr, notes: notes, retry: retry.status == 0 && moved ? "ok" : "FAIL \(retry.stderr.prefix(200))")
        }
    }

    /// `mldeck serve`: one prediction, then the log's flush (timed, or at the stop) is the kill.
    func predictionLogFlush() throws {
        let logPath = workspace.appendingPathComponent(".mldeck/predictions.sqlite").path
        func count() -> Int { (try? PredictionLog.open(path: logPath).counts().predictions) ?? 0 }
        let row: [String: Any] = ["dataframe_records": [ServeLifecycleEndToEndTests.row]]
        for point in ["prediction-log.before-commit", "prediction-log.after-commit"] {
            let before = count()
            let server = try ServeProcess(["shop-churn@production"], in: workspace, environment: ["MLDECK_FAILPOINT": point])
            let answer = try Curl.post(server.address + "/invocations", json: row)
            XCTAssertEqual(answer.status, 200, answer.body)
            if !CLI.waitFor(15, { !server.process.isRunning }) { kill(server.process.processIdentifier, SIGTERM) }
            _ = CLI.waitFor(30) { !server.process.isRunning }
            let ending = server.process.isRunning ? "still running" : Failpoints.ending(server.process)
            server.stop(SIGKILL)
            var notes = try Failpoints.checkStore(workspace)
            let after = count()
            let expected = point.hasSuffix("after-commit") ? before + 1 : before
            notes.append(after == expected ? "logged rows \(before)→\(after)" : "FAIL logged rows \(before)→\(after), expected \(expected)")
            let again = try ServeProcess(["shop-churn@production"], in: workspace)
            let retried = try Curl.post(again.address + "/invocations", json: row)
            let stopped = again.stop(SIGTERM)
            let ok = retried.status == 200 && stopped == 0 && count() == after + 1
            record("prediction-log flush", point, ending: ending, stderr: server.stderr, notes: notes,
                   retry: ok ? "ok" : "FAIL status \(retried.status), stop \(stopped), rows \(count())")
        }
    }
}
