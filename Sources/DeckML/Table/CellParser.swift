import Foundation

/// What a cell's text looks like, in the order type inference cares about.
enum CellKind: UInt8 {
    case missing, integer, float, boolean, datetime, text
}

/// Recognizes numbers, booleans and ISO 8601 datetimes in a cell's bytes without making a `String`.
///
/// - integers: optional sign, digits (surrounding spaces/tabs allowed, like pandas);
/// - floats: decimal or exponent notation, `inf`/`infinity` with optional sign (any case);
/// - booleans: `True`, `TRUE`, `true`, `False`, `FALSE`, `false` (pandas' defaults);
/// - datetimes: `YYYY-MM-DD`, optionally `T` or space then `HH:MM[:SS[.fff…]]` and `Z` or `±HH[:]MM`.
enum CellParser {
    private static let powersOf10: [Double] = (0...22).map { Double("1e\($0)")! }

    /// Parses a number. Returns nil when the bytes are not a number; `isInteger` when written as an integer.
    @inline(__always)
    static func parseNumber(_ p: UnsafePointer<UInt8>, _ n: Int) -> (value: Double, isInteger: Bool)? {
        var i = 0
        var end = n
        while i < end && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
        while end > i && (p[end - 1] == 0x20 || p[end - 1] == 0x09) { end -= 1 }
        if i >= end { return nil }
        var negative = false
        if p[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if p[i] == UInt8(ascii: "+") { i += 1 }
        if i >= end { return nil }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var digits = 0
        var isInteger = true
        // Integer part.
        while i < end {
            let d = p[i] &- 0x30
            if d > 9 { break }
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { significant += 1 }
            } else {
                exponent += 1
            }
            digits += 1
            i += 1
        }
        if i < end && p[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            while i < end {
                let d = p[i] &- 0x30
                if d > 9 { break }
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                }
                digits += 1
                i += 1
            }
        }
        if digits == 0 {
            return parseInfinity(p, n)
        }
        if i < end && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            isInteger = false
            i += 1
            var expNegative = false
            if i < end && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                expNegative = p[i] == UInt8(ascii: "-"); i += 1
            }
            var e = 0
            var expDigits = 0
            while i < end {
                let d = p[i] &- 0x30
                if d > 9 { break }
                if e < 100_000 { e = e * 10 + Int(d) }
                expDigits += 1
                i += 1
            }
            if expDigits == 0 { return nil }
            exponent += expNegative ? -e : e
        }
        if i != end { return nil }
        if isInteger && significant >= 19 && exponent == 0 && mantissa > UInt64(Int64.max) {
            isInteger = false
        }
        if isInteger && exponent > 0 { isInteger = false }
        var value: Double
        if mantissa == 0 {
            value = 0
        } else if mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            value = Double(mantissa)
            if exponent < 0 { value /= powersOf10[-exponent] } else if exponent > 0 { value *= powersOf10[exponent] }
        } else if isInteger {
            value = Double(mantissa)
        } else {
            value = slowParse(p, n)
            return (value, false)
        }
        return (negative ? -value : value, isInteger)
    }

    private static func slowParse(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf in
            for k in 0..<n { buf[k] = CChar(bitPattern: p[k]) }
            buf[n] = 0
            return strtod(buf.baseAddress!, nil)
        }
    }

    private static func parseInfinity(_ p: UnsafePointer<UInt8>, _ n: Int) -> (value: Double, isInteger: Bool)? {
        var i = 0
        var end = n
        while i < end && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
        while end > i && (p[end - 1] == 0x20 || p[end - 1] == 0x09) { end -= 1 }
        var negative = false
        if i < end && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) { negative = p[i] == UInt8(ascii: "-"); i += 1 }
        let len = end - i
        guard len == 3 || len == 8 else { return nil }
        let word: [UInt8] = Array("infinity".utf8)
        for k in 0..<len where p[i + k] | 0x20 != word[k] { return nil }
        return (negative ? -.infinity : .infinity, false)
    }

    /// `true`/`false` for pandas' boolean words, nil otherwise.
    @inline(__always)
    static func parseBool(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        if n == 4 {
            let c0 = p[0], c1 = p[1], c2 = p[2], c3 = p[3]
            if (c0 == 0x54 || c0 == 0x74) && c1 == 0x72 && c2 == 0x75 && c3 == 0x65 { return true }   // True/true
            if c0 == 0x54 && c1 == 0x52 && c2 == 0x55 && c3 == 0x45 { return true }                    // TRUE
        } else if n == 5 {
            let c0 = p[0], c1 = p[1], c2 = p[2], c3 = p[3], c4 = p[4]
            if (c0 == 0x46 || c0 == 0x66) && c1 == 0x61 && c2 == 0x6C && c3 == 0x73 && c4 == 0x65 { return false }
            if c0 == 0x46 && c1 == 0x41 && c2 == 0x4C && c3 == 0x53 && c4 == 0x45 { return false }
        }
        return nil
    }

    @inline(__always)
    private static func digits(_ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        var v = 0
        for k in 0..<count {
            let d = p[at + k] &- 0x30
            if d > 9 { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Seconds since the Unix epoch (UTC) of an ISO 8601 date or datetime, or nil.
    static func parseDatetime(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        guard n >= 10, p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"),
              let y = digits(p, 0, 4), let mo = digits(p, 5, 2), let d = digits(p, 8, 2),
              mo >= 1, mo <= 12, d >= 1, d <= 31 else { return nil }
        var seconds = Double(daysFromCivil(y, mo, d) * 86400)
        if n == 10 { return seconds }
        guard n >= 16, p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: " "), p[13] == UInt8(ascii: ":"),
              let hh = digits(p, 11, 2), let mm = digits(p, 14, 2), hh < 24, mm < 60 else { return nil }
        seconds += Double(hh * 3600 + mm * 60)
        var i = 16
        if i < n && p[i] == UInt8(ascii: ":") {
            guard i + 3 <= n, let ss = digits(p, i + 1, 2), ss <= 60 else { return nil }
            seconds += Double(ss)
            i += 3
            if i < n && (p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",")) {
                i += 1
                var scale = 0.1
                var frac = 0.0
                let s = i
                while i < n, p[i] &- 0x30 <= 9 { frac += Double(p[i] - 0x30) * scale; scale /= 10; i += 1 }
                if i == s { return nil }
                seconds += frac
            }
        }
        if i == n { return seconds }
        if p[i] == UInt8(ascii: "Z") && i + 1 == n { return seconds }
        if p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") {
            let sign: Double = p[i] == UInt8(ascii: "+") ? 1 : -1
            let rest = n - i - 1
            guard let oh = rest >= 2 ? digits(p, i + 1, 2) : nil else { return nil }
            var om = 0
            if rest == 5 && p[i + 3] == UInt8(ascii: ":") { guard let v = digits(p, i + 4, 2) else { return nil }; om = v }
            else if rest == 4 { guard let v = digits(p, i + 3, 2) else { return nil }; om = v }
            else if rest != 2 { return nil }
            return seconds - sign * Double(oh * 3600 + om * 60)
        }
        return nil
    }

    /// Classifies a non-missing cell and gives its numeric value (epoch seconds for datetimes, 1/0 for booleans).
    @inline(__always)
    static func classify(_ p: UnsafePointer<UInt8>, _ n: Int) -> (kind: CellKind, value: Double) {
        let c = p[0]
        if (c &- 0x30) <= 9 || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
            || c == 0x20 || c == 0x09 || c | 0x20 == UInt8(ascii: "i") {
            if let (v, isInt) = parseNumber(p, n) { return (isInt ? .integer : .float, v) }
            if n >= 10, let t = parseDatetime(p, n) { return (.datetime, t) }
            return (.text, 0)
        }
        if let b = parseBool(p, n) { return (.boolean, b ? 1 : 0) }
        return (.text, 0)
    }
}

/// Decides whether a cell is missing: empty, or equal to one of the extra NA tokens.
struct MissingValueMatcher: Sendable {
    let tokens: [[UInt8]]
    let lengths: UInt64

    init(tokens: [String]) {
        self.tokens = tokens.map { Array($0.utf8) }.filter { !$0.isEmpty }
        var mask: UInt64 = 0
        for t in self.tokens { mask |= 1 << UInt64(min(t.count, 63)) }
        lengths = mask
    }

    @inline(__always)
    func isMissing(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n == 0 { return true }
        if lengths == 0 || lengths & (1 << UInt64(min(n, 63))) == 0 { return false }
        for t in tokens where t.count == n {
            if t.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, n) == 0 }) { return true }
        }
        return false
    }
}
