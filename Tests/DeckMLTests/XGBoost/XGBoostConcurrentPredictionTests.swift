import DeckML
import Foundation
import XCTest

/// In-place prediction lends each call a proxy DMatrix of its own (``XGBoostProxyPool``): XGBoost
/// stores the request's array in the proxy it is given, so two calls sharing one would score each
/// other's rows. Many single-row calls at once on one booster, as a serving endpoint makes them,
/// must each get Python's prediction for their own row.
final class XGBoostConcurrentPredictionTests: XCTestCase {
    func testConcurrentSingleRowPredictionsEachGetTheirOwnRowsAnswer() throws {
        let data = try RoundTripData.load()
        let matrix = try data.matrix()
        let python = try PythonPredictions.load()
        for name in ["binary", "multiclass"] {
            let expected = try XCTUnwrap(python.models[name])
            let booster = try XGBoostBooster(modelData: RoundTripModels.committedModel(name).jsonData(), threads: 1)
            let rows = matrix.rows, perRow = expected.outputsPerRow
            let answers = Answers(count: rows * 4)
            // 4 passes over every row, 8 calls at a time: rows are scored while others are.
            DispatchQueue.concurrentPerform(iterations: rows * 4) { call in
                let row = call % rows
                do {
                    let prediction = try booster.predict(row: Array(matrix.row(row)))
                    answers.set(call, prediction.values)
                } catch {
                    answers.set(call, [])
                }
            }
            for call in 0..<(rows * 4) {
                let row = call % rows
                let got = answers.get(call)
                XCTAssertEqual(got.count, perRow, "\(name): call \(call) got no answer")
                for k in 0..<min(got.count, perRow) {
                    XCTAssertEqual(Double(got[k]), expected.predictions[row * perRow + k], accuracy: 1e-6,
                                   "\(name): row \(row) (call \(call)) got another row's prediction")
                }
            }
        }
    }
}

/// Answers written by concurrent calls, each to its own slot.
private final class Answers: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var values: [[Float]]
    init(count: Int) { values = Array(repeating: [], count: count) }
    func set(_ index: Int, _ value: [Float]) { lock.lock(); values[index] = value; lock.unlock() }
    func get(_ index: Int) -> [Float] { lock.lock(); defer { lock.unlock() }; return values[index] }
}
