import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest
@testable import DeckServe

/// The shadow scores a round's jobs that sent the same columns as one table: the answers are
/// those of scoring each job alone, and a job the shadow cannot read costs only its own rows.
final class ShadowGroupScoringTests: XCTestCase {
    /// A small binary model on ScoringRequestTests' spec (age, joined, plan one-hot; id cid).
    static func servedModel() throws -> ServedModel {
        let spec = ScoringRequestTests.spec
        var cells: [Float] = [], labels: [Float] = []
        for i in 0..<200 {
            let age = Float(18 + i % 60), pro: Float = i % 3 == 0 ? 1 : 0
            cells += [age, Float(1_600_000_000 + i * 86_400), 1 - pro, pro]
            labels.append(age > 40 && pro == 1 ? 1 : (i % 7 == 0 ? 1 : 0))
        }
        let features = try FeatureMatrix(rows: 200, columns: 4, values: cells, featureNames: spec.featureNames)
        let result = try XGBoostTrainer.train(parameters: XGBoostParameters(objective: .binaryLogistic, rounds: 10, threads: 1,
                                                                             extra: ["max_depth": "3"]),
                                              train: LabeledMatrix(features: features, labels: labels))
        let object = try XCTUnwrap(ObjectID(hex: String(repeating: "ab", count: 32)))
        let version = ModelVersionRecord(model: "m", version: 2, createdAt: 0, runID: nil, task: "binary", framework: "xgboost",
                                         modelObject: object, preprocessingObject: object, referenceObject: nil, signature: [],
                                         metrics: [:], params: [:], datasetName: nil, datasetVersionNumber: nil, datasetHash: nil,
                                         codeHash: nil, description: nil, aliases: [])
        return ServedModel(model: LoadedModel(version: version, spec: spec, booster: result.booster), alias: "staging", strictColumns: false)
    }

    /// A budget that never runs out: these tests count rows exactly, whatever the machine's load
    /// (``ShadowWorkBudgetTests`` tests the budget).
    static let unlimited: @Sendable (Bool) -> ShadowWorkBudget = { _ in ShadowWorkBudget(unlimited: true) }

