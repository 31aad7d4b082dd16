import Foundation

/// What is wrong with a JSON Lines row, and where (1-based column in characters).
struct JSONLineProblem: Error {
    var column: Int
    var reason: String
}

/// A small parser for one JSON object per line that keeps member order and decodes values
/// straight into a byte buffer (no Foundation objects per cell).
final class JSONObjectLineParser {
    private var p: UnsafePointer<UInt8> = UnsafePointer(bitPattern: 1)!
    private var n = 0
    private var i = 0
    private var keyBuf: [UInt8] = []

    private func fail(_ reason: String, at pos: Int? = nil) -> JSONLineProblem {
        let at = min(pos ?? i, n)
        var chars = 0
        for k in 0..<at where p[k] & 0xC0 != 0x80 { chars += 1 }
        return JSONLineProblem(column: chars + 1, reason: reason)
    }

    private func skipSpace() {
        while i < n {
            let c = p[i]
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A { i += 1 } else { break }
        }
    }

    /// Parses the object in `[p, p+n)`. For each member, `column(key)` gives the column or -1 to skip it;
    /// when `out` is given, a kept member's value is decoded into `out` and `value(column, start, length)`
    /// reports where (length 0 for null).
    func parse(_ p: UnsafePointer<UInt8>, _ n: Int, out: UnsafeMutablePointer<UInt8>?,
               column: (String) -> Int, value: (Int, Int, Int) -> Void) throws(JSONLineProblem) {
        self.p = p
        self.n = n
        i = 0
        if ByteScanning.hasNonASCII(p, n), let bad = ByteScanning.firstInvalidUTF8(p, n) {
            throw fail("invalid UTF-8", at: bad)
        }
        var w = 0
        skipSpace()
        guard i < n, p[i] == UInt8(ascii: "{") else { throw fail("expected a JSON object") }
        i += 1
        skipSpace()
        if i < n && p[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                guard i < n, p[i] == ByteScanning.quote else { throw fail("expected a member name") }
                keyBuf.removeAll(keepingCapacity: true)
                try readString { keyBuf.append($0) }
                let key = String(decoding: keyBuf, as: UTF8.self)
                skipSpace()
                guard i < n, p[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipSpace()
                let col = column(key)
                if let out, col >= 0 {
                    let start = w
                    try readValue { out[w] = $0; w += 1 }
                    value(col, start, w - start)
                } else {
                    try readValue { _ in }
                }
                skipSpace()
                guard i < n else { throw fail("unterminated object") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "}") { i += 1; break }
                throw fail("expected ',' or '}'")
            }
        }
        skipSpace()
        if i < n { throw fail("unexpected text after the object") }
    }

    private func readString(_ emit: (UInt8) -> Void) throws(JSONLineProblem) {
        let open = i
        i += 1
        while i < n {
            let c = p[i]
            if c == ByteScanning.quote { i += 1; return }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < n else { break }
                let e = p[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""): emit(0x22)
                case UInt8(ascii: "\\"): emit(0x5C)
                case UInt8(ascii: "/"): emit(0x2F)
                case UInt8(ascii: "b"): emit(0x08)
                case UInt8(ascii: "f"): emit(0x0C)
                case UInt8(ascii: "n"): emit(0x0A)
                case UInt8(ascii: "r"): emit(0x0D)
                case UInt8(ascii: "t"): emit(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800 && code < 0xDC00, i + 1 < n, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low &- 0xDC00) & 0x3FF
                    }
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    for b in String(Character(scalar)).utf8 { emit(b) }
                default:
                    throw fail("invalid escape in string", at: i - 2)
                }
                continue
            }
            if c < 0x20 { throw fail("control character in string") }
            emit(c)
            i += 1
        }
        throw fail("unterminated string", at: open)
    }

    private func hex4() throws(JSONLineProblem) -> UInt32 {
        guard i + 4 <= n else { throw fail("bad \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = p[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("bad \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private func literal(_ word: StaticString, _ emit: (UInt8) -> Void, write: Bool) throws(JSONLineProblem) {
        let len = word.utf8CodeUnitCount
        guard i + len <= n else { throw fail("invalid value") }
        let w = word.utf8Start
        for k in 0..<len where p[i + k] != w[k] { throw fail("invalid value") }
        if write { for k in 0..<len { emit(w[k]) } }
        i += len
    }

    private func readValue(_ emit: (UInt8) -> Void) throws(JSONLineProblem) {
        guard i < n else { throw fail("missing value") }
        let c = p[i]
        switch c {
        case ByteScanning.quote:
            try readString(emit)
        case UInt8(ascii: "t"): try literal("true", emit, write: true)
        case UInt8(ascii: "f"): try literal("false", emit, write: true)
        case UInt8(ascii: "n"): try literal("null", emit, write: false)
        case UInt8(ascii: "-"), 0x30...0x39:
            let s = i
            var digits = 0
            while i < n {
                let d = p[i]
                if d >= 0x30 && d <= 0x39 { digits += 1 }
                else if d != UInt8(ascii: "-") && d != UInt8(ascii: "+") && d != UInt8(ascii: ".")
                            && d != UInt8(ascii: "e") && d != UInt8(ascii: "E") { break }
                i += 1
            }
            if digits == 0 { throw fail("invalid number", at: s) }
            for k in s..<i { emit(p[k]) }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let s = i
            var depth = 0
            while i < n {
                let d = p[i]
                if d == ByteScanning.quote {
                    try readString { _ in }
                    continue
                }
                if d == UInt8(ascii: "{") || d == UInt8(ascii: "[") { depth += 1 }
                if d == UInt8(ascii: "}") || d == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { i += 1; break }
                }
                i += 1
            }
            if depth != 0 { throw fail("unterminated array or object", at: s) }
            for k in s..<i { emit(p[k]) }
        default:
            throw fail("invalid value")
        }
    }
}
