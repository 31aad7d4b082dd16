import DeckML
import Foundation
import XCTest

/// A booster whose last reference is held by a thread that predicted with it must be freed while
/// that thread still runs (``XGBoostThread``): freed when a Foundation thread's storage is torn
/// down, after XGBoost's per-thread store was destroyed, it crashed the process (`mldeck serve
/// --shadow` on a graceful stop).
final class XGBoostThreadTests: XCTestCase {
    func testABoosterWhoseLastReferenceAThreadHoldsIsFreedSafelyWhenTheThreadEnds() throws {
        let data = try RoundTripData.load()
        let matrix = try data.matrix()
        let python = try PythonPredictions.load()
        let expected = try XCTUnwrap(python.models["binary"])
        let model = try RoundTripModels.committedModel("binary").jsonData()
        let firstRow = try FeatureMatrix(rows: 1, columns: matrix.columns, values: Array(matrix.row(0)))
        for round in 0..<40 {
            let finished = DispatchSemaphore(value: 0), released = DispatchSemaphore(value: 0)
            let answer = LockedAnswer()
            do {
                let booster = try XGBoostBooster(modelData: model, threads: 1)
                XGBoostThread.start(name: "test-scorer-\(round)") {
                    // Through XGBoost itself (a DMatrix), so the thread gets XGBoost's per-thread entry.
                    let prediction = try? booster.predict(XGBoostDMatrix(firstRow))
                    answer.set(prediction?.values.first)
                    released.wait()   // the test has let go: this thread now holds the last reference
                    finished.signal()
                }
            }
            released.signal()
            finished.wait()
            XCTAssertEqual(Double(try XCTUnwrap(answer.get(), "round \(round): no prediction")), expected.predictions[0], accuracy: 1e-6)
        }
        Thread.sleep(forTimeInterval: 0.2)   // the last threads' teardown, which crashed before
    }
}

private final class LockedAnswer: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var value: Float?
    func set(_ v: Float?) { lock.lock(); value = v; lock.unlock() }
    func get() -> Float? { lock.lock(); defer { lock.unlock() }; return value }
}
