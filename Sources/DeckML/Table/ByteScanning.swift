import Foundation

/// Byte-level helpers shared by the readers.
enum ByteScanning {
    static let quote = UInt8(ascii: "\"")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    /// True when any byte in `[p, p+n)` has its high bit set (non-ASCII).
    static func hasNonASCII(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        var acc: UInt64 = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < n { acc |= UInt64(p[i]); i += 1 }
        return acc & 0x8080_8080_8080_8080 != 0
    }

    /// Offset of the first invalid UTF-8 byte in `[p, p+n)`, or nil when valid.
    static func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        while i < n {
            let b = p[i]
            if b < 0x80 { i += 1; continue }
            var need = 0
            var minCode: UInt32 = 0
            var code: UInt32 = 0
            if b & 0xE0 == 0xC0 { need = 1; code = UInt32(b & 0x1F); minCode = 0x80 }
            else if b & 0xF0 == 0xE0 { need = 2; code = UInt32(b & 0x0F); minCode = 0x800 }
            else if b & 0xF8 == 0xF0 { need = 3; code = UInt32(b & 0x07); minCode = 0x10000 }
            else { return i }
            if i + need >= n { return i }
            for k in 1...need {
                let c = p[i + k]
                if c & 0xC0 != 0x80 { return i }
                code = (code << 6) | UInt32(c & 0x3F)
            }
            if code < minCode || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) { return i }
            i += need + 1
        }
        return nil
    }

    /// The 1-based character column of `pos`, counting from the previous newline (not before `floor`).
    static func column(of pos: Int, in base: UnsafePointer<UInt8>, floor: Int) -> Int {
        var s = pos
        while s > floor && base[s - 1] != newline { s -= 1 }
        var chars = 0
        var i = s
        while i < pos { if base[i] & 0xC0 != 0x80 { chars += 1 }; i += 1 }
        return chars + 1
    }

    /// Index of the first `byte` in `[from, to)` of `base`, or nil.
    @inline(__always)
    static func find(_ byte: UInt8, in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let hit = memchr(base + from, Int32(byte), to - from) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    /// Number of newline bytes in `[from, to)`.
    static func countNewlines(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        var n = 0
        var i = from
        while i < to { if base[i] == newline { n += 1 }; i += 1 }
        return n
    }

    /// Number of `byte`s in `[from, to)` (8 bytes at a time, exact).
    static func count(_ byte: UInt8, in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        let raw = UnsafeRawPointer(base)
        let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        var n = 0
        var i = from
        while i + 8 <= to {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ pattern
            // High bit set exactly in the bytes of x that are zero.
            let zeros = ~(((x & low7) &+ low7) | x | low7)
            n += zeros.nonzeroBitCount
            i += 8
        }
        while i < to { if base[i] == byte { n += 1 }; i += 1 }
        return n
    }

    /// Record boundaries in `[from, to)`, where `from` is a record boundary: a boundary is the position
    /// just after a `\n` met outside quotes (an even number of quotes since `from`). Returns, for each
    /// sorted target, the first boundary whose newline lies at or after it (or nil), and the last
    /// boundary in the range.
    static func boundaries(_ base: UnsafePointer<UInt8>, from: Int, to: Int,
                           targets: [Int]) -> (splits: [Int?], last: Int?) {
        var splits = [Int?](repeating: nil, count: targets.count)
        var cursor = from
        var parityOdd = false
        for (k, t0) in targets.enumerated() {
            let t = max(t0, cursor)
            if t >= to { break }
            parityOdd = parityOdd != (count(quote, in: base, from: cursor, to: t) & 1 == 1)
            var i = t
            var found: Int?
            while i < to {
                let c = base[i]
                if c == quote { parityOdd.toggle() } else if c == newline && !parityOdd { found = i + 1; break }
                i += 1
            }
            guard let f = found else { cursor = to; break }
            splits[k] = f
            cursor = f
            parityOdd = false
        }
        // Last boundary: walk back over newlines until one has even parity (counted from the last
        // boundary found, where parity is even).
        let anchor = splits.compactMap { $0 }.last ?? from
        var quotesBefore = count(quote, in: base, from: anchor, to: to)
        var k = to - 1
        var lastNewline = to
        var last: Int?
        while k >= anchor {
            if base[k] == newline {
                quotesBefore -= count(quote, in: base, from: k, to: lastNewline)
                lastNewline = k
                if quotesBefore & 1 == 0 { last = k + 1; break }
            }
            k -= 1
        }
        if last == nil && anchor > from { last = anchor }
        return (splits, last)
    }

    /// Offset of the first invalid UTF-8 byte in `[from, to)` (8 ASCII bytes at a time), or nil.
    static func firstInvalidUTF8(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        let raw = UnsafeRawPointer(base)
        var i = from
        while i < to {
            if i + 8 <= to && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            if base[i] < 0x80 { i += 1; continue }
            // Validate one multi-byte sequence.
            let len = min(4, to - i)
            if let bad = firstInvalidUTF8(base + i, len), bad == 0 {
                // The sequence may simply be cut by `len`; check with the real remaining length.
                return i
            }
            let b = base[i]
            i += b & 0xE0 == 0xC0 ? 2 : (b & 0xF0 == 0xE0 ? 3 : 4)
        }
        return nil
    }

    /// Position of the quote that opened the field still open at `to`, scanning from boundary `from`.
    static func openQuote(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        var open: Int?
        var i = from
        while i < to {
            if base[i] == quote { open = open == nil ? i : nil }
            i += 1
        }
        return open
    }
}
