import Foundation

/// A problem found in one record by a tokenizer, with its position in the buffer.
struct RecordProblem {
    enum Kind { case unclosedQuote, wrongFieldCount(expected: Int, found: Int), invalidUTF8 }
    var kind: Kind
    /// Line of the problem relative to the segment's line base (already added when known).
    var line: Int
    var column: Int
}

/// Splits a buffer segment into records and fields (RFC 4180 with quote parity: a `"` opens or
/// closes quoting anywhere in a field, `""` inside quotes is a literal quote). Quoted fields are
/// unescaped in place. Reused across segments by one lane.
final class DelimitedTokenizer {
    let delimiter: UInt8
    /// Expected fields per record; 0 accepts any number (header).
    var expectedFields: Int
    private(set) var starts: UnsafeMutablePointer<Int>
    private(set) var lens: UnsafeMutablePointer<Int>
    private var capacity: Int

    /// 1 for bytes that end the fast unquoted scan: the delimiter, CR, LF and the quote.
    private let special: UnsafeMutablePointer<UInt8>

    init(delimiter: UInt8, expectedFields: Int) {
        self.delimiter = delimiter
        special = .allocate(capacity: 256)
        special.initialize(repeating: 0, count: 256)
        for b in [delimiter, ByteScanning.newline, ByteScanning.carriageReturn, ByteScanning.quote] { special[Int(b)] = 1 }
        self.expectedFields = expectedFields
        capacity = max(16, expectedFields + 2)
        starts = .allocate(capacity: capacity)
        lens = .allocate(capacity: capacity)
    }

    deinit {
        special.deallocate()
        starts.deallocate()
        lens.deallocate()
    }

    private func grow() {
        let newCap = capacity * 2
        let s = UnsafeMutablePointer<Int>.allocate(capacity: newCap)
        let l = UnsafeMutablePointer<Int>.allocate(capacity: newCap)
        s.update(from: starts, count: capacity)
        l.update(from: lens, count: capacity)
        starts.deallocate()
        lens.deallocate()
        starts = s
        lens = l
        capacity = newCap
    }

    /// Tokenizes `[start, end)` of `base` (a record boundary up to a boundary or the end of file).
    /// Calls `onRecord` for each well-formed record and `onProblem` for a malformed one; `onProblem`
    /// returns false to stop. Returns the number of lines passed (newlines, lone CRs).
    @discardableResult
    func run(base: UnsafeMutablePointer<UInt8>, start: Int, end: Int, fileOffset: Int64, lineBase: Int,
             validateUTF8: Bool,
             onRecord: (TableRecord) -> Void,
             onProblem: (RecordProblem) -> Bool) -> Int {
        let delim = delimiter
        let quote = ByteScanning.quote
        let lf = ByteScanning.newline
        let cr = ByteScanning.carriageReturn
        // Per-field UTF-8 checks only when the segment holds an invalid sequence somewhere.
        let checkFields = validateUTF8 && ByteScanning.firstInvalidUTF8(base, from: start, to: end) != nil
        let special = self.special
        var starts = self.starts
        var lens = self.lens
        var capacity = self.capacity
        var p = start
        var line = 0
        while p < end {
            let recStart = p
            let recLine = line
            var n = 0
            var openQuote = -1
            var sawQuote = false
            var terminator = end
            fieldLoop: while true {
                if n == capacity {
                    grow()
                    starts = self.starts
                    lens = self.lens
                    capacity = self.capacity
                }
                let fs = p
                var c: UInt8 = 0
                // Fast path: unquoted bytes.
                while p < end {
                    c = base[p]
                    if special[Int(c)] != 0 { break }
                    p += 1
                }
                var w = p
                if p < end && c == quote {
                    // General path with quote parity and in-place unescaping.
                    sawQuote = true
                    var inQ = false
                    while p < end {
                        c = base[p]
                        if inQ {
                            if c == quote {
                                if p + 1 < end && base[p + 1] == quote {
                                    base[w] = quote; w += 1; p += 2; continue
                                }
                                inQ = false; p += 1; continue
                            }
                            if c == lf { line += 1 }
                            base[w] = c; w += 1; p += 1
                        } else {
                            if c == delim || c == lf || c == cr { break }
                            if c == quote { inQ = true; openQuote = p; p += 1; continue }
                            base[w] = c; w += 1; p += 1
                        }
                    }
                    if inQ {
                        let col = ByteScanning.column(of: openQuote, in: base, floor: start)
                        let l = lineBase + recLine + ByteScanning.countNewlines(base, from: recStart, to: openQuote)
                        _ = onProblem(RecordProblem(kind: .unclosedQuote, line: l, column: col))
                        return line
                    }
                }
                starts[n] = fs
                lens[n] = w - fs
                n += 1
                if p >= end { terminator = end; break fieldLoop }
                c = base[p]
                if c == delim { p += 1; continue fieldLoop }
                terminator = p
                if c == cr {
                    p += 1
                    if p < end && base[p] == lf { p += 1 }
                } else {
                    p += 1
                }
                line += 1
                break fieldLoop
            }
            // Blank line.
            if n == 1 && lens[0] == 0 && !sawQuote { continue }
            if expectedFields > 0 && n != expectedFields {
                let pos = n > expectedFields ? starts[expectedFields] : terminator
                let col = ByteScanning.column(of: pos, in: base, floor: start)
                let l = lineBase + recLine + ByteScanning.countNewlines(base, from: recStart, to: pos)
                if !onProblem(RecordProblem(kind: .wrongFieldCount(expected: expectedFields, found: n),
                                            line: l, column: col)) { return line }
                continue
            }
            if checkFields {
                var bad = -1
                for i in 0..<n {
                    if let off = ByteScanning.firstInvalidUTF8(base + starts[i], lens[i]) {
                        bad = starts[i] + off
                        break
                    }
                }
                if bad >= 0 {
                    let col = ByteScanning.column(of: bad, in: base, floor: start)
                    let l = lineBase + recLine + ByteScanning.countNewlines(base, from: recStart, to: bad)
                    if !onProblem(RecordProblem(kind: .invalidUTF8, line: l, column: col)) { return line }
                    continue
                }
            }
            onRecord(TableRecord(count: n, offset: fileOffset + Int64(recStart), line: lineBase + recLine,
                                 base: UnsafePointer(base), starts: starts, lens: lens))
        }
        return line
    }
}
