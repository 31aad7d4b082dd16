import DeckStore
import XCTest
@testable import DeckServe

final class HTTPLayerTests: XCTestCase {
    func testBearerTokenAcceptsOnlyTheExactToken() {
        let token = BearerToken("correct-horse-battery")
        XCTAssertTrue(token.accepts(authorization: "Bearer correct-horse-battery"))
        XCTAssertTrue(token.accepts(authorization: "bearer correct-horse-battery"))
        for wrong in [nil, "", "Bearer", "Bearer ", "Bearer correct-horse-batter", "Bearer correct-horse-battery2",
                      "Basic correct-horse-battery", "correct-horse-battery", "Bearer  correct-horse-battery"] {
            XCTAssertFalse(token.accepts(authorization: wrong), wrong ?? "nil")
        }
        XCTAssertTrue(BearerToken.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        XCTAssertFalse(BearerToken.constantTimeEqual(Array("abc".utf8), Array("abcd".utf8)))
        XCTAssertFalse(BearerToken.constantTimeEqual(Array("abc".utf8), []))
    }

    func testNonLoopbackBindNeedsAToken() throws {
        XCTAssertNil(try BindPolicy.token(host: "127.0.0.1", given: nil, environment: [:]))
        XCTAssertNil(try BindPolicy.token(host: "localhost", given: nil, environment: [:]))
        XCTAssertNil(try BindPolicy.token(host: "::1", given: nil, environment: [:]))
        XCTAssertThrowsError(try BindPolicy.token(host: "0.0.0.0", given: nil, environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("--token"), "\(error)")
        }
        XCTAssertThrowsError(try BindPolicy.token(host: "10.1.2.3", given: nil, environment: ["MLDECK_SERVE_TOKEN": ""]))
        XCTAssertNotNil(try BindPolicy.token(host: "0.0.0.0", given: nil, environment: ["MLDECK_SERVE_TOKEN": "0123456789ab"]))
        XCTAssertNotNil(try BindPolicy.token(host: "0.0.0.0", given: "0123456789ab", environment: [:]))
        XCTAssertThrowsError(try BindPolicy.token(host: "0.0.0.0", given: "short", environment: [:]))
    }

    func testEveryErrorCategoryMapsToAStatusAndCode() {
        let expected: [ErrorCategory: Int] = [.notFound: 404, .alreadyExists: 409, .invalidArgument: 400, .conflict: 409,
                                              .corrupt: 500, .busy: 503, .unavailable: 500]
        for category in ErrorCategory.allCases {
            let (status, code) = HTTPAPIError.statusAndCode(for: category)
            XCTAssertEqual(status.code, expected[category], "\(category)")
            XCTAssertFalse(code.isEmpty)
        }
        struct Opaque: Error {}
        let hidden = HTTPAPIError.from(Opaque())
        XCTAssertEqual(hidden.status.code, 500)
        XCTAssertFalse(hidden.message.contains("Opaque"))
        let body = HTTPAPIError.badRequest("column \"a\"\n").body
        XCTAssertEqual(body, #"{"error_code":"INVALID_PARAMETER_VALUE","message":"column \"a\"\n"}"#)
    }

    func testMetricsAreValidPrometheusText() {
        let metrics = RequestMetrics()
        metrics.record(status: 200, seconds: 0.0007)
        metrics.record(status: 200, seconds: 0.003)
        metrics.record(status: 400, seconds: 7)
        let text = metrics.prometheusText(extra: ["x_total 1"])
        for line in ["mldeck_serve_requests_total{status=\"200\"} 2", "mldeck_serve_requests_total{status=\"400\"} 1",
                     "mldeck_serve_request_duration_seconds_bucket{le=\"0.0005\"} 0",
                     "mldeck_serve_request_duration_seconds_bucket{le=\"0.001\"} 1",
                     "mldeck_serve_request_duration_seconds_bucket{le=\"0.005\"} 2",
                     "mldeck_serve_request_duration_seconds_bucket{le=\"5.0\"} 2",
                     "mldeck_serve_request_duration_seconds_bucket{le=\"+Inf\"} 3",
                     "mldeck_serve_request_duration_seconds_count 3", "# TYPE mldeck_serve_request_duration_seconds histogram", "x_total 1"] {
            XCTAssertTrue(text.contains(line + "\n"), "missing \(line) in\n\(text)")
        }
        XCTAssertEqual(metrics.requestCount, 3)
    }
}
