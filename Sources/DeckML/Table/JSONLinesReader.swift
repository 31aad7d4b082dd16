import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads JSON Lines files: one JSON object per line. Columns are the union of the objects' keys in
/// first-seen order. Strings become their text, numbers their literal text, `true`/`false` the words,
/// `null` (and absent keys) a missing cell, nested arrays/objects their JSON text.
enum JSONLinesReader {
    /// The longest line read, in bytes: one row is never more than this.
    static let maxLineBytes = 256 << 20

    /// Calls `body` for each non-blank line with its 1-based number and file offset. A line longer
    /// than `maxLineBytes` is an error naming it.
    static func forEachLine(path: String, chunkSize: Int, openSource: (String) throws -> any TableByteSource,
                            maxLineBytes: Int = JSONLinesReader.maxLineBytes,
                            _ body: (UnsafeMutablePointer<UInt8>, Int, Int, Int64) throws -> Bool) throws {
        let source = try openSource(path)
        var cap = max(chunkSize, 1 << 16)
        var buf = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
        defer { buf.deallocate() }
        var filled = 0
        var eof = false
        var line = 1
        var fileOffset: Int64 = 0
        var first = true
        while true {
            while filled < cap && !eof {
                let n = try source.read(into: buf + filled, count: cap - filled)
                if n == 0 { eof = true } else { filled += n }
            }
            var p = 0
            if first {
                first = false
                if filled >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { p = 3 }
            }
            var consumedAny = false
            while p < filled {
                guard let e = ByteScanning.find(ByteScanning.newline, in: buf, from: p, to: filled) else { break }
                var le = e
                if le > p && buf[le - 1] == ByteScanning.carriageReturn { le -= 1 }
                if le > p {
                    if try !body(buf + p, le - p, line, fileOffset + Int64(p)) { return }
                }
                line += 1
                p = e + 1
                consumedAny = true
            }
            if eof {
                if p < filled {
                    var le = filled
                    if buf[le - 1] == ByteScanning.carriageReturn { le -= 1 }
                    if le > p { _ = try body(buf + p, le - p, line, fileOffset + Int64(p)) }
                }
                return
            }
            let rest = filled - p
            if rest > 0 { memmove(buf, buf + p, rest) }
            fileOffset += Int64(p)
            filled = rest
            if !consumedAny && filled == cap {
                guard cap < maxLineBytes else {
                    throw TableParseError.invalidJSON(file: path, line: line, column: 1,
                                                      reason: "the line is longer than \(maxLineBytes >> 20 > 0 ? "\(maxLineBytes >> 20) MiB" : "\(maxLineBytes) bytes"); one row must be smaller")
                }
                let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: cap * 2)
                nb.update(from: buf, count: filled)
                buf.deallocate()
                buf = nb
                cap *= 2
            }
        }
    }

    /// Reads `path`, giving each object's cells to `sink` as a record over the union of keys.
    static func read<Sink: RecordSink>(path: String, options: TableReadOptions,
                                       makeSink: ([String]) throws -> Sink,
                                       onChunk: ((Int64) -> Void)?) throws -> DelimitedReadResult {
        var names: [String] = []
        var index: [String: Int] = [:]
        var skipped = SkippedRows()
        var badLines = Set<Int>()
        let parser = JSONObjectLineParser()
        // Pass 1: the keys, in first-seen order.
        try forEachLine(path: path, chunkSize: options.chunkSize, openSource: options.openSource) { p, n, line, _ in
            do throws(JSONLineProblem) {
                try parser.parse(UnsafePointer(p), n, out: nil, column: { key in
                    if index[key] == nil { index[key] = names.count; names.append(key) }
                    return -1
                }, value: { _, _, _ in })
            } catch {
                let err = TableParseError.invalidJSON(file: path, line: line, column: error.column,
                                                      reason: error.reason)
                if !options.lenient { throw err }
                badLines.insert(line)
                skipped.count += 1
                if skipped.first.count < options.maxReportedBadRows {
                    skipped.first.append(SkippedRow(line: line, column: error.column, reason: err.reason))
                }
            }
            return true
        }
        if names.isEmpty && skipped.count == 0 { throw TableParseError.emptyFile(file: path) }
        let sink = try makeSink(names)
        sink.beginSegment(0)
        let columns = names.count
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: max(1, columns))
        let lens = UnsafeMutablePointer<Int>.allocate(capacity: max(1, columns))
        defer { starts.deallocate(); lens.deallocate() }
        var scratchCap = 1 << 16
        var scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCap)
        defer { scratch.deallocate() }
        // Pass 2: the records.
        try forEachLine(path: path, chunkSize: options.chunkSize, openSource: options.openSource) { p, n, line, offset in
            if badLines.contains(line) { return true }
            if n + 16 > scratchCap {
                scratch.deallocate()
                scratchCap = n * 2 + 16
                scratch = .allocate(capacity: scratchCap)
            }
            for i in 0..<columns { starts[i] = 0; lens[i] = 0 }
            do throws(JSONLineProblem) {
                try parser.parse(UnsafePointer(p), n, out: scratch, column: { index[$0] ?? -1 },
                                 value: { c, s, l in starts[c] = s; lens[c] = l })
            } catch {
                throw TableParseError.invalidJSON(file: path, line: line, column: error.column, reason: error.reason)
            }
            sink.consume(TableRecord(count: columns, offset: offset, line: line, base: UnsafePointer(scratch),
                                     starts: starts, lens: lens))
            if line & 0xFFFF == 0 { onChunk?(offset) }
            return true
        }
        return DelimitedReadResult(header: names, skipped: skipped, dataOffset: 0, firstDataLine: 1)
    }
}
