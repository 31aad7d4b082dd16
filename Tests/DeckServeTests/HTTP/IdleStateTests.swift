import NIOCore
import XCTest
@testable import DeckServe

/// The idle rule the fast route's handler keeps for its connections, as Hummingbird keeps it.
final class IdleStateTests: XCTestCase {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func testAQuietConnectionIsClosedAtTheLimitAndNotBefore() {
        var state = IdleState(limit: .seconds(2), now: start)
        XCTAssertEqual(state.decide(now: start + .seconds(1), answering: false, reading: false), .check(at: start + .seconds(2)))
        XCTAssertEqual(state.decide(now: start + .seconds(2), answering: false, reading: false), .close)
        state.touch(start + .milliseconds(1_500))   // a request read or an answer written
        XCTAssertEqual(state.decide(now: start + .seconds(2), answering: false, reading: false), .check(at: start + .milliseconds(3_500)))
    }

    func testARequestBeingAnsweredIsNeverCutButOneReadTooSlowlyIs() {
        let state = IdleState(limit: .seconds(2), now: start)
        XCTAssertEqual(state.decide(now: start + .seconds(60), answering: true, reading: false), .wait)
        // A body still arriving (or a later request's head) slower than the limit: closed.
        XCTAssertEqual(state.decide(now: start + .seconds(60), answering: true, reading: true), .close)
        XCTAssertEqual(state.decide(now: start + .seconds(60), answering: false, reading: true), .close)
    }
}
