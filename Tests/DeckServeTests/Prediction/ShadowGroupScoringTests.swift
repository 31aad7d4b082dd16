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

    func job(_ rows: [String], ids: [String]) throws -> ShadowScorer.Job {
        let body = #"{"dataframe_split": {"columns": ["cid", "age", "joined", "plan"], "data": [\#(rows.joined(separator: ","))]}}"#
        return ShadowScorer.Job(frame: try ScoringRequestParser.parse(Array(body.utf8), contentType: nil), rowCount: ids.count,
                                predictionIDs: ids, primaryVersion: 1, time: 1)
    }

    func testAGroupOfJobsGetsTheAnswersOfEachJobAlone() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shadow-group-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try PredictionLog.open(path: directory.appendingPathComponent("p.sqlite").path)
        let scorer = ShadowScorer(slot: ModelSlot(try Self.servedModel()), log: log)
        let jobs = [
            try job([#"["a", 41, "2021-03-04", "pro"]"#], ids: ["p1"]),
            try job([#"["b", 23, null, "basic"]"#, #"["c", 67, "2020-01-01", "pro"]"#], ids: ["p2", "p3"]),
            try job([#"["d", "not a number", null, "pro"]"#], ids: ["p4"]),   // the shadow cannot read this one
            try job([#"["e", 55, null, "gold"]"#], ids: ["p5"]),              // an unseen category: scored as missing
        ]
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
        scorer.start()
        for j in jobs { scorer.enqueue(frame: j.frame, predictionIDs: j.predictionIDs, primaryVersion: 1) }
        scorer.stopAndFlush()
        XCTAssertEqual(scorer.counts.scored, 4)
        XCTAssertEqual(scorer.counts.failed, 1)
    }
}
