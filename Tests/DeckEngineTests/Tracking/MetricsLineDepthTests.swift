@testable import DeckEngine
import XCTest

/// The metrics-file line parser (FlatJSON) is depth-limited: a line nesting 100,000 objects is
/// refused with a column, not a stack overflow.
final class MetricsLineDepthTests: XCTestCase {
    func parse(_ text: String) throws -> MetricsLine {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { try MetricsLine.parse($0, lineNumber: 3, now: 0) }
    }

    func testDeepNestingIsRefusedCleanly() throws {
        for text in ["{\"params\": " + String(repeating: "{\"a\": ", count: 100_000) + "1" + String(repeating: "}", count: 100_001),
                     "{\"key\": \"x\", \"value\": " + String(repeating: "[", count: 100_000) + "\n"] {
            XCTAssertThrowsError(try parse(text)) { error in
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
        XCTAssertEqual(try parse("{\"key\": \"loss\", \"value\": 0.5, \"step\": 2}").metric?.value, 0.5)
    }
}
