import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One worker of the parallel reader: a tokenizer, a sink and what went wrong in its segments.
final class ReaderLane<Sink: RecordSink>: @unchecked Sendable {
    let sink: Sink
    let tokenizer: DelimitedTokenizer
    /// Problems met in the current chunk's segment (line relative to the segment unless `absolute`).
    var problems: [RecordProblem] = []
    var linesInSegment = 0
    var stopped = false

    init(sink: Sink, delimiter: UInt8, expectedFields: Int) {
        self.sink = sink
        self.tokenizer = DelimitedTokenizer(delimiter: delimiter, expectedFields: expectedFields)
    }
}

/// A buffer pointer handed to worker threads that each touch a disjoint part of it.
struct SendableBytes: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt8>
}

/// The header of a table file and what the reader skipped.
struct DelimitedReadResult {
    var header: [String]
    var skipped: SkippedRows
    /// Byte offset where the data rows start (after BOM and header).
    var dataOffset: Int64
    /// 1-based line of the first data row.
    var firstDataLine: Int
}

/// Reads a delimited file in large chunks, splits each chunk at record boundaries into one segment
/// per lane and tokenizes the segments in parallel. Sinks receive records; segment ids give file order.
enum DelimitedFileReader {
    /// Names for a header: empty names become `column_N`, duplicates get `.1`, `.2` (like pandas).
    static func normalizeHeader(_ names: [String]) -> [String] {
        var seen: [String: Int] = [:]
        var out: [String] = []
        out.reserveCapacity(names.count)
        for (i, raw) in names.enumerated() {
            var name = raw.isEmpty ? "column_\(i + 1)" : raw
            if let k = seen[name] {
                var j = k
                var candidate = "\(name).\(j)"
                while seen[candidate] != nil { j += 1; candidate = "\(name).\(j)" }
                seen[name] = j + 1
                name = candidate
            }
            seen[name] = seen[name] ?? 1
            out.append(name)
        }
        return out
    }

    static func problemError(_ p: RecordProblem, file: String) -> TableParseError {
        switch p.kind {
        case .unclosedQuote: return .unclosedQuote(file: file, line: p.line, column: p.column)
        case .invalidUTF8: return .invalidUTF8(file: file, line: p.line, column: p.column)
        case .wrongFieldCount(let e, let f):
            return .wrongFieldCount(file: file, line: p.line, column: p.column, expected: e, found: f)
        }
    }

    /// Reads just the header (or synthesizes one when `hasHeader` is false).
    static func readHeader(path: String, options: TableReadOptions) throws -> DelimitedReadResult {
        var opts = options
        opts.threads = 1
        return try read(path: path, options: opts, headerOnly: true, makeSinks: { _ in [NullSink()] })
    }

    /// Reads `path`, creating the lanes' sinks once the header is known.
    /// - Parameter startOffset: when given, reading starts there (a record boundary) with the header given.
    static func read<Sink: RecordSink>(path: String, options: TableReadOptions, headerOnly: Bool = false,
                                       makeSinks: ([String]) throws -> [Sink],
                                       onChunk: ((Int64) -> Void)? = nil) throws -> DelimitedReadResult {
        var source = try options.openSource(path: path)
        let delimiter = options.resolvedDelimiter(for: path)
        var capacity = max(options.chunkSize, 1 << 16)
        var buf = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buf.deallocate() }
        var filled = 0
        var pos = 0
        var bufFileOffset: Int64 = 0
        var eof = false

