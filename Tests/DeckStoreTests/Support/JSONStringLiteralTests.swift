import DeckStore
import Foundation
import XCTest

/// The hand-written JSON string literal reads back, through JSONSerialization, as the same string.
final class JSONStringLiteralTests: XCTestCase {
    func testEveryEscapeReadsBackAsTheOriginal() throws {
        for s in ["plain", "", "a\"b", "back\\slash", "line\nbreak\r\ttab", "\u{01}\u{1f}", "naïve ☃ 😀"] {
            let literal = JSONStringLiteral.quoted(s)
            let back = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
            XCTAssertEqual(back, [s], literal)
        }
        XCTAssertEqual(JSONStringLiteral.quoted("\u{01}"), "\"\\u0001\"")
    }
}
