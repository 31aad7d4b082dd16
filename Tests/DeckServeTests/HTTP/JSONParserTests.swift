import XCTest
@testable import DeckServe

final class JSONParserTests: XCTestCase {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    func testValuesAndMemberOrder() throws {
        let v = try parse(#" {"b": [1, -2.5e3, true, null, "x\u00e9\n"], "a": {"NaN": NaN}, "z": -Infinity} "#)
        guard case .object(let keys, _) = v else { return XCTFail("not an object") }
        XCTAssertEqual(keys, ["b", "a", "z"])
        XCTAssertEqual(v["b"], .array([.number(1), .number(-2500), .bool(true), .null, .string("xé\n")]))
        if case .number(let n)? = v["a"]?["NaN"] { XCTAssertTrue(n.isNaN) } else { XCTFail("NaN") }
        XCTAssertEqual(v["z"], .number(-.infinity))
        XCTAssertEqual(try parse(#""\ud83d\ude00""#), .string("😀"))
    }

    func testErrorsGiveLineAndColumn() {
        let cases: [(String, Int, Int, String)] = [
            ("{\"a\": 1,\n \"b\" 2}", 2, 6, "expected ':'"),
            ("[1, 2", 1, 6, "not closed"),
            ("{\"a\": tru}", 1, 7, "unexpected character"),
            ("[1] x", 1, 5, "after the JSON value"),
            ("\"é\u{1}\"", 1, 3, "control character"),
            ("", 1, 1, "unexpected end"),
            ("[01.]", 1, 5, "digit after '.'"),
        ]
        for (text, line, column, reason) in cases {
            XCTAssertThrowsError(try parse(text), text) { error in
                guard let e = error as? JSONSyntaxError else { return XCTFail("\(error)") }
                XCTAssertEqual(e.line, line, "\(text): \(e)")
                XCTAssertEqual(e.column, column, "\(text): \(e)")
                XCTAssertTrue(e.reason.contains(reason), "\(text): \(e)")
            }
        }
    }

    func testDeepNestingIsRefusedNotACrash() {
        XCTAssertThrowsError(try JSONParser.parse([UInt8](repeating: UInt8(ascii: "["), count: 100_000))) { error in
            XCTAssertTrue("\(error)".contains("nested deeper than 64"), "\(error)")
        }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xFF, 0x22]))   // not UTF-8
    }

    /// Plain ASCII strings, other UTF-8 text and numbers read back exactly whichever path reads them.
    func testStringsAndNumbersReadBackExactly() throws {
        let value = try parse(#"{"a": "plain", "b": "naïve 日本 🚀", "c": 0.3333333333333333, "d": -1.5e-7, "e": "x\ty", "f": 12345678901234567}"#)
        XCTAssertEqual(value["a"], .string("plain"))
        XCTAssertEqual(value["b"], .string("naïve 日本 🚀"))
        XCTAssertEqual(value["c"], .number(1.0 / 3.0))
        XCTAssertEqual(value["d"], .number(-1.5e-7))
        XCTAssertEqual(value["e"], .string("x\ty"))
        XCTAssertEqual(value["f"], .number(12345678901234567))
        XCTAssertThrowsError(try JSONParser.parse(Array(#"["ok", "\#u{FF}"]"#.utf8) + [0x22, 0xC3, 0x28, 0x22]))   // a broken sequence after valid text
    }

    /// Numbers read without a text round trip (at most 15 digits, decimal exponent within ±22)
    /// are the very Doubles `strtod` makes of their text, bit for bit; the rest take the text path.
    func testNumbersMatchStrtodOnEitherPath() throws {
        var texts = ["0", "-0", "-0.0", "0.0", "1.0", "29.85", "0.1", "0.3", "-2.5e-3", "1e22", "1e23", "9e-22", "1e-23",
                     "123456789012345", "123456789012345.6", "1234567890123456", "0.000000000000001", "5e-324", "1.7976931348623157e308",
                     "1E+2", "1e400", "-1e-400", "4.35", "99.99", "0.30000000000000004", "100000000000000000000000"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let digits = Int.random(in: 1...17, using: &generator)
            var text = String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            let point = Int.random(in: 0...digits, using: &generator)
            if point < digits { text.insert(".", at: text.index(text.startIndex, offsetBy: max(1, point))) }
            if text.hasSuffix(".") { text += "5" }
            if Bool.random(using: &generator) { text += "e\(Int.random(in: -30...30, using: &generator))" }
            texts.append(Bool.random(using: &generator) ? "-" + text : text)
        }
        for text in texts {
            guard case .number(let read) = try parse(text), let expected = strtod(text, nil) as Double? else {
                return XCTFail("\(text) is not read as a number")
            }
            XCTAssertEqual(read.bitPattern, expected.bitPattern, "\(text): \(read) against strtod's \(expected)")
        }
    }

    /// Values are stored inline, not boxed: an `indirect` enum is one pointer wide and allocates
    /// a box per number and string (~45 for a single-row prediction body).
    func testValuesAreNotBoxed() {
        XCTAssertGreaterThan(MemoryLayout<JSONValue>.size, MemoryLayout<UnsafeRawPointer>.size)
        XCTAssertEqual(JSONValue.number(2.5), .number(2.5))
    }
}
