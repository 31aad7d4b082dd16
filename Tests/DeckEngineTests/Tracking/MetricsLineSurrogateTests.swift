import DeckEngine
import XCTest

/// Found by the `metrics-line` fuzzer: a `\u` high surrogate followed by another high surrogate
/// (not a low one) made `low - 0xDC00` underflow and trapped the process. Both are now lone
/// surrogates, read as U+FFFD.
final class MetricsLineSurrogateTests: XCTestCase {
    func testAHighSurrogateFollowedByAnotherHighSurrogateIsTwoReplacementCharacters() throws {
        let text = #"{"tags": {"note": "a\uDADD\uDADDb"}}"#
        let line = try Array(text.utf8).withUnsafeBufferPointer { try MetricsLine.parse($0, lineNumber: 1, now: 0) }
        XCTAssertEqual(line.tags["note"], "a\u{FFFD}\u{FFFD}b")
        let pair = try Array(#"{"tags": {"e": "\ud83d\ude00"}}"#.utf8).withUnsafeBufferPointer { try MetricsLine.parse($0, lineNumber: 1, now: 0) }
        XCTAssertEqual(pair.tags["e"], "😀")
    }
}
