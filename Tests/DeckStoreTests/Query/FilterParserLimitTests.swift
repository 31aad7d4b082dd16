@testable import DeckStore
import XCTest

/// The filter parser bounds its work on hostile input: nesting depth, length, numbers SQLite
/// cannot hold, and long AND / OR chains, each refused or handled with a column-pointing error.
final class FilterParserLimitTests: XCTestCase {
    func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> FilterError? {
        do { _ = try FilterExpression.parse(text); XCTFail("parsed", file: file, line: line); return nil } catch let e as FilterError {
            return e
        } catch { XCTFail("not a FilterError: \(error)", file: file, line: line); return nil }
    }

    /// Depth of the tree, computed without recursion deeper than the tree itself.
    func depth(_ e: FilterExpression) -> Int {
        switch e {
        case .and(let a, let b), .or(let a, let b): return 1 + max(depth(a), depth(b))
        case .not(let inner): return 1 + depth(inner)
        default: return 1
        }
    }

    func testThirtyThousandNestedParenthesesAreRefusedAtTheSixtyFifthLevel() throws {
        let text = String(repeating: "(", count: 30_000) + "metrics.a > 1" + String(repeating: ")", count: 30_000)
        let e = try XCTUnwrap(parseError(text))
        XCTAssertTrue(e.message.contains("nests deeper than 64 levels at column 65"), e.message)
        XCTAssertEqual(e.column, 65)
        XCTAssertLessThan(e.description.count, 400, "the message shows the part of the filter around the column, not all of it")
    }

    func testSixtyFourLevelsParseAndSixtyFiveDoNot() throws {
        let ok = String(repeating: "(", count: 64) + "metrics.a > 1" + String(repeating: ")", count: 64)
        XCTAssertEqual(try FilterExpression.parse(ok), .compare(FilterField(namespace: "metrics", name: "a"), .greater, .number(1)))
        let deep = String(repeating: "(", count: 65) + "metrics.a > 1" + String(repeating: ")", count: 65)
        XCTAssertEqual(parseError(deep)?.column, 65)
    }

    func testDeepNotChainsAreRefusedAndShortOnesParse() throws {
        let e = try XCTUnwrap(parseError(String(repeating: "NOT ", count: 30_000) + "metrics.a > 1"))
        XCTAssertTrue(e.message.contains("nests deeper than 64 levels"), e.message)
        XCTAssertEqual(e.column, 64 * 4 + 1)
        var expected = FilterExpression.compare(FilterField(namespace: "metrics", name: "a"), .greater, .number(1))
        for _ in 0..<45 { expected = .not(expected) }
        XCTAssertEqual(try FilterExpression.parse(String(repeating: "NOT ", count: 45) + "metrics.a > 1"), expected)
        // NOTs inside parentheses count toward the same depth.
        let mixed = String(repeating: "(NOT ", count: 33) + "metrics.a > 1" + String(repeating: ")", count: 33)
        XCTAssertNotNil(parseError(mixed))
    }

    func testNumbersBeyondDoubleAreRefusedAtTheirColumn() throws {
        let e = try XCTUnwrap(parseError("metrics.loss < 1e400"))
        XCTAssertEqual(e.column, 16)
        XCTAssertTrue(e.message.contains("'1e400' is too large a number"), e.message)
        XCTAssertEqual(parseError("metrics.loss IN (1, -1e999)")?.column, 21)
        XCTAssertEqual(try FilterExpression.parse("metrics.loss < 1e300"),
                       .compare(FilterField(namespace: "metrics", name: "loss"), .less, .number(1e300)))
    }

    func testOverlongFiltersAreRefused() throws {
        let text = Array(repeating: "metrics.a > 1", count: 20_000).joined(separator: " OR ")
        let e = try XCTUnwrap(parseError(text))
        XCTAssertTrue(e.message.contains("the limit is \(FilterParser.maxLength)"), e.message)
        XCTAssertLessThan(e.description.count, 400)
    }

    func testLongOrAndAndChainsBecomeShallowTrees() throws {
        let ors = Array(repeating: "metrics.a > 1", count: 4_000).joined(separator: " OR ")
        let tree = try FilterExpression.parse(ors)
        XCTAssertLessThanOrEqual(depth(tree), 13, "4,000 operands: a balanced tree, not a 4,000-deep list")
        XCTAssertEqual(tree.fields, [FilterField(namespace: "metrics", name: "a")])
        let ands = Array(repeating: "params.b = 'x'", count: 3_000).joined(separator: " AND ")
        XCTAssertLessThanOrEqual(depth(try FilterExpression.parse(ands)), 13)
        // Evaluating the long chain in memory works (no deep recursion).
        struct Context: FilterContext { func value(of field: FilterField) -> FilterValue? { .number(2) } }
        XCTAssertTrue(FilterEvaluator().evaluate(tree, in: Context()))
    }

    func testParsingTimeGrowsLinearly() throws {
        /// The best of three parses: one stall of a shared machine does not make a parse slow.
        func seconds(_ count: Int) throws -> Double {
            let text = Array(repeating: "(metrics.a > 1 AND NOT params.b = 'x')", count: count).joined(separator: " OR ")
            var best = Double.infinity
            for _ in 0..<3 {
                let start = Date()
                _ = try FilterExpression.parse(text)
                best = min(best, Date().timeIntervalSince(start))
            }
            return best
        }
        _ = try seconds(100)
        let small = try seconds(200), large = try seconds(1_600)
        XCTAssertLessThan(large, max(small, 0.005) * 8 * 4, "8× the input may take at most ~32× the time (quadratic would be 64×)")
    }
}
