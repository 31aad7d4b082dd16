import Foundation
import XCTest

/// Detached runs and the step states of `runs show`, through the real binary: a detached random
/// sweep runs its children with the sweep's options; a detached run whose process dies after it
/// was started (and after the launcher exited) is marked FAILED by the next reader instead of
/// staying QUEUED; `runs show` prints each step's status, duration and cache hit.
final class DetachedRunEndToEndTests: XCTestCase {
    var workspace: URL!

    static let yaml = """
        pipelines:
          churn:
            dataset: churn
            params: {max_depth: 3, eta: 0.1, rounds: 4}
            steps:
              prepare:  {uses: split, with: {target: churn, seed: 42}}
              train:    {uses: xgboost, needs: [prepare], with: {max_depth: "${params.max_depth}", eta: "${params.eta}", rounds: "${params.rounds}"}}
              evaluate: {uses: evaluate, needs: [train], with: {metrics: [auc]}}
          quick:
            params: {x: a}
            steps:
              first:  {run: "sh -c 'echo first'"}
              second: {run: "sleep 0.3", needs: [first]}
              never:  {run: "true", needs: [second], if: "params.x = 'b'"}
        """

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
        try Self.yaml.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func show(_ run: String) throws -> [String: Any] {
        try CLI.json(["runs", "show", run], in: workspace) as? [String: Any] ?? [:]
    }

    func testADetachedRandomSweepRunsItsChildrenInTheBackground() throws {
        let added = try CLI.run(["datasets", "add", "churn", CLI.sharedData.appendingPathComponent("wa_churn.csv").path], in: workspace)
        XCTAssertEqual(added.status, 0, added.stderr)
        let r = try CLI.run(["run", "churn", "--detach", "--trials", "2", "--seed", "7", "--param-range", "max_depth=2:4:int",
                             "--sweep-parallel", "2", "--register", "none"], in: workspace)
        XCTAssertEqual(r.status, 0, r.stderr)
        let parentID = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let done = try CLI.waitFor(180) { ["FINISHED", "FAILED", "KILLED"].contains(try show(parentID)["status"] as? String ?? "") }
        XCTAssertTrue(done, "the detached sweep did not end")
        let parent = try show(parentID)
        XCTAssertEqual(parent["status"] as? String, "FINISHED", "\(parent["status_reason"] ?? "")")
        XCTAssertTrue((parent["command"] as? String ?? "").contains("--trials 2"), "\(parent["command"] ?? "")")
        let children = try CLI.json(["runs", "list", "--filter", "parent = '\(parentID)'", "--limit", "0"], in: workspace) as? [[String: Any]] ?? []
        XCTAssertEqual(children.count, 2)
        XCTAssertTrue(children.allSatisfy { $0["status"] as? String == "FINISHED" }, "\(children.map { $0["status"] ?? "" })")
        let depths = children.compactMap { ($0["params"] as? [String: String])?["max_depth"] }.compactMap(Int.init)
        XCTAssertEqual(depths.count, 2)
        XCTAssertTrue(depths.allSatisfy { (2...4).contains($0) }, "\(depths)")
    }

    /// The run's process is recorded as its owner when it starts; it dies (kill -9) after the
    /// launcher exited and before taking the run over. The next reader marks the run FAILED.
    func testADetachedRunWhoseProcessDiesAfterTheLauncherExitedIsFailed() throws {
        let script = workspace.appendingPathComponent("dies.sh")
        try "#!/bin/sh\necho starting\nsleep 5\nkill -KILL $$\n".write(to: script, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(script.path, 0o755), 0)
        let started = Date()
        let r = try CLI.run(["run", "quick", "--detach"], in: workspace, environment: ["MLDECK_EXECUTABLE": script.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "the launcher exited while the run's process still lived")
        let id = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let failed = try CLI.waitFor(20) { try show(id)["status"] as? String == "FAILED" }
        let run = try show(id)
        XCTAssertTrue(failed, "still \(run["status"] ?? "?")")
        let reason = run["status_reason"] as? String ?? ""
        XCTAssertTrue(reason.contains("ended before the run started") && reason.contains("console"), reason)
    }

    func testRunsShowPrintsTheStepStates() throws {
        let first = try CLI.run(["run", "quick", "--json"], in: workspace)
        XCTAssertEqual(first.status, 0, first.stderr)
        let second = try CLI.run(["run", "quick", "--json"], in: workspace)
        XCTAssertEqual(second.status, 0, second.stderr)
        let id = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])?["run_id"] as? String,
                               second.stdout)

        let steps = try XCTUnwrap(try show(id)["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.map { $0["name"] as? String ?? "" }, ["first", "second", "never"])
        XCTAssertEqual(steps.map { $0["status"] as? String ?? "" }, ["CACHED", "CACHED", "SKIPPED"])
        XCTAssertEqual(steps.map { $0["cache_hit"] as? Bool ?? false }, [true, true, false])
        XCTAssertTrue(steps.prefix(2).allSatisfy { ($0["duration_s"] as? Double).map { $0 >= 0 } ?? false }, "\(steps)")

        let firstID = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])?["run_id"] as? String)
        let text = try CLI.run(["runs", "show", firstID], in: workspace)
        XCTAssertEqual(text.status, 0, text.stderr)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(lines.first { $0.contains("STEP") && $0.contains("STATUS") }, text.stdout)
        XCTAssertTrue(header.contains("DURATION") && header.contains("CACHED"), header)
        let secondLine = try XCTUnwrap(lines.first { $0.hasPrefix("  second ") }, text.stdout)
        let cells = secondLine.split(separator: " ").map(String.init)
        XCTAssertTrue(cells.contains("FINISHED") && cells.contains("no"), secondLine)
        XCTAssertTrue(lines.contains { $0.hasPrefix("  never ") && $0.contains("SKIPPED") && $0.contains("condition is false") }, text.stdout)
    }
}
