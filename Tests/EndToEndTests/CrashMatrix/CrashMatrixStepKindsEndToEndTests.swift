import DeckStore
import Foundation
import XCTest

/// The crash matrix's pipeline row, step kind by step kind: a pipeline with every kind of step
/// that writes — `split`, `xgboost`, `evaluate`, `register`, `deploy` and a command step with an
/// output — run with `--force --parallel 1` (every step runs and writes its cache entry, in one
/// order) and killed at the N-th hit of a point (`MLDECK_FAILPOINT=point#N`) for N = 1, 2, … until
/// a run no longer reaches it. After each kill: `fsck` clean, listings answer, no run left RUNNING,
/// the model registered at most once per completed `register`, and the same command then succeeds.
/// `make soak` (MLDECK_SOAK=1) adds every object write (rename and fsync) of every step.
final class CrashMatrixStepKindsEndToEndTests: XCTestCase {
    static let pipelineYAML = """
          kinds:
            dataset: shop.csv
            params: {rounds: 4}
            steps:
              prepare:  {uses: split, with: {target: churned, exclude: [tier, spend], id: customer_id, positive: "yes"}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: "${params.rounds}", max_depth: 2, eta: 0.3}}
              evaluate: {uses: evaluate, needs: [train], with: {metrics: [auc]}}
              register: {uses: register, needs: [evaluate], with: {model: kinds-model}}
              deploy:   {uses: deploy, needs: [register]}
              note:     {run: "sh -c 'echo ok > \\"$MLDECK_OUTPUT_DIR/note.txt\\"'", needs: [prepare]}
        """

    var workspace: URL!

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func testEveryStepKindSurvivesAKillAtItsCacheCommitAndItsRegistryWrites() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try ServeFixture.workspace()
        let yamlURL = workspace.appendingPathComponent("mldeck.yaml")
        try (String(contentsOf: yamlURL, encoding: .utf8) + "\n" + Self.pipelineYAML + "\n").write(to: yamlURL, atomically: true, encoding: .utf8)
        let args = ["run", "kinds", "--force", "--parallel", "1", "--quiet"]
        let first = try CLI.run(args, in: workspace)
        XCTAssertEqual(first.status, 0, "the pipeline must run before it is killed: \(first.stderr.suffix(600))")

        var points = ["step-cache.before-commit", "step-cache.after-commit", "model-register.before-commit",
                      "model-register.after-commit", "alias-move.before-commit", "alias-move.after-commit"]
        if ProcessInfo.processInfo.environment["MLDECK_SOAK"] == "1" { points += CrashMatrixEndToEndTests.objectPoints }
        var cells: [CrashCell] = []
        for point in points {
            var reached = 0
            for n in 1...40 {
                let armed = "\(point)#\(n)"
                let before = try versions()
                let (ending, stderr) = try Failpoints.run(args, point: armed, in: workspace)
                if ending == "exit 0" { break }   // a whole run reaches this point n − 1 times
                reached = n
                var notes = try Failpoints.checkStore(workspace, model: "kinds-model")
                let after = try versions()
                // A killed run registers its version whole or not at all (at most one new version).
                let ok = after == before || after == before + 1
                notes.append(ok ? "versions \(before)→\(after)" : "FAIL versions \(before)→\(after), expected at most one new")
                let retry = try CLI.run(args, in: workspace)
                let cell = CrashCell(operation: "pipeline run (every step kind)", point: armed, process: ending,
                                     store: notes.joined(separator: ", "),
                                     retry: retry.status == 0 ? "ok" : "FAIL \(retry.stderr.suffix(300))")
                XCTAssertEqual(ending, "killed", "\(armed): \(stderr.suffix(400))")
                XCTAssertTrue(cell.passed, "\(armed): \(cell.store); retry \(cell.retry)")
                cells.append(cell)
            }
            XCTAssertGreaterThan(reached, 0, "no run reached \(point)")
            if point == "step-cache.after-commit" {
                // split, xgboost, evaluate and the command step write a cache entry each.
                XCTAssertGreaterThanOrEqual(reached, 4, "\(point) reached only \(reached) times in a run")
            }
        }
        print("crash matrix, every step kind (\(cells.count) kills):\n" + CrashCell.table(cells))
    }

    private func versions() throws -> Int {
        (try? Failpoints.store(workspace).modelVersions("kinds-model").count) ?? 0
    }
}