    static func body(_ rows: [String]) -> [UInt8] {
        Array(#"{"dataframe_split": {"columns": ["cid", "age", "joined", "plan"], "data": [\#(rows.joined(separator: ","))]}}"#.utf8)
    }

    func job(_ rows: [String], ids: [String]) throws -> (job: ShadowScorer.Job, body: [UInt8]) {
        let body = Self.body(rows)
        return (ShadowScorer.Job(frame: try ScoringRequestParser.parse(body, contentType: nil), rowCount: ids.count,
                                 predictionIDs: ids, primaryVersion: 1, time: 1), body)
    }

    func testAGroupOfJobsGetsTheAnswersOfEachJobAlone() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shadow-group-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try PredictionLog.open(path: directory.appendingPathComponent("p.sqlite").path)
        let writer = PredictionLogWriter(log: log)
        let scorer = ShadowScorer(slot: ModelSlot(try Self.servedModel()), log: log, writer: writer, makeBudget: Self.unlimited)
        let sent = [
            try job([#"["a", 41, "2021-03-04", "pro"]"#], ids: ["p1"]),
            try job([#"["b", 23, null, "basic"]"#, #"["c", 67, "2020-01-01", "pro"]"#], ids: ["p2", "p3"]),
            try job([#"["d", "not a number", null, "pro"]"#], ids: ["p4"]),   // the shadow cannot read this one
            try job([#"["e", 55, null, "gold"]"#], ids: ["p5"]),              // an unseen category: scored as missing
        ]
        let jobs = sent.map(\.job)
        XCTAssertEqual(ShadowScorer.groups(jobs).map(\.count), [4], "same columns: one group")
        let alone = jobs.map { scorer.score([$0]) }
        XCTAssertNil(alone[2])
        let grouped = try XCTUnwrap(scorer.score(Array(jobs[0..<2]) + [jobs[3]]))
        let expected = [alone[0], alone[1], alone[3]].compactMap { $0 }.flatMap { $0 }
        XCTAssertEqual(grouped.map(\.predictionID), ["p1", "p2", "p3", "p5"])
        XCTAssertEqual(grouped.map(\.value), expected.map(\.value))
        XCTAssertEqual(grouped.map(\.label), expected.map(\.label))
        XCTAssertNil(scorer.score(jobs), "a group holding the unreadable job fails as a whole")

        // The round falls back to one job at a time: every readable row is logged, only p4 fails.
        // The bodies go through the inbox, the answers through the log writer's thread.
        writer.start()
        scorer.start()
        for (j, body) in sent { XCTAssertTrue(scorer.enqueue(body: body, contentType: nil, predictionIDs: j.predictionIDs, primaryVersion: 1)) }
        scorer.stopAndFlush()
        writer.stopAndFlush()
        XCTAssertEqual(scorer.counts.scored, 4)
        XCTAssertEqual(scorer.counts.failed, 1)
        XCTAssertEqual(scorer.counts.dropped, 0)
    }

    /// A group may start with a body given as columns (`inputs` as an object of arrays, stored
    /// column-major) and go on with row-major ones: the merged table holds each job's rows in
    /// order, so the answers are those of each job alone.
    func testAGroupMixingColumnsAndRowsGetsTheAnswersOfEachJobAlone() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shadow-mixed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try PredictionLog.open(path: directory.appendingPathComponent("p.sqlite").path)
        let scorer = ShadowScorer(slot: ModelSlot(try Self.servedModel()), log: log, writer: PredictionLogWriter(log: log))
        let columns = Array(#"{"inputs": {"cid": ["a", "b"], "age": [41, 23], "joined": ["2021-03-04", null], "plan": ["pro", "basic"]}}"#.utf8)
        let columnar = ShadowScorer.Job(frame: try ScoringRequestParser.parse(columns, contentType: nil), rowCount: 2,
                                        predictionIDs: ["p1", "p2"], primaryVersion: 1, time: 1)
        let rows = try job([#"["c", 67, "2020-01-01", "pro"]"#, #"["d", 30, null, "basic"]"#], ids: ["p3", "p4"]).job
        let jobs = [columnar, rows, columnar]
        XCTAssertEqual(ShadowScorer.groups(jobs).map(\.count), [3], "same columns: one group")
        let alone = try jobs.map { try XCTUnwrap(scorer.score([$0])) }.flatMap { $0 }
        let grouped = try XCTUnwrap(scorer.score(jobs))
        XCTAssertEqual(grouped.map(\.predictionID), ["p1", "p2", "p3", "p4", "p1", "p2"])
        XCTAssertEqual(grouped.map(\.value), alone.map(\.value))
        XCTAssertEqual(grouped.map(\.label), alone.map(\.label))
        XCTAssertNotEqual(alone[0].value, alone[1].value, "the rows differ, so an order mix-up would show")
    }

    /// The shadow's thread runs at `SCHED_IDLE`; a body that does not fit the inbox is dropped and
    /// counted, never waited for, and a CSV body that the shadow cannot read counts as failed.
    func testTheShadowRunsAtIdlePriorityAndDropsWhatDoesNotFit() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shadow-idle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try PredictionLog.open(path: directory.appendingPathComponent("p.sqlite").path)
        let writer = PredictionLogWriter(log: log)
        let scorer = ShadowScorer(slot: ModelSlot(try Self.servedModel()), log: log, writer: writer, capacity: 4_096, makeBudget: Self.unlimited)
        writer.start()
        scorer.start()
        let big = Self.body(Array(repeating: #"["a", 41, "2021-03-04", "pro"]"#, count: 200))
        XCTAssertFalse(scorer.enqueue(body: big, contentType: nil, predictionIDs: (0..<200).map { "b\($0)" }, primaryVersion: 1))
        XCTAssertTrue(scorer.enqueue(body: Array("cid,age\nx,\"unclosed".utf8), contentType: "text/csv", predictionIDs: ["c1"], primaryVersion: 1))
        XCTAssertTrue(scorer.enqueue(body: Self.body([#"["a", 41, "2021-03-04", "pro"]"#]), contentType: nil, predictionIDs: ["ok"], primaryVersion: 1))
        #if os(Linux)
        // The thread names and lowers itself once it runs.
        let deadline = Date().addingTimeInterval(10)
        while (try? Self.policyOfThread(named: "mldeck-shadow")) != ShadowScorer.idlePolicy, Date() < deadline { usleep(5_000) }
        XCTAssertEqual(try Self.policyOfThread(named: "mldeck-shadow"), ShadowScorer.idlePolicy)
        #endif
        scorer.stopAndFlush()
        writer.stopAndFlush()
        XCTAssertEqual(scorer.counts.dropped, 200)
        XCTAssertEqual(scorer.counts.failed, 1)
        XCTAssertEqual(scorer.counts.scored, 1)
        XCTAssertFalse(scorer.enqueue(body: Self.body([#"["a", 41, null, "pro"]"#]), contentType: nil, predictionIDs: ["late"], primaryVersion: 1),
                       "after a stop nothing is taken")
    }

    #if os(Linux)
    /// The scheduling policy of this process's thread called `name` (from /proc).
    static func policyOfThread(named name: String) throws -> Int32 {
        for tid in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") {
            let comm = try? String(contentsOfFile: "/proc/self/task/\(tid)/comm", encoding: .utf8)
            if comm?.trimmingCharacters(in: .whitespacesAndNewlines) == name, let id = Int32(tid) { return sched_getscheduler(id) }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "no thread named \(name)"])
    }
    #endif
}
