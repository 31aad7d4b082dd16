@testable import DeckServe
import XCTest

/// Prediction ids are unique and, within one server, sort in the order they were made (the
/// prediction log's unique index on `id` grows at one end instead of taking a page per row).
final class PredictionIDsTests: XCTestCase {
    func testIdsSortInTheOrderTheyAreMadeAcrossEveryDigitCount() {
        let ids = PredictionIDs()
        var made: [String] = []
        for _ in 0..<300 { made += ids.make(7) }   // 2,100 ids: the counter passes 0xf, 0xff and 0x7ff
        XCTAssertEqual(made, made.sorted(), "ids sort as they were made")
        XCTAssertEqual(Set(made).count, made.count)
        let parts = made[0].split(separator: "-")
        XCTAssertEqual(parts.map(\.count), [8, 12])
        XCTAssertEqual(String(parts[1]), "000000000001")
        XCTAssertEqual(PredictionIDs.counter(0xabc_def012345), "abcdef012345")
        XCTAssertNotEqual(PredictionIDs().make(1)[0].prefix(8), PredictionIDs().make(1)[0].prefix(8), "a random prefix per server (2^-32 to collide)")
    }
}
