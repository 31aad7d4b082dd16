@testable import DeckServe
import XCTest

final class EventLoopThreadsTests: XCTestCase {
    /// Routed servers: half the cores, never none (the handlers have Swift's pool, the loops only move bytes).
    func testTheRoutedDefaultIsHalfTheCoresAndAtLeastOne() {
        XCTAssertEqual([0, 1, 2, 3, 4, 8, 64].map { EventLoopThreads.defaultCount(for: .pool, cores: $0) }, [1, 1, 1, 1, 2, 4, 32])
    }

    /// Servers that answer on their loops: a loop per core, never none.
    func testTheLoopWorkersDefaultIsALoopPerCore() {
        XCTAssertEqual([0, 1, 2, 3, 8].map { EventLoopThreads.defaultCount(for: .loops, cores: $0) }, [1, 1, 2, 3, 8])
    }

    /// A group has the threads asked for, the default when none is, and stays within 1…maximum.
    func testTheCountIsWhatWasAskedForWithinBounds() {
        XCTAssertEqual(EventLoopThreads.count(3, for: .pool, cores: 2), 3)
        XCTAssertEqual(EventLoopThreads.count(nil, for: .pool, cores: 8), 4)
        XCTAssertEqual(EventLoopThreads.count(nil, for: .loops, cores: 8), 8)
        XCTAssertEqual(EventLoopThreads.count(0, for: .loops, cores: 8), 1)
        XCTAssertEqual(EventLoopThreads.count(1_000, for: .loops, cores: 8), EventLoopThreads.maximum)
    }
}
