@testable import DeckTUI
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Item 10 of issue 8: the dashboard notices that its input has gone (and so stops waiting for keys).
/// A pipe stands in for the terminal here (its writer closing is the same hang-up `poll` reports
/// for a closed terminal); `DashboardHangupTests` closes a real tmux terminal under the dashboard.
final class TerminalHangupTests: XCTestCase {
    func testAnInputWhoseOtherSideClosedReadsAsHungUp() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]) }
        XCTAssertFalse(TerminalSession.inputHungUp(fds[0]), "an open input with nothing to read is not hung up")
        close(fds[1])
        XCTAssertTrue(TerminalSession.inputHungUp(fds[0]), "once the other side closes, input has hung up")
        XCTAssertTrue(TerminalSession.inputHungUp(-1), "no descriptor at all counts as gone")
    }
}
