@testable import DeckStore
import XCTest

final class FilterParserTests: XCTestCase {
    func field(_ ns: String, _ name: String) -> FilterField { FilterField(namespace: ns, name: name) }

    func testComparisonsOfEachNamespace() throws {
        XCTAssertEqual(try FilterExpression.parse("metrics.auc > 0.9"), .compare(field("metrics", "auc"), .greater, .number(0.9)))
        XCTAssertEqual(try FilterExpression.parse("params.max_depth = '6'"), .compare(field("params", "max_depth"), .equal, .string("6")))
        XCTAssertEqual(try FilterExpression.parse("tag.note != \"x\""), .compare(field("tags", "note"), .notEqual, .string("x")))
        XCTAssertEqual(try FilterExpression.parse("status = 'FAILED'"), .compare(field("attributes", "status"), .equal, .string("FAILED")))
        XCTAssertEqual(try FilterExpression.parse("attributes.duration >= 10"), .compare(field("attributes", "duration"), .greaterOrEqual, .number(10)))
        XCTAssertEqual(try FilterExpression.parse("metrics.`val loss` <= -1e-3"), .compare(field("metrics", "val loss"), .lessOrEqual, .number(-0.001)))
        XCTAssertEqual(try FilterExpression.parse("metrics.validation-auc <> 1"), .compare(field("metrics", "validation-auc"), .notEqual, .number(1)))
    }

    func testAndBindsTighterThanOrAndNotTighterThanAnd() throws {
        let e = try FilterExpression.parse("metrics.a > 1 or metrics.b > 2 and not metrics.c > 3")
        let a = FilterExpression.compare(field("metrics", "a"), .greater, .number(1))
        let b = FilterExpression.compare(field("metrics", "b"), .greater, .number(2))
        let c = FilterExpression.compare(field("metrics", "c"), .greater, .number(3))
        XCTAssertEqual(e, .or(a, .and(b, .not(c))))
        XCTAssertEqual(try FilterExpression.parse("(metrics.a > 1 OR metrics.b > 2) AND NOT metrics.c > 3"), .and(.or(a, b), .not(c)))
    }

    func testInLikeIsNullAndTruthy() throws {
        XCTAssertEqual(try FilterExpression.parse("params.eta IN ('0.1', '0.3')"), .isIn(field("params", "eta"), [.string("0.1"), .string("0.3")], negated: false))
        XCTAssertEqual(try FilterExpression.parse("params.eta not in (1, 2)"), .isIn(field("params", "eta"), [.number(1), .number(2)], negated: true))
        XCTAssertEqual(try FilterExpression.parse("name LIKE '%xgb%'"), .compare(field("attributes", "name"), .like, .string("%xgb%")))
        XCTAssertEqual(try FilterExpression.parse("name NOT ILIKE 'a_'"), .compare(field("attributes", "name"), .notILike, .string("a_")))
        XCTAssertEqual(try FilterExpression.parse("metrics.loss IS NOT NULL"), .isNull(field("metrics", "loss"), negated: true))
        XCTAssertEqual(try FilterExpression.parse("production.exists"), .truthy(field("production", "exists")))
        XCTAssertEqual(try FilterExpression.parse("production.metrics.auc < 0.5"), .compare(field("production.metrics", "auc"), .less, .number(0.5)))
    }

    func testQuotedStringsEscapeQuotes() throws {
        XCTAssertEqual(try FilterExpression.parse("tags.note = 'it''s'"), .compare(field("tags", "note"), .equal, .string("it's")))
    }

    func assertError(_ text: String, column: Int, contains: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try FilterExpression.parse(text), file: file, line: line) { error in
            guard let e = error as? FilterError else { return XCTFail("not a FilterError: \(error)", file: file, line: line) }
            XCTAssertEqual(e.column, column, "\(e)", file: file, line: line)
            XCTAssertTrue(e.message.contains(contains), "\(e.message)", file: file, line: line)
            XCTAssertTrue(e.description.hasSuffix(String(repeating: " ", count: column - 1) + "^"), file: file, line: line)
        }
    }

    func testErrorsPointAtTheOffendingColumn() {
        assertError("metrics.auc > and", column: 15, contains: "expected a value after '>'")
        assertError("metrics.auc >", column: 14, contains: "expected a value")
        assertError("metrics.auc > 0.5 metrics.b > 1", column: 19, contains: "unexpected")
        assertError("(metrics.auc > 0.5", column: 19, contains: "expected ')'")
        assertError("auc > 0.5", column: 1, contains: "unknown field 'auc'")
        assertError("metric.auc > 'x", column: 14, contains: "unterminated string")
        assertError("foo.auc > 1", column: 1, contains: "unknown namespace 'foo'")
        assertError("params.a IN 'x'", column: 13, contains: "IN needs a list")
        assertError("name LIKE 3", column: 11, contains: "quoted pattern")
        assertError("metrics.a > 1 and", column: 18, contains: "expected a condition")
        assertError("metrics.a ! 1", column: 11, contains: "'!'")
        assertError("metrics.a > x", column: 13, contains: "quote text values")
        assertError("   ", column: 1, contains: "empty filter")
    }
}

extension FilterParserTests {
    func testFieldsCompareWithFields() throws {
        XCTAssertEqual(try FilterExpression.parse("metrics.auc >= 0.8 and metrics.auc > production.metrics.auc"),
                       .and(.compare(field("metrics", "auc"), .greaterOrEqual, .number(0.8)),
                            .compareFields(field("metrics", "auc"), .greater, field("production.metrics", "auc"))))
        XCTAssertEqual(try FilterExpression.parse("end_time > start_time"),
                       .compareFields(field("attributes", "end_time"), .greater, field("attributes", "start_time")))
    }
}
