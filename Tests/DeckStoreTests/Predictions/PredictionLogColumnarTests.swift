import DeckTestSupport
import GRDB
import XCTest
@testable import DeckStore

/// Schema version 3: one row per batch. Old logs migrate with their rows and feedback, prediction
/// ids are found through their runs, trims cut by rows and by age, and a batch costs a few writes.
final class PredictionLogColumnarTests: XCTestCase {
    var workspace: TemporaryWorkspace!

    override func setUpWithError() throws { workspace = try TemporaryWorkspace() }
    override func tearDown() { workspace?.cleanup() }

    static func serverID(_ counter: Int) -> String { "3f9a2c71-" + PredictionIDRun.hex12(UInt64(counter)) }

    /// A batch whose rows have server-made ids with `counters`, caller ids `c<counter>`.
    static func batch(_ counters: [Int], time: Double, version: Int = 1) -> PredictionBatch {
        PredictionBatch(model: "m", version: version, time: time, latencies: counters.map { _ in 0.001 }, classes: ["no", "yes"],
                        columns: [LoggedColumn(name: "x", values: .numbers(counters.map(Double.init))),
                                  LoggedColumn(name: "plan", values: .text(counters.map { $0 % 2 == 0 ? "a" : nil }))],
                        rows: counters.map { LoggedPrediction(id: serverID($0), callerID: "c\($0)", label: $0 % 2 == 0 ? "yes" : "no",
                                                              value: Double($0) / 10_000, probabilities: [0.5, 0.5]) })
    }

    /// Predictions, batches and feedback.
    func counts(_ log: PredictionLog) throws -> [Int] {
        let c = try log.counts()
        return [c.predictions, c.batches, c.feedback]
    }

