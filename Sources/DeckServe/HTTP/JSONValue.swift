/// A JSON value read from a request body. Objects keep their members' order (a
/// `dataframe_records` row's columns come back in the order the client wrote them).
///
/// Not `indirect`: arrays already hold their elements out of line, and an indirect enum boxes every
/// payload — one allocation per number and string of a body (~45 for a single-row prediction).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(keys: [String], values: [JSONValue])

    /// The member named `key` of an object (the first, if repeated).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let keys, let values) = self, let i = keys.firstIndex(of: key) else { return nil }
        return values[i]
    }

    /// Whether `a` and `b` are the same value, numbers compared by their bits (NaN is NaN), for
    /// checks that two readers of one body agree.
    static func sameBits(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x.bitPattern == y.bitPattern
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { sameBits($0, $1) }
        case (.object(let kx, let vx), .object(let ky, let vy)):
            return kx == ky && vx.count == vy.count && zip(vx, vy).allSatisfy { sameBits($0, $1) }
        default: return a == b
        }
    }

    /// A short name of the value's kind for messages (`a string`, `an array`, …).
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Why a body is not JSON, and where: 1-based line and column (in characters) and the byte offset.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int
    public var reason: String

    public var description: String { "malformed JSON at line \(line), column \(column) (byte \(offset)): \(reason)" }
}

/// A small strict JSON parser (RFC 8259, plus `NaN`/`Infinity` as Python's `json` writes them,
/// and one leniency: a number's leading zeros, `007`, are read as 7) that reports the position of
/// the first error and limits nesting, so no body can exhaust the stack.
public struct JSONParser {
    /// Deepest nesting accepted.
    public static let maxDepth = 64

