import Foundation
import XCTest

/// The crash matrix's MLflow import row: `mldeck import mlflow` of the SQLite fixture
/// (fixtures/mlflow-import, made by the real MLflow 3.6.0) killed at every durable point it
/// reaches — each artifact's object write (rename, fsync), each batch of runs' commit, each model
/// version's registration and each alias move — then the store checked (`fsck`, listings, no run
/// left RUNNING) and the import run again: the whole history, each run and version once, as the
/// MLflow client read it (expected-sqlite.json), and a third import adds nothing.
final class CrashMatrixImportEndToEndTests: XCTestCase {
    static let points = [
        "objects.before-rename", "objects.after-rename", "objects.before-fsync", "objects.after-fsync",
        "mlflow-import.before-commit", "mlflow-import.after-commit",
        "model-register.before-commit", "model-register.after-commit",
        "alias-move.before-commit", "alias-move.after-commit",
    ]

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
    }

    func testAnImportKilledAtEachDurablePointResumesToTheWholeHistory() throws {
        let fixtures = RepositoryFiles.root.appendingPathComponent("fixtures/mlflow-import")
        let expected = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(contentsOf: fixtures.appendingPathComponent("expected-sqlite.json"))) as? [String: Any])
        let runCount = try XCTUnwrap(expected["runs"] as? [[String: Any]]).count
        var table: [String] = []
        for point in Self.points {
            // A fresh copy of the store each time: the import reads it, and it records absolute paths.
            let stores = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-crash-import-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: fixtures, to: stores)
            defer { try? FileManager.default.removeItem(at: stores) }
            let source = "sqlite:///" + stores.appendingPathComponent("sqlite/mlflow.db").path
            let workspace = try CLI.makeWorkspace()
            defer { try? FileManager.default.removeItem(at: workspace) }

            let killed = try CLI.run(["import", "mlflow", source, "--batch", "4"], in: workspace, environment: ["MLDECK_FAILPOINT": point])
            XCTAssertEqual(killed.status, 9, "\(point): the import did not reach it (exit \(killed.status)): \(killed.stderr.suffix(400))")
            XCTAssertTrue(killed.stderr.contains("failpoint \(point) reached"), "\(point): \(killed.stderr.suffix(400))")
            let notes = try Failpoints.checkStore(workspace, model: nil)
            for note in notes where note.hasPrefix("FAIL") { XCTFail("\(point): \(note)") }
            let before = try runIDs(workspace).count

            let rerun = try CLI.run(["import", "mlflow", source, "--json"], in: workspace)
            XCTAssertEqual(rerun.status, 0, "\(point): the import run again failed: \(rerun.stderr.suffix(400))")
            let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(rerun.stdout.utf8)) as? [String: Any], rerun.stdout)
            // The fixture's one version that cannot come along (a logged model made outside any run).
            let skipped = (summary["skipped"] as? [Any]) ?? []
            XCTAssertTrue(skipped.allSatisfy { "\($0)".contains("scratch") }, "\(point): skipped \(skipped)")
            let ids = try runIDs(workspace)
            XCTAssertEqual(ids.count, runCount, "\(point): runs after the rerun")
            XCTAssertEqual(Set(ids).count, ids.count, "\(point): a run imported twice")
            try MLflowImportCheck.compare(workspace: workspace, expected: expected)
            let fsck = try CLI.run(["fsck"], in: workspace)
            XCTAssertEqual(fsck.status, 0, "\(point): \(fsck.stdout.suffix(300)) \(fsck.stderr.suffix(300))")

            let again = try CLI.run(["import", "mlflow", source, "--json"], in: workspace)
            let third = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any], again.stdout + again.stderr)
            for key in ["runs_imported", "versions_imported", "aliases_set"] {
                XCTAssertEqual(third[key] as? Int, 0, "\(point): a third import still added \(key): \(third)")
            }
            table.append("| MLflow import | `\(point)` | killed | \(notes.joined(separator: ", ")), \(before) of \(runCount) runs | ok |")
        }
        print("crash matrix, MLflow import:\n" + table.joined(separator: "\n"))
    }

    private func runIDs(_ workspace: URL) throws -> [String] {
        let runs = try XCTUnwrap(try CLI.json(["runs", "list", "--all"], in: workspace) as? [[String: Any]])
        return runs.compactMap { $0["id"] as? String }
    }
}