    func count(_ log: PredictionLog, _ table: String) throws -> Int {
        try log.queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    func testAVersion2LogWithRowsMigratesAndItsRowsStillJoinFeedback() throws {
        let path = workspace.root.appendingPathComponent("old.sqlite").path
        let inputs = #"{"columns":[{"name":"x","kind":"number"}],"data":[[1.0,2.0,3.0]]}"#
        do {
            let queue = try DatabaseQueue(path: path)
            try PredictionLog.migrator.migrate(queue, upTo: "v2-shadow-predictions")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO prediction_batches VALUES (1, 'm', 1, 100, 3, '["no","yes"]', ?), (2, 'm', 2, 200, 2, NULL, ?),
                      (3, 'm', 1, 300, 3, '["no","yes"]', ?);
                    INSERT INTO predictions (seq, id, batch_id, batch_row, model, version, time, caller_id, label, value, probabilities, latency) VALUES
                      (1, '3f9a2c71-000000000001', 1, 0, 'm', 1, 100, 'c1', 'no', 0.1, '[0.9,0.1]', 0.01),
                      (2, '3f9a2c71-000000000002', 1, 1, 'm', 1, 100, 'c2', 'yes', 0.8, '[0.2,0.8]', 0.01),
                      (3, '3f9a2c71-000000000003', 1, 2, 'm', 1, 100, 'c3', 'yes', 0.7, '[0.3,0.7]', 0.01),
                      (4, 'u-1', 2, 0, 'm', 2, 200, NULL, NULL, 4.5, NULL, 0.02),
                      (5, 'u-2', 2, 1, 'm', 2, 200, NULL, NULL, NULL, NULL, 0.02),
                      (7, 'b3-1', 3, 1, 'm', 1, 300, NULL, 'no', 0.2, '[0.8,0.2]', 0.03),
                      (8, 'b3-2', 3, 2, 'm', 1, 300, NULL, 'no', 0.3, '[0.7,0.3]', 0.03);
                    INSERT INTO feedback (model, prediction_id, caller_id, label, time) VALUES
                      ('m', '3f9a2c71-000000000002', NULL, 'yes', 400), ('m', NULL, 'c3', 'no', 401), ('m', 'u-2', NULL, 'yes', 402);
                    INSERT INTO shadow_predictions (prediction_id, model, version, primary_version, time, label, value, probabilities, latency)
                      VALUES ('3f9a2c71-000000000002', 'm', 2, 1, 100, 'no', 0.4, NULL, 0.01);
                    """, arguments: [inputs, #"{"columns":[],"data":[]}"#, inputs])
            }
        }
        let log = try PredictionLog.open(path: path)
        XCTAssertFalse(try log.queue.read { try $0.tableExists("predictions") }, "the row table is gone")
        XCTAssertEqual(try counts(log), [7, 3, 3])
        let labeled = try log.labeledPredictions(model: "m")
        XCTAssertEqual(labeled.map(\.id), ["b3-2", "b3-1", "u-2", "u-1", Self.serverID(3), Self.serverID(2), Self.serverID(1)])
        XCTAssertEqual(labeled.map(\.actual), [nil, nil, "yes", nil, "no", "yes", nil], "by prediction id, else by caller id")
        XCTAssertEqual(labeled.map(\.predicted), ["no", "no", nil, nil, "yes", "yes", "no"])
        XCTAssertEqual(labeled[3].value, 4.5); XCTAssertTrue(labeled[2].value.isNaN)
        XCTAssertEqual(try log.inputBatches(model: "m").last?.inputs, inputs, "old inputs read as they were")

        let window = try log.window(model: "m", version: 1, limit: nil, since: nil)
        XCTAssertEqual(window.rows, 5, "batch 3's row 0 was trimmed before the upgrade")
        XCTAssertEqual(window.firstSeq, 1); XCTAssertEqual(window.lastSeq, 8)
        XCTAssertEqual(window.predictions, [0.1, 0.8, 0.7, 0.2, 0.3])
        guard case .numbers(let xs)? = window.columns.first?.values else { return XCTFail("no x") }
        XCTAssertEqual(xs, [1, 2, 3, 2, 3])
        let quality = try log.labeledWindow(model: "m", version: 1, limit: 10)
        XCTAssertEqual(quality.map(\.actual), ["no", "yes"])
        XCTAssertEqual(quality.first?.probabilities, [0.3, 0.7]); XCTAssertEqual(quality.first?.classes, ["no", "yes"])
        let pairs = try log.shadowPairs(model: "m")
        XCTAssertEqual(pairs.map(\.actual), ["yes"]); XCTAssertEqual(pairs.first?.primaryLabel, "yes")

        // New batches go on numbering the rows after the old ones.
        try log.write([Self.batch([10, 11], time: 500)])
        XCTAssertEqual(try log.window(model: "m", version: 1, limit: 2, since: nil).lastSeq, 10)
        XCTAssertEqual(try log.counts().predictions, 9)
    }

    func testFeedbackFindsRowsByServerIDRunsAndByCallerID() throws {
        let log = try PredictionLog.open(workspace.store.workspace)
        // Batch 2 merges two requests that reached the writer out of id order: two runs.
        try log.write([Self.batch(Array(1...1000), time: 100), Self.batch(Array(1501...1600) + Array(1001...1500), time: 200)],
                      feedback: [FeedbackEntry(model: "m", predictionID: Self.serverID(1), callerID: nil, label: "a", time: 300),
                                 FeedbackEntry(model: "m", predictionID: Self.serverID(1000), callerID: nil, label: "b", time: 300),
                                 FeedbackEntry(model: "m", predictionID: Self.serverID(1001), callerID: nil, label: "c", time: 300),
                                 FeedbackEntry(model: "m", predictionID: Self.serverID(1600), callerID: nil, label: "d", time: 300),
                                 FeedbackEntry(model: "m", predictionID: Self.serverID(2000), callerID: nil, label: "x", time: 300),
                                 FeedbackEntry(model: "m", predictionID: nil, callerID: "c5", label: "e", time: 300),
                                 FeedbackEntry(model: "other", predictionID: nil, callerID: "c6", label: "x", time: 300)])
        XCTAssertEqual(try count(log, "prediction_ids"), 3, "one run per request")
        try log.queue.read { db in
            func where_(_ counter: Int) throws -> [Int]? { try PredictionLog.locate(Self.serverID(counter), db).map { [Int($0.batch), $0.row] } }
            XCTAssertEqual(try where_(1), [1, 0]); XCTAssertEqual(try where_(1000), [1, 999])
            XCTAssertEqual(try where_(1600), [2, 99]); XCTAssertEqual(try where_(1001), [2, 100]); XCTAssertEqual(try where_(1500), [2, 599])
            XCTAssertNil(try where_(0)); XCTAssertNil(try where_(1601)); XCTAssertNil(try PredictionLog.locate("3f9a2c71-00000000000G", db))
        }
        let labeled = Dictionary(uniqueKeysWithValues: try log.labeledPredictions(model: "m", limit: 5000).map { ($0.id, $0) })
        XCTAssertEqual(labeled.count, 1600)
        for (counter, label) in [(1, "a"), (1000, "b"), (1001, "c"), (1600, "d"), (5, "e")] {
            XCTAssertEqual(labeled[Self.serverID(counter)]?.actual, label, "\(counter)")
        }
        XCTAssertNil(labeled[Self.serverID(6)]?.actual, "a caller id of another model")
        XCTAssertEqual(labeled.values.filter { $0.actual != nil }.count, 5)
        XCTAssertEqual(labeled[Self.serverID(1001)]?.callerID, "c1001")
        let quality = try log.labeledWindow(model: "m", version: 1, limit: 3)
        XCTAssertEqual(quality.map(\.actual), ["c", "d", "b"], "newest first: batch 2's rows from its last, then batch 1's")
    }

    func testTrimByRowsCutsInsideABatchAndByAgeDropsWholeBatches() throws {
        let log = try PredictionLog.open(workspace.store.workspace)
        for k in 0..<3 { try log.write([Self.batch(Array((k * 100 + 1)...(k * 100 + 100)), time: Double(k + 1) * 100)]) }
        var report = try log.trim(RetentionPolicy(maxRows: 150, maxAge: nil), now: 400)
        XCTAssertEqual(report.removedPredictions, 150)
        XCTAssertEqual(try counts(log), [150, 2, 0])
        XCTAssertEqual(try count(log, "prediction_ids"), 2, "the first batch's run went with it")
        let labeled = try log.labeledPredictions(model: "m", limit: 1000)
        XCTAssertEqual(labeled.count, 150); XCTAssertEqual(labeled.last?.id, Self.serverID(151))
        try log.queue.read { db in
            XCTAssertNil(try PredictionLog.locate(Self.serverID(150), db), "a trimmed row of a kept batch")
            XCTAssertNotNil(try PredictionLog.locate(Self.serverID(151), db))
        }
        let window = try log.window(model: "m", version: 1, limit: nil, since: nil)
        XCTAssertEqual(window.rows, 150); XCTAssertEqual(window.firstSeq, 151); XCTAssertEqual(window.lastSeq, 300)
        XCTAssertEqual(try log.trim(RetentionPolicy(maxRows: 150, maxAge: nil), now: 400).removedPredictions, 0)

        report = try log.trim(RetentionPolicy(maxRows: nil, maxAge: 150), now: 400)   // keeps time >= 250
        XCTAssertEqual(report.removedPredictions, 50)
        XCTAssertEqual(try counts(log), [100, 1, 0])
        XCTAssertEqual(try count(log, "prediction_ids"), 1)
        XCTAssertEqual(try log.trim(RetentionPolicy(maxRows: 100, maxAge: nil), now: 400).removedPredictions, 0)
        XCTAssertEqual(try log.trim(RetentionPolicy(maxRows: 1, maxAge: nil), now: 400).removedPredictions, 99)
        XCTAssertEqual(try log.labeledPredictions(model: "m").map(\.id), [Self.serverID(300)])
    }

    /// A trim with a budget removes the oldest batches within it (at least one) and leaves the
    /// rest to the next call; repeated, it ends where one trim without a budget ends.
    func testATrimWithABudgetRemovesTheOldestBatchesInStepsAndEndsWhereAWholeTrimDoes() throws {
        let log = try PredictionLog.open(workspace.store.workspace)
        for k in 0..<6 { try log.write([Self.batch(Array((k * 100 + 1)...(k * 100 + 100)), time: Double(k + 1) * 100)]) }
        let policy = RetentionPolicy(maxRows: 150, maxAge: nil)
        var steps: [Int] = []
        while true {
            let removed = try log.trim(policy, now: 700, budget: 120).removedPredictions
            if removed == 0 { break }
            steps.append(removed)
        }
        // Batches 1–4 go one a step (two would pass 120 rows); with the last of them, batch 5's
        // older 50 rows are marked trimmed (an update, not a deletion: outside the budget).
        XCTAssertEqual(steps, [100, 100, 100, 150])
        XCTAssertEqual(try counts(log), [150, 2, 0])
        XCTAssertEqual(try log.labeledPredictions(model: "m", limit: 1000).last?.id, Self.serverID(451))
        XCTAssertEqual(try count(log, "prediction_ids"), 2)

        // By age, within a budget of one batch: the oldest first.
        let aged = try log.trim(RetentionPolicy(maxRows: nil, maxAge: 50), now: 700, budget: 1)   // both batches are older than 650
        XCTAssertEqual(aged.removedPredictions, 50)
        XCTAssertEqual(try counts(log), [100, 1, 0])
        XCTAssertEqual(try log.trim(RetentionPolicy(maxRows: nil, maxAge: 50), now: 700, budget: 1).removedPredictions, 100)
        XCTAssertEqual(try counts(log), [0, 0, 0])
    }

    /// The point of version 3: a 1,000-row request is one batch row and one id run, where
    /// version 1 wrote 1,001 rows (and 4,000 index entries).
    func testA1000RowBatchIsAFewRowWrites() throws {
        let log = try PredictionLog.open(workspace.store.workspace)
        let changes = { try log.queue.inDatabase { $0.totalChangesCount } }
        let before = try changes()
        try log.write([Self.batch(Array(1...1000), time: 100)])
        XCTAssertLessThanOrEqual(try changes() - before, 2, "one batch row and one id run")
        XCTAssertEqual(try log.counts().predictions, 1000)
    }

    func testIDRunsAndBlobsRoundTrip() throws {
        let ids = [Self.serverID(7), Self.serverID(8), "p-1", "3F9A2C71-000000000009", Self.serverID(9), Self.serverID(0xffff_ffff_ffff), ""]
        let runs = PredictionIDRun.runs(ids)
        XCTAssertEqual(runs.map(\.count), [2, 1, 1, 1, 1, 1])
        XCTAssertEqual(PredictionIDRun.ids(try XCTUnwrap(PredictionLogBlob.decodeIDRuns(PredictionLogBlob.idRuns(runs)))), ids)
        let text: [String?] = ["", nil, "é", String(repeating: "x", count: 300)]
        XCTAssertEqual(PredictionLogBlob.decodeStrings(PredictionLogBlob.strings(text)), text)
        XCTAssertEqual(PredictionLogBlob.strings(count: text.count) { text[$0] }, PredictionLogBlob.strings(text), "both writers, one encoding")
        let columns = [LoggedColumn(name: "n", values: .numbers([1.5, -0.0, 1e300])), LoggedColumn(name: "t", values: .text(["a", nil, ""]))]
        XCTAssertEqual(PredictionLogBlob.decodeInputs(PredictionLogBlob.inputs(columns)), columns)
        let blob = PredictionLogBlob.inputs(columns)
        for cut in 0..<blob.count { XCTAssertNil(PredictionLogBlob.decodeInputs(blob.prefix(cut)), "cut at \(cut)") }
        XCTAssertNil(PredictionLogBlob.decodeDoubles(Data([1, 2, 3])))
    }

    /// A batch's answers encode as the blob format says, read back by the decoders: scores and
    /// probabilities with ±∞ or NaN stored as NaN, no probabilities as an empty list, labels and
    /// caller ids as *strings* (nil kept).
    func testABatchsAnswersEncodeRowByRowAndDecodeBack() throws {
        let rows = [LoggedPrediction(id: Self.serverID(1), callerID: "c-1", label: "yes", value: 0.5, probabilities: [0.25, .infinity]),
                    LoggedPrediction(id: Self.serverID(2), callerID: nil, label: nil, value: .infinity, probabilities: nil),
                    LoggedPrediction(id: Self.serverID(3), callerID: "ü", label: "no", value: -1, probabilities: [.nan, -0.0])]
        let batch = PredictionBatch(model: "m", version: 1, time: 5, latencies: [0.001, 0.002], classes: ["no", "yes"], columns: [], rows: rows)
        let encoded = EncodedBatch(batch)
        let bits = { (values: [Double]?) in values?.map { $0.isNaN ? Double.nan.bitPattern : $0.bitPattern } }
        XCTAssertEqual(bits(PredictionLogBlob.decodeDoubles(encoded.scores)), bits([0.5, .nan, -1]))
        XCTAssertEqual(PredictionLogBlob.decodeDoubles(encoded.latencies), [0.001, 0.002, 0], "a missing latency is 0")
        let lists = try XCTUnwrap(PredictionLogBlob.decodeNumberLists(try XCTUnwrap(encoded.probabilities)))
        XCTAssertEqual(lists.map(bits), [bits([0.25, .nan]), nil, bits([.nan, -0.0])])
        XCTAssertEqual(PredictionLogBlob.decodeStrings(try XCTUnwrap(encoded.labels)), ["yes", nil, "no"])
        XCTAssertEqual(PredictionLogBlob.decodeStrings(try XCTUnwrap(encoded.callerIDs)), ["c-1", nil, "ü"])
        XCTAssertEqual(PredictionIDRun.ids(encoded.runs), rows.map(\.id))
        let none = EncodedBatch(PredictionBatch(model: "m", version: 1, time: 5, latencies: [], classes: nil, columns: [],
                                                rows: [LoggedPrediction(id: "x", callerID: nil, label: nil, value: 1, probabilities: nil)]))
        XCTAssertNil(none.labels); XCTAssertNil(none.probabilities); XCTAssertNil(none.callerIDs)
    }
}
