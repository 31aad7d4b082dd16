import XCTest
@testable import DeckML

/// A column spanning nearly all of `Double` (-1.7e308 … 1.7e308) has a histogram whose span
/// overflows; binning must not trap on `Int(NaN)`.
final class ExtremeValueHistogramTests: XCTestCase {
    func testHistogramOfAColumnSpanningDoublesRange() {
        let values = [-1.7e308, -1, 0, 1, 1.7e308]
        let h = values.withUnsafeBufferPointer { NumericSummary.histogram($0, min: -1.7e308, max: 1.7e308, bins: 4) }
        XCTAssertEqual(h.counts.reduce(0, +), 5)
        XCTAssertEqual(h.counts.first, 1)
        XCTAssertEqual(h.counts.last, 1)
        XCTAssertTrue(h.edges.allSatisfy(\.isFinite))
    }

    func testProfilingSuchAColumnWorks() throws {
        let path = try TableTestSupport.temp("x\n-1.7e308\n0\n1.7e308\n", ext: "csv")
        XCTAssertNoThrow(try TableProfiler.profile(path: path))
    }
}
