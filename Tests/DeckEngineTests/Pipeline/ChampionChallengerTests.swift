@testable import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest

/// Champion and challenger on the same test split: `deploy … if: metrics.auc > production.metrics.auc`
/// promotes the candidate only when it beats the production version on this run's own test rows,
/// even when the metrics each version was registered with (on its own data) say the opposite. The
/// run records both numbers (`production.auc` beside `auc`); the deploy step's log, the alias
/// move's reason and the skip reason name them.
final class ChampionChallengerTests: XCTestCase {
    /// `id,x1,x2,label`: x1, x2 uniform on [0, 10]; label `yes` when `x1 + sign·x2 + noise`
    /// exceeds the middle; noise uniform with the given width.
    static func csv(rows: Int, seed: UInt64, sign: Double, noise: Double) -> String {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var lines = ["id,x1,x2,label"]
        for i in 0..<rows {
            let x1 = next() * 10, x2 = next() * 10
            let score = x1 + sign * x2 + (next() - 0.5) * noise
            lines.append("\(i + 1),\(String(format: "%.3f", x1)),\(String(format: "%.3f", x2)),\(score > (sign > 0 ? 10 : 0) ? "yes" : "no")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    struct Scenario {
        var ws: PipelineTestWorkspace
        var outcome: PipelineOutcome
        var lines: [String]
        var registeredV1: Double
        var candidate: Double
        var production: Double
    }

    /// Trains v1 on `first` (it deploys: there is no production yet), then runs again on `second`
    /// with `params`, collecting the deploy step's log.
    func scenario(first: String, second: String, params: [String: String]) throws -> Scenario {
        let ws = try PipelineTestWorkspace(yaml: PipelineYAML.standard(rounds: 20))
        let data = ws.root.appendingPathComponent("data.csv")
        try first.write(to: data, atomically: true, encoding: .utf8)
        XCTAssertEqual(try ws.run("p").deployed, ["m@production → 1"])
        try second.write(to: data, atomically: true, encoding: .utf8)
        let lines = ObservedLines()
        let outcome = try ws.run("p", params: params) { event in
            if case .log(let step, let line) = event, step == "deploy" { lines.append(line) }
        }
        XCTAssertEqual(outcome.status, .finished, outcome.reason ?? "")
        let v1 = try ws.store.modelVersion(ModelReference(model: "m", selector: .version(1)))
        return Scenario(ws: ws, outcome: outcome, lines: lines.all, registeredV1: try XCTUnwrap(v1.metrics["auc"]),
                        candidate: try XCTUnwrap(outcome.metrics["auc"]), production: try XCTUnwrap(outcome.productionMetrics?["auc"]))
    }

    /// The run's metrics (last values) by key.
    func runMetrics(_ ws: PipelineTestWorkspace, _ runID: String) throws -> [String: Double] {
        Dictionary(try ws.store.runDetails(runID).metrics.map { ($0.key, $0.last) }, uniquingKeysWith: { a, _ in a })
    }

    /// v1 learned `x1 + x2` on clean data (registered AUC near 1); the data's concept moved to
    /// `x1 − x2`: the candidate's AUC is below v1's registered one, yet far above v1's on the new
    /// rows — so it deploys.
    func testCandidateBetterOnTheSameSplitDeploysThoughItsRegisteredMetricIsLower() throws {
        let s = try scenario(first: Self.csv(rows: 1000, seed: 1, sign: 1, noise: 2),
                             second: Self.csv(rows: 1000, seed: 2, sign: -1, noise: 10), params: [:])
        XCTAssertLessThan(s.candidate, s.registeredV1, "registration metrics alone would keep v1")
        XCTAssertGreaterThan(s.candidate, s.production + 0.2, "v1 is poor on the new concept")
        XCTAssertEqual(PipelineTestWorkspace.statuses(s.outcome)["deploy"], .finished)
        XCTAssertEqual(s.outcome.deployed, ["m@production → 2"])
        XCTAssertEqual(try s.ws.store.modelVersion(model: "m", alias: "production")?.version, 2)

        let metrics = try runMetrics(s.ws, s.outcome.runID)
        XCTAssertEqual(metrics["auc"], s.candidate)
        XCTAssertEqual(metrics["production.auc"], s.production, "the production version's score is on the run")
        let both = "candidate auc \(String(format: "%.4f", s.candidate)) vs production v1 auc \(String(format: "%.4f", s.production)) "
            + "on this run's test split (251 rows)"
        XCTAssertTrue(s.lines.contains(both), "\(s.lines)")
        let move = try XCTUnwrap(try s.ws.store.aliasHistory(model: "m", alias: "production").first { $0.toVersion == 2 })
        XCTAssertEqual(move.fromVersion, 1)
        XCTAssertTrue(move.reason?.contains(both) == true, move.reason ?? "")
    }

    /// v1 learned `x1 + x2` from very noisy labels (registered AUC low); the new data is clean and
    /// the candidate is a single stump: its AUC is above v1's registered one, yet below v1's on the
    /// new rows — so production stays, and the skip says why with both numbers.
    func testCandidateWorseOnTheSameSplitIsSkippedThoughItsRegisteredMetricIsHigher() throws {
        let s = try scenario(first: Self.csv(rows: 1000, seed: 3, sign: 1, noise: 24),
                             second: Self.csv(rows: 1000, seed: 4, sign: 1, noise: 0), params: ["rounds": "1", "max_depth": "1"])
        XCTAssertGreaterThan(s.candidate, s.registeredV1, "registration metrics alone would deploy the stump")
        XCTAssertLessThan(s.candidate, s.production, "v1 ranks the clean rows better than the stump")
        let deploy = try XCTUnwrap(s.outcome.steps.first { $0.name == "deploy" })
        XCTAssertEqual(deploy.status, .skipped)
        XCTAssertEqual(deploy.reason, "condition is false: metrics.auc > production.metrics.auc (metrics.auc = \(String(format: "%.6g", s.candidate)), "
                       + "production.metrics.auc = \(String(format: "%.6g", s.production)) (v1 on this run's split))")
        XCTAssertEqual(s.outcome.deployed, [])
        XCTAssertEqual(try s.ws.store.modelVersion(model: "m", alias: "production")?.version, 1)
        XCTAssertEqual(try s.ws.store.aliasHistory(model: "m", alias: "production").count, 1)
        XCTAssertEqual(try runMetrics(s.ws, s.outcome.runID)["production.auc"], s.production)

        // The same comparison made independently: v1 scored on the run's test rows.
        let v1 = try s.ws.store.modelVersion(ModelReference(model: "m", selector: .version(1)))
        let table = try DataTable.load(path: s.ws.root.appendingPathComponent("data.csv").path)
        let test = try SplitFile.read(s.ws.store.workspace.runDirectory(s.outcome.runID).appendingPathComponent("steps/prepare")).test
        XCTAssertEqual(test.count, 251)
        XCTAssertEqual(try LoadedModel.load(store: s.ws.store, version: v1).evaluate(table, rows: test).metrics["auc"], s.production)
    }
}

/// Log lines collected from a run's observer thread.
final class ObservedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
