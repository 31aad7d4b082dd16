import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads single records at known file offsets (for showing a few rows after a scan), and the line
/// numbers of offsets.
final class RecordFetcher {
    let path: String
    let format: TableFormat
    let delimiter: UInt8
    let columns: [String]
    private let fd: Int32
    private let tokenizer: DelimitedTokenizer
    private let parser = JSONObjectLineParser()
    private lazy var columnIndex: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, c) in columns.enumerated() where d[c] == nil { d[c] = i }
        return d
    }()

    init(path: String, options: TableReadOptions, columns: [String]) throws {
        self.path = path
        format = options.resolvedFormat(for: path)
        delimiter = options.resolvedDelimiter(for: path)
        self.columns = columns
        // The diff's random access reads the file itself; it was checked to be regular when first read.
        let file = try FileByteSource(path: path)
        fd = dup(file.fd)
        if fd < 0 { throw TableParseError.unreadable(file: path, reason: String(cString: strerror(errno))) }
        tokenizer = DelimitedTokenizer(delimiter: delimiter, expectedFields: 0)
    }

    deinit { close(fd) }

    /// The cells of the record starting at `offset` (missing/empty cells as "").
    func record(at offset: Int64) throws -> [String] {
        var size = 1 << 16
        while true {
            let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
            defer { buf.deallocate() }
            let n = pread(fd, buf, size, off_t(offset))
            if n < 0 { throw TableParseError.unreadable(file: path, reason: String(cString: strerror(errno))) }
            let atEOF = n < size
            var end: Int?
            if format == .jsonLines {
                end = ByteScanning.find(ByteScanning.newline, in: buf, from: 0, to: n) ?? (atEOF ? n : nil)
            } else {
                end = ByteScanning.boundaries(buf, from: 0, to: n, targets: [0]).splits[0] ?? (atEOF ? n : nil)
            }
            guard let e = end else { size *= 2; continue }
            var cells = [String](repeating: "", count: columns.count)
            if format == .jsonLines {
                var le = e
                if le > 0 && buf[le - 1] == ByteScanning.carriageReturn { le -= 1 }
                let out = UnsafeMutablePointer<UInt8>.allocate(capacity: le + 16)
                defer { out.deallocate() }
                try? parser.parse(UnsafePointer(buf), le, out: out, column: { self.columnIndex[$0] ?? -1 },
                                  value: { c, s, l in cells[c] = String(decoding: UnsafeBufferPointer(start: out + s, count: l), as: UTF8.self) })
            } else {
                tokenizer.run(base: buf, start: 0, end: e, fileOffset: offset, lineBase: 1, validateUTF8: false,
                              onRecord: { r in
                                  for i in 0..<min(r.count, cells.count) { cells[i] = r.string(i) }
                              }, onProblem: { _ in false })
            }
            return cells
        }
    }

    /// 1-based line numbers of the given byte offsets.
    func lines(of offsets: [Int64]) throws -> [Int64: Int] {
        let sorted = Array(Set(offsets)).sorted()
        var result: [Int64: Int] = [:]
        guard let lastOffset = sorted.last else { return result }
        let size = 8 << 20
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        defer { buf.deallocate() }
        var pos: Int64 = 0
        var newlines = 0
        var k = 0
        while k < sorted.count && pos <= lastOffset {
            let n = pread(fd, buf, size, off_t(pos))
            if n <= 0 { break }
            var from = 0
            while k < sorted.count && sorted[k] < pos + Int64(n) {
                let upto = Int(sorted[k] - pos)
                newlines += ByteScanning.count(ByteScanning.newline, in: buf, from: from, to: upto)
                from = upto
                result[sorted[k]] = newlines + 1
                k += 1
            }
            newlines += ByteScanning.count(ByteScanning.newline, in: buf, from: from, to: n)
            pos += Int64(n)
        }
        return result
    }
}