    let bytes: [UInt8]
    var i = 0
    /// The members of the arrays and objects being read, innermost last: each array is made once,
    /// at its end, instead of growing by doubling (a 20-column row regrew 5 times).
    private var pending: [JSONValue] = []
    private var pendingKeys: [String] = []

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one JSON value filling the whole of `bytes` (surrounding white space allowed).
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        if parser.i < bytes.count { throw parser.fail("unexpected text after the JSON value") }
        return value
    }

    func fail(_ reason: String) -> JSONSyntaxError {
        let end = min(i, bytes.count)
        var line = 1, column = 1
        for k in 0..<end {
            if bytes[k] == 0x0A { line += 1; column = 1 } else if bytes[k] & 0xC0 != 0x80 { column += 1 }
        }
        return JSONSyntaxError(line: line, column: column, offset: end, reason: reason)
    }

    mutating func skipSpace() {
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 } else { return }
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("unexpected character") }
        i += w.count
        return value
    }

    mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard i < bytes.count else { throw fail("unexpected end of the body") }
        if depth > Self.maxDepth { throw fail("nested deeper than \(Self.maxDepth) levels") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "N"): return try literal("NaN", .number(.nan))
        case UInt8(ascii: "I"): return try literal("Infinity", .number(.infinity))
        default: return try number()
        }
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        i += 1
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1; return .object(keys: [], values: []) }
        let base = pending.count, keyBase = pendingKeys.count
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a member name in double quotes") }
            pendingKeys.append(try string())
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            skipSpace()
            pending.append(try value(depth: depth + 1))
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end of the body (an object is not closed)") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") {
                i += 1
                let object = JSONValue.object(keys: Array(pendingKeys[keyBase...]), values: Array(pending[base...]))
                pendingKeys.removeSubrange(keyBase...)
                pending.removeSubrange(base...)
                return object
            }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        i += 1
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "]") { i += 1; return .array([]) }
        let base = pending.count
        while true {
            skipSpace()
            pending.append(try value(depth: depth + 1))
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end of the body (an array is not closed)") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") {
                i += 1
                let items = Array(pending[base...])
                pending.removeSubrange(base...)
                return .array(items)
            }
            throw fail("expected ',' or ']'")
        }
    }

    mutating func string() throws(JSONSyntaxError) -> String {
        i += 1
        // Fast path: a string without escapes is one slice of the body.
        let start = i
        var ascii = true
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                // ASCII is valid UTF-8 as it stands: only other text is validated.
                if ascii { return text(start..<(i - 1)) }
                guard let text = validated(start..<(i - 1)) else { throw fail("a string is not valid UTF-8") }
                return text
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { break }
            if c >= 0x80 { ascii = false }
            i += 1
        }
        var out = Array(bytes[start..<i])
        while true {
            guard i < bytes.count else { throw fail("unexpected end of the body (a string is not closed)") }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { i += 1; break }
            if c < 0x20 { throw fail("control character in a string") }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw fail("unexpected end of the body (a string is not closed)") }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate in a \\u escape")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate in a \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                i -= 1
                throw fail("invalid escape in a string")
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw fail("a string is not valid UTF-8") }
        return text
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("unexpected end of the body in a \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    /// Powers of ten that a Double holds exactly (10^0 … 10^22).
    /// (5^22 < 2^53, so each product below is exact.)
    private static let exactPowersOfTen: [Double] = (0...22).reduce(into: []) { powers, k in powers.append(k == 0 ? 1 : powers[k - 1] * 10) }

    /// A number. Most are read without a text round trip: with at most 15 digits (so the digits
    /// are an exact integer M) and a decimal exponent e within ±22 (so 10^|e| is exact), M × 10^e
    /// or M ÷ 10^-e is one correctly rounded operation — the value `strtod` gives (Clinger's fast
    /// path). Python's `json` writes every float with a fraction (`1.0`), so this is most numbers
    /// of a request; the text round trip cost ~900 instructions each.
    private mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = i
        let negative = i < bytes.count && bytes[i] == UInt8(ascii: "-")
        if negative {
            i += 1
            if i < bytes.count && bytes[i] == UInt8(ascii: "I") { _ = try literal("Infinity", .null); return .number(-.infinity) }
        }
        var mantissa: UInt64 = 0, digits = 0, fractionDigits = 0
        let digitsStart = i
        while i < bytes.count, (0x30...0x39).contains(bytes[i]) { mantissa = mantissa &* 10 &+ UInt64(bytes[i] - 0x30); i += 1 }
        guard i > digitsStart else { i = start; throw fail("unexpected character") }
        digits = i - digitsStart
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            i += 1
            let f = i
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { mantissa = mantissa &* 10 &+ UInt64(bytes[i] - 0x30); i += 1 }
            guard i > f else { throw fail("expected a digit after '.'") }
            fractionDigits = i - f
            digits += fractionDigits
        }
        var exponent = 0, exponentFits = true
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            var exponentNegative = false
            if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { exponentNegative = bytes[i] == UInt8(ascii: "-"); i += 1 }
            let e = i
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) {
                if exponent < 10_000 { exponent = exponent * 10 + Int(bytes[i] - 0x30) } else { exponentFits = false }
                i += 1
            }
            guard i > e else { throw fail("expected a digit in the exponent") }
            if exponentNegative { exponent = -exponent }
        }
        let scale = exponent - fractionDigits
        if digits <= 15, exponentFits, abs(scale) <= 22 {
            let m = Double(mantissa)   // < 10^15 < 2^53: exact
            let v = scale >= 0 ? m * Self.exactPowersOfTen[scale] : m / Self.exactPowersOfTen[-scale]
            return .number(negative ? -v : v)
        }
        guard let v = Double(text(start..<i)) else { i = start; throw fail("not a number") }
        return .number(v)
    }

    /// The bytes in `range` as text, taken as UTF-8 without checking (callers checked them).
    /// Through a buffer pointer, not an `ArraySlice`: the slice's generic path looked up type
    /// metadata for every string, a tenth of a 1,000-point `log-batch` request.
    private func text(_ range: Range<Int>) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// The bytes in `range` as text when they are valid UTF-8.
    private func validated(_ range: Range<Int>) -> String? {
        bytes.withUnsafeBufferPointer { String(validating: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }
}
