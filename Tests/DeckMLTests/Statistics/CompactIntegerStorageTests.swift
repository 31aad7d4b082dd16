import XCTest
@testable import DeckML

/// Integer columns are held as 16- or 32-bit integers while every value fits, and widened
/// exactly (same values, same order) on the first value that does not.
final class CompactIntegerStorageTests: XCTestCase {
    private func accumulator(_ cells: [String]) -> ColumnAccumulator {
        let acc = ColumnAccumulator(distinctLimit: 1000)
        let matcher = MissingValueMatcher(tokens: [])
        for cell in cells {
            var s = cell
            s.withUTF8 { acc.add($0.baseAddress!, $0.count, matcher) }
        }
        return acc
    }

    func testSmallIntegersTakeTwoBytesEachThenFourPastSixteenBits() {
        let acc = accumulator(["1", "-5", "32767", "-32768", "0"])
        XCTAssertEqual(acc.bytesPerStoredValue, 2)
        XCTAssertEqual(acc.storedValues(), [1, -5, 32767, -32768, 0])
        acc.reserveValues(10_000)
        XCTAssertEqual(acc.bytesPerStoredValue, 2, "reserving keeps the form")
        let more = accumulator(["1", "-5", "32768", "9"])
        XCTAssertEqual(more.bytesPerStoredValue, 4)
        XCTAssertEqual(more.storedValues(), [1, -5, 32768, 9])
    }

    func testIntegersThatFitTakeFourBytesEach() {
        let acc = accumulator(["1", "-5", "2147483647", "-2147483648", "", "0"])
        XCTAssertEqual(acc.bytesPerStoredValue, 4)
        XCTAssertEqual(acc.storedValues(), [1, -5, 2_147_483_647, -2_147_483_648, 0])
        XCTAssertEqual(acc.missing, 1)
        acc.reserveValues(10_000)
        XCTAssertEqual(acc.bytesPerStoredValue, 4, "reserving keeps the compact form")
    }

    func testAnIntegerPastThirtyTwoBitsWidensKeepingEveryValue() {
        let acc = accumulator(["3", "2147483648", "-7"])   // from 16 bits straight to doubles
        XCTAssertEqual(acc.bytesPerStoredValue, 8)
        XCTAssertEqual(acc.storedValues(), [3, 2_147_483_648, -7])
    }

    func testAFloatWidensKeepingEveryValueInOrder() {
        let acc = accumulator(["7", "12", "0.5", "4"])
        XCTAssertEqual(acc.bytesPerStoredValue, 8)
        XCTAssertEqual(acc.storedValues(), [7, 12, 0.5, 4])
    }

    func testNegativeZeroKeepsItsSign() {
        let acc = accumulator(["1", "-0"])
        let values = acc.storedValues()
        XCTAssertEqual(values.count, 2)
        XCTAssertEqual(values[1].sign, .minus, "-0 cannot be an Int32, so the column widens")
        XCTAssertEqual(acc.bytesPerStoredValue, 8)
    }

    /// The profile of a file reads the same through both forms: a column of integers (compact)
    /// against the same integers followed by one float that widens them (the float is checked out).
    func testProfileStatisticsAreTheSameInBothForms() throws {
        var text = "a,b\n"
        var state: UInt64 = 7
        var values: [Int] = []
        for _ in 0..<5000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let v = Int(state >> 40) - 8_000_000
            values.append(v)
            text += "\(v),\(v)\n"
        }
        text += ",0.5\n"
        let path = try TableTestSupport.temp(text)
        let profile = try TableProfiler.profile(path: path)
        let a = try XCTUnwrap(profile.column("a")), b = try XCTUnwrap(profile.column("b"))
        XCTAssertEqual(a.type, .integer)
        XCTAssertEqual(b.type, .float)
        let sorted = values.sorted()
        XCTAssertEqual(a.min, Double(sorted.first!))
        XCTAssertEqual(a.max, Double(sorted.last!))
        XCTAssertEqual(a.distinct, Set(values).count)
        // b holds a's values and 0.5: its mean is a's total plus 0.5 over one more value.
        let total = values.reduce(0.0) { $0 + Double($1) }
        XCTAssertEqual(a.mean!, total / Double(values.count), accuracy: 1e-9 * abs(total))
        XCTAssertEqual(b.mean!, (total + 0.5) / Double(values.count + 1), accuracy: 1e-9 * abs(total))
    }
}