        func fill() throws {
            if pos > 0 {
                let rest = filled - pos
                if rest > 0 { memmove(buf, buf + pos, rest) }
                bufFileOffset += Int64(pos)
                filled = rest
                pos = 0
            }
            if filled == capacity {
                let newCap = capacity * 2
                let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: newCap)
                nb.update(from: buf, count: filled)
                buf.deallocate()
                buf = nb
                capacity = newCap
            }
            while filled < capacity && !eof {
                let n = try source.read(into: buf + filled, count: capacity - filled)
                if n == 0 { eof = true } else { filled += n }
            }
        }

        try fill()
        // UTF-8 byte order mark.
        if filled >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { pos = 3 }

        // Header: the first record.
        var line = 1
        var headerEnd: Int
        while true {
            let (splits, _) = ByteScanning.boundaries(buf, from: pos, to: filled, targets: [pos])
            if let s = splits[0] { headerEnd = s; break }
            if eof { headerEnd = filled; break }
            if filled - pos > options.maxRecordBytes {
                let q = ByteScanning.openQuote(buf, from: pos, to: filled) ?? pos
                throw TableParseError.unclosedQuote(file: path, line: 1,
                                                    column: ByteScanning.column(of: q, in: buf, floor: pos))
            }
            try fill()
        }
        var headerFields: [String] = []
        let headerTokenizer = DelimitedTokenizer(delimiter: delimiter, expectedFields: 0)
        var headerProblem: RecordProblem?
        let headerLines = headerTokenizer.run(
            base: buf, start: pos, end: headerEnd, fileOffset: bufFileOffset, lineBase: 1, validateUTF8: true,
            onRecord: { r in if headerFields.isEmpty { headerFields = r.strings() } },
            onProblem: { p in headerProblem = p; return false })
        if let p = headerProblem { throw problemError(p, file: path) }
        if headerFields.isEmpty { throw TableParseError.emptyFile(file: path) }
        var header: [String]
        if options.hasHeader {
            header = normalizeHeader(headerFields)
            pos = headerEnd
            line += headerLines
        } else {
            header = (1...headerFields.count).map { "column_\($0)" }
            // The tokenizer unescaped the first record in place: read it again from the file.
            let off = bufFileOffset + Int64(pos)
            source = try options.openSource(path: path)
            var skipped: Int64 = 0
            while skipped < off {
                let n = try source.read(into: buf, count: Int(min(Int64(capacity), off - skipped)))
                if n == 0 { break }
                skipped += Int64(n)
            }
            bufFileOffset = off
            filled = 0
            pos = 0
            eof = false
            try fill()
        }
        var result = DelimitedReadResult(header: header, skipped: SkippedRows(),
                                         dataOffset: bufFileOffset + Int64(pos), firstDataLine: line)
        if headerOnly { return result }

        let sinks = try makeSinks(header)
        let laneCount = max(1, sinks.count)
        let lanes = sinks.map { ReaderLane(sink: $0, delimiter: delimiter, expectedFields: header.count) }
        var segmentId = 0
        var stop = false
        // The next chunk is read into `spare` while the lanes work on `buf`.
        var spareCapacity = capacity
        var spare = UnsafeMutablePointer<UInt8>.allocate(capacity: spareCapacity)
        defer { spare.deallocate() }
        let group = DispatchGroup()

        func readInto(_ p: UnsafeMutablePointer<UInt8>, filled start: Int, capacity cap: Int) throws -> Int {
            var f = start
            while f < cap && !eof {
                let n = try source.read(into: p + f, count: cap - f)
                if n == 0 { eof = true } else { f += n }
            }
            return f
        }

        while !stop {
            if pos >= filled && eof { break }
            // Find where this chunk's complete records end, and where to split it between lanes.
            let span = filled - pos
            let targets = laneCount > 1 && span > 1 << 12 ? (1..<laneCount).map { pos + span * $0 / laneCount } : []
            let (splits, last) = ByteScanning.boundaries(buf, from: pos, to: filled, targets: targets)
            var end: Int
            if eof {
                end = filled
            } else if let l = last {
                end = l
            } else {
                if filled - pos > options.maxRecordBytes {
                    let q = ByteScanning.openQuote(buf, from: pos, to: filled) ?? pos
                    let l = line + ByteScanning.countNewlines(buf, from: pos, to: q)
                    throw TableParseError.unclosedQuote(file: path, line: l,
                                                        column: ByteScanning.column(of: q, in: buf, floor: pos))
                }
                try fill()
                continue
            }
            var bounds = [pos]
            for s in splits { if let s, s > bounds.last!, s < end { bounds.append(s) } }
            bounds.append(end)
            let segCount = bounds.count - 1
            let segBounds = bounds
            let firstId = segmentId
            segmentId += segCount
            let validate = ByteScanning.hasNonASCII(buf + pos, end - pos)
            let base = SendableBytes(pointer: buf)
            let offset = bufFileOffset
            let lenient = options.lenient
            let firstLine = line
            let work: @Sendable (Int) -> Void = { i in
                let lane = lanes[i]
                lane.problems.removeAll(keepingCapacity: true)
                lane.linesInSegment = 0
                lane.stopped = false
                guard i < segCount else { return }
                lane.sink.beginSegment(firstId + i)
                let sink = lane.sink
                lane.linesInSegment = lane.tokenizer.run(
                    base: base.pointer, start: segBounds[i], end: segBounds[i + 1], fileOffset: offset,
                    lineBase: i == 0 ? firstLine : 1, validateUTF8: validate,
                    onRecord: { sink.consume($0) },
                    onProblem: { p in
                        lane.problems.append(p)
                        if case .unclosedQuote = p.kind { lane.stopped = true; return false }
                        if !lenient { lane.stopped = true }
                        return lenient
                    })
            }
            DispatchQueue.global().async(group: group) {
                if segCount > 1 {
                    DispatchQueue.concurrentPerform(iterations: segCount, execute: work)
                } else {
                    work(0)
                }
            }
            // Meanwhile: move the unfinished tail into the spare buffer and read the next chunk there.
            let tail = filled - end
            if tail + (1 << 16) > spareCapacity {
                spare.deallocate()
                spareCapacity = max(capacity, tail * 2 + (1 << 16))
                spare = .allocate(capacity: spareCapacity)
            }
            if tail > 0 { spare.update(from: buf + end, count: tail) }
            var readError: Error?
            var spareFilled = tail
            do { spareFilled = try readInto(spare, filled: tail, capacity: spareCapacity) } catch { readError = error }
            group.wait()
            if let e = readError { throw e }

            // Merge problems in file order, making lines absolute.
            var segLine = line
            for i in 0..<segCount {
                let lane = lanes[i]
                for var p in lane.problems {
                    if i > 0 { p.line += segLine - 1 }
                    if !lenient { throw problemError(p, file: path) }
                    result.skipped.count += 1
                    if result.skipped.first.count < options.maxReportedBadRows {
                        result.skipped.first.append(SkippedRow(line: p.line, column: p.column,
                                                               reason: problemError(p, file: path).reason))
                    }
                    if case .unclosedQuote = p.kind { stop = true }
                }
                if lane.stopped && !lenient { stop = true }
                segLine += lane.linesInSegment
            }
            line = segLine
            onChunk?(bufFileOffset + Int64(end))
            // The spare buffer becomes the current one.
            swap(&buf, &spare)
            swap(&capacity, &spareCapacity)
            bufFileOffset += Int64(end)
            filled = spareFilled
            pos = 0
        }
        return result
    }
}
