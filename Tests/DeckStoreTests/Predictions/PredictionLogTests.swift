import DeckTestSupport
import GRDB
import XCTest
@testable import DeckStore

final class PredictionLogTests: XCTestCase {
    var workspace: TemporaryWorkspace!

    override func setUpWithError() throws { workspace = try TemporaryWorkspace() }
    override func tearDown() { workspace?.cleanup() }

    static func batch(_ ids: [String], time: Double, version: Int = 1) -> PredictionBatch {
        PredictionBatch(model: "m", version: version, time: time, latencies: ids.map { _ in 0.001 }, classes: ["no", "yes"],
                        columns: [LoggedColumn(name: "age", values: .numbers(ids.map { _ in 41 })),
                                  LoggedColumn(name: "plan", values: .text(ids.map { $0.hasSuffix("0") ? nil : "pro \"x\"" }))],
                        rows: ids.map { LoggedPrediction(id: "p-\($0)", callerID: $0, label: "yes", value: 0.75, probabilities: [0.25, 0.75]) })
    }

    func testWritesColumnarBatchesAndJoinsFeedbackByPredictionOrCallerID() throws {
        let log = try PredictionLog.open(workspace.store.workspace)
        XCTAssertEqual(log.path, workspace.root.appendingPathComponent(".mldeck/predictions.sqlite").path)
        try log.write([Self.batch(["c0", "c1"], time: 100), Self.batch(["c2"], time: 101, version: 2)],
                      feedback: [FeedbackEntry(model: "m", predictionID: "p-c0", callerID: nil, label: "no", time: 102),
                                 FeedbackEntry(model: "m", predictionID: nil, callerID: "c2", label: "yes", time: 103)])
        let counts = try log.counts()
        XCTAssertEqual(counts.predictions, 3); XCTAssertEqual(counts.batches, 2); XCTAssertEqual(counts.feedback, 2)
        let labeled = try log.labeledPredictions(model: "m")
        XCTAssertEqual(labeled.map(\.id), ["p-c2", "p-c1", "p-c0"])
        XCTAssertEqual(labeled.map(\.actual), ["yes", nil, "no"])
        XCTAssertEqual(labeled.map(\.version), [2, 1, 1])
        let inputs = try log.inputBatches(model: "m").last?.inputs
        XCTAssertEqual(inputs, #"{"columns":[{"name":"age","kind":"number"},{"name":"plan","kind":"text"}],"data":[[41.0,41.0],[null,"pro \"x\""]]}"#)
        // Reopening keeps the log (the migration runs once).
        XCTAssertEqual(try PredictionLog.open(workspace.store.workspace).counts().predictions, 3)
    }

    /// Each row's answers land in their batch's columns as they were given: NULLs, empty text,
    /// non-ASCII text and numbers (NaN stands for a missing number).
    func testEveryRowValueLandsInItsColumn() throws {
        let log = try PredictionLog.open(workspace.store.workspace)
        let rows = [LoggedPrediction(id: "p-é1", callerID: nil, label: "", value: .nan, probabilities: [0.25, .nan]),
                    LoggedPrediction(id: "p-2", callerID: "c-ü", label: nil, value: 3.5, probabilities: nil)]
        try log.write([PredictionBatch(model: "m", version: 7, time: 12.5, latencies: [0.002, 0.004], classes: nil,
                                       columns: [LoggedColumn(name: "age", values: .numbers([1, 2]))], rows: rows)])
        let stored = try XCTUnwrap(try log.queue.read { db in try log.storedBatch(1, db) })
        XCTAssertEqual(stored.ids, ["p-é1", "p-2"])
        XCTAssertEqual(stored.model, "m"); XCTAssertEqual(stored.version, 7); XCTAssertEqual(stored.time, 12.5)
        XCTAssertEqual(stored.firstSeq, 1); XCTAssertEqual(stored.rowCount, 2); XCTAssertEqual(stored.trimmedRows, 0)
        XCTAssertEqual(stored.callerIDs, [nil, "c-ü"])
        XCTAssertEqual(stored.labels, ["", nil])
        XCTAssertTrue(stored.scores[0].isNaN); XCTAssertEqual(stored.scores[1], 3.5)
        XCTAssertEqual(stored.probabilities?[0]?.first, 0.25); XCTAssertEqual(stored.probabilities?[0]?.last?.isNaN, true)
        XCTAssertNil(stored.probabilities?[1] ?? nil)
        XCTAssertEqual(stored.latencies, [0.002, 0.004])
        XCTAssertNil(stored.classes)
        XCTAssertEqual(try log.inputBatches(model: "m").first?.inputs, #"{"columns":[{"name":"age","kind":"number"}],"data":[[1.0,2.0]]}"#)
    }

    func testTrimKeepsTheNewestRowsWithinCountAndAge() throws {
        let log = try PredictionLog.open(workspace.store.workspace)
        for t in 0..<10 { try log.write([Self.batch(["t\(t)"], time: Double(t) * 100)], feedback: [FeedbackEntry(model: "m", predictionID: "p-t\(t)", callerID: nil, label: "no", time: Double(t) * 100)]) }
        var report = try log.trim(RetentionPolicy(maxRows: 6, maxAge: nil), now: 1000)
        XCTAssertEqual(report.removedPredictions, 4)
        XCTAssertEqual(try log.counts().predictions, 6)
        XCTAssertEqual(try log.counts().batches, 6, "batches without rows go too")
        report = try log.trim(RetentionPolicy(maxRows: nil, maxAge: 350), now: 1000)   // keeps time >= 650
        XCTAssertEqual(report.removedPredictions, 3)
        XCTAssertEqual(report.removedFeedback, 7)
        XCTAssertEqual(try log.labeledPredictions(model: "m").map(\.id), ["p-t9", "p-t8", "p-t7"])
    }

    func testRetentionText() throws {
        XCTAssertEqual(try RetentionPolicy(parsing: "1000"), RetentionPolicy(maxRows: 1000, maxAge: nil))
        XCTAssertEqual(try RetentionPolicy(parsing: "30d"), RetentionPolicy(maxRows: nil, maxAge: 30 * 86_400))
        XCTAssertEqual(try RetentionPolicy(parsing: "500, 12h"), RetentionPolicy(maxRows: 500, maxAge: 12 * 3_600))
        for bad in ["", "0", "-5", "10x", "d", "1e3", "99999999999999999999", "9223372036854775807d", "1.5d"] {
            XCTAssertThrowsError(try RetentionPolicy(parsing: bad), bad) { error in
                XCTAssertEqual((error as? PredictionLogError)?.category, .invalidArgument)
            }
        }
        XCTAssertEqual(RetentionPolicy.default.description, "1000000 rows or 30 days")
    }

    func testADamagedLogIsATypedError() throws {
        let path = workspace.root.appendingPathComponent("bad.sqlite").path
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try PredictionLog.open(path: path)) { error in
            XCTAssertTrue("\(error)".contains("damaged"), "\(error)")
            XCTAssertFalse("\(error)".contains("SQLITE"), "\(error)")
        }
    }
}
