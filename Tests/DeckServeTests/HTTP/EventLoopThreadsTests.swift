@testable import DeckServe
import XCTest

final class EventLoopThreadsTests: XCTestCase {
    /// Half the cores, never none: the other half is left to the servers' own threads and their clients.
    func testTheDefaultIsHalfTheCoresAndAtLeastOne() {
        XCTAssertEqual([0, 1, 2, 3, 4, 8, 64].map { EventLoopThreads.defaultCount(cores: $0) }, [1, 1, 1, 1, 2, 4, 32])
    }

    /// A group has the threads asked for, the default when none is, and stays within 1…maximum.
    func testTheCountIsWhatWasAskedForWithinBounds() {
        XCTAssertEqual(EventLoopThreads.count(3, cores: 2), 3)
        XCTAssertEqual(EventLoopThreads.count(nil, cores: 8), 4)
        XCTAssertEqual(EventLoopThreads.count(0, cores: 8), 1)
        XCTAssertEqual(EventLoopThreads.count(1_000, cores: 8), EventLoopThreads.maximum)
    }
}
