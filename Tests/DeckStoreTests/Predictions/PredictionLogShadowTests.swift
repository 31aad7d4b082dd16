import DeckTestSupport
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
}
