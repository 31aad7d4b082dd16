@testable import DeckServe
import XCTest

final class EventLoopThreadsTests: XCTestCase {
    /// Scoring: a loop per core. Tracking: half the cores, the other half left to the commit
    /// thread. Never none.
    func testTheDefaultDependsOnWhatTheLoopsDo() {
        XCTAssertEqual([0, 1, 2, 3, 4, 8, 64].map { EventLoopThreads.defaultCount(.scoring, cores: $0) }, [1, 1, 2, 3, 4, 8, 64])
        XCTAssertEqual([0, 1, 2, 3, 4, 8, 64].map { EventLoopThreads.defaultCount(.tracking, cores: $0) }, [1, 1, 1, 1, 2, 4, 32])
    }

    /// A group has the threads asked for, the default when none is, and stays within 1…maximum.
    func testTheCountIsWhatWasAskedForWithinBounds() {
        XCTAssertEqual(EventLoopThreads.count(3, role: .tracking, cores: 2), 3)
        XCTAssertEqual(EventLoopThreads.count(nil, role: .tracking, cores: 8), 4)
        XCTAssertEqual(EventLoopThreads.count(nil, role: .scoring, cores: 8), 8)
        XCTAssertEqual(EventLoopThreads.count(0, role: .scoring, cores: 8), 1)
        XCTAssertEqual(EventLoopThreads.count(1_000, role: .scoring, cores: 8), EventLoopThreads.maximum)
    }
}
