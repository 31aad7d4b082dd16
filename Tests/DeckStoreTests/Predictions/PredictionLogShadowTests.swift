import DeckTestSupport
import GRDB
import XCTest
@testable import DeckStore

/// The shadow's answers: joined to the primary's by prediction id with the label fed back, and
/// trimmed with the predictions they belong to.
final class PredictionLogShadowTests: XCTestCase {
    var workspace: TemporaryWorkspace!

    override func setUpWithError() throws { workspace = try TemporaryWorkspace() }
    override func tearDown() { workspace?.cleanup() }

    func shadow(_ id: String, time: Double, label: String) -> ShadowPrediction {
        ShadowPrediction(predictionID: "p-\(id)", model: "m", version: 2, primaryVersion: 1, time: time, label: label,
                         value: label == "yes" ? 0.6 : 0.4, probabilities: nil, latency: 0.002)
    }

    func testPairsJoinThePrimaryAnswerAndTheFeedbackAndTrimFollowsThePredictions() throws {
        let log = try PredictionLog.open(workspace.store.workspace)
        try log.write([PredictionLogTests.batch(["c0", "c1", "c2"], time: 100)],
                      feedback: [FeedbackEntry(model: "m", predictionID: "p-c0", callerID: nil, label: "no", time: 101),
                                 FeedbackEntry(model: "m", predictionID: nil, callerID: "c1", label: "yes", time: 102)])
        try log.writeShadow([shadow("c0", time: 100, label: "no"), shadow("c1", time: 100, label: "yes"), shadow("c2", time: 100, label: "yes"),
                             shadow("gone", time: 100, label: "no")])  // no primary row: left out of the pairs
        let pairs = try log.shadowPairs(model: "m")
        XCTAssertEqual(pairs.count, 3)
        XCTAssertEqual(pairs.map(\.actual), [nil, "yes", "no"], "newest first; by prediction id, else by caller id")
        XCTAssertEqual(pairs.map(\.shadowLabel), ["yes", "yes", "no"])
        XCTAssertEqual(pairs.map(\.primaryLabel), ["yes", "yes", "yes"])
        XCTAssertEqual(pairs.first?.classes, ["no", "yes"])
        XCTAssertEqual(pairs.first?.primaryValue, 0.75)
        XCTAssertEqual(pairs.first?.shadowValue, 0.6)
        XCTAssertEqual(pairs.first.map { [$0.primaryVersion, $0.shadowVersion] }, [1, 2])

        try log.write([PredictionLogTests.batch(["d0"], time: 500)])
        try log.writeShadow([shadow("d0", time: 500, label: "yes")])
        _ = try log.trim(RetentionPolicy(maxRows: nil, maxAge: 100), now: 550)
        XCTAssertEqual(try log.shadowPairs(model: "m").count, 1, "shadow rows older than the oldest kept prediction go with it")
    }

    /// Version 2's one row per answer becomes version 4's batches: every answer kept, in order,
    /// with its versions, label, value (NULL as NaN) and probabilities, and still joins.
    func testVersion2ShadowRowsMigrateToBatches() throws {
        let path = workspace.root.appendingPathComponent("old.sqlite").path
        let id = PredictionLogColumnarTests.serverID
        do {
            let queue = try DatabaseQueue(path: path)
            try PredictionLog.migrator.migrate(queue, upTo: "v3-columnar-batches")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO shadow_predictions (prediction_id, model, version, primary_version, time, label, value, probabilities, latency) VALUES
                      (?, 'm', 2, 1, 100, 'no', 0.4, '[0.6,0.4]', 0.01), (?, 'm', 2, 1, 100, 'yes', NULL, NULL, 0.01),
                      (?, 'm', 3, 1, 101, 'yes', 0.9, '[0.1,0.9]', 0.02), ('other', 'n', 1, 1, 99, NULL, 7.5, NULL, 0.5);
                    """, arguments: [id(1), id(2), id(3)])
            }
        }
        let log = try PredictionLog.open(path: path)
        XCTAssertFalse(try log.queue.read { try $0.tableExists("shadow_predictions") }, "the row table is gone")
        XCTAssertEqual(try log.queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM shadow_batches") }, 3,
                       "consecutive rows of one model version share a batch")
        try log.write([PredictionLogColumnarTests.batch([1, 2, 3], time: 100)],
                      feedback: [FeedbackEntry(model: "m", predictionID: id(3), callerID: nil, label: "yes", time: 102)])
        let pairs = try log.shadowPairs(model: "m")
        XCTAssertEqual(pairs.map(\.shadowLabel), ["yes", "yes", "no"], "newest first")
        XCTAssertEqual(pairs.map(\.shadowVersion), [3, 2, 2])
        XCTAssertEqual(pairs.map(\.actual), ["yes", nil, nil])
        XCTAssertEqual(pairs[0].shadowValue, 0.9); XCTAssertTrue(pairs[1].shadowValue.isNaN); XCTAssertEqual(pairs[2].shadowValue, 0.4)
        XCTAssertEqual(pairs.map(\.primaryValue), [0.0003, 0.0002, 0.0001])
        let stored = try log.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT model, version, row_count, time, ids, primary_versions, times, scores, labels, probabilities, latencies FROM shadow_batches ORDER BY id")
        }.map { row in
            EncodedShadowBatch(model: row[0], version: row[1], rowCount: row[2], time: row[3], ids: row[4], primaryVersions: row[5],
                               times: row[6], scores: row[7], labels: row[8], probabilities: row[9], latencies: row[10])
        }
        let rows = stored.flatMap { $0.decodedRows() ?? [] }
        XCTAssertEqual(rows.map(\.predictionID), [id(1), id(2), id(3), "other"])
        XCTAssertEqual(rows.map(\.probabilities), [[0.6, 0.4], nil, [0.1, 0.9], nil])
        XCTAssertEqual(rows.map(\.latency), [0.01, 0.01, 0.02, 0.5])
        XCTAssertEqual(rows.last?.label, nil); XCTAssertEqual(rows.last?.value, 7.5)
    }
}
