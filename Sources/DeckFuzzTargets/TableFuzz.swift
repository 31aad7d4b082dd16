@testable import DeckML
import Foundation

/// Table readers fed from memory through ``TableByteSource`` (what `/invocations` does with a
/// CSV body), with small chunks so records straddle chunk boundaries.
enum TableFuzz {
    /// First byte: bit 0 TSV, bit 1 lenient, bit 2 no header, bit 3 two parsing threads; the rest is the file.
    static func delimited(_ bytes: [UInt8]) {
        guard let flags = bytes.first else { return }
        let body = Array(bytes.dropFirst())
        var options = TableReadOptions(format: flags & 1 == 0 ? .csv : .tsv)
        options.lenient = flags & 2 != 0
        options.hasHeader = flags & 4 == 0
        options.threads = flags & 8 == 0 ? 1 : 2
        load(body, options, path: flags & 1 == 0 ? "fuzz.csv" : "fuzz.tsv")
    }

    static func jsonLines(_ bytes: [UInt8]) {
        guard let flags = bytes.first else { return }
        var options = TableReadOptions(format: .jsonLines)
        options.threads = 1
        options.lenient = flags & 2 != 0
        load(Array(bytes.dropFirst()), options, path: "fuzz.jsonl")
    }

    static func load(_ body: [UInt8], _ base: TableReadOptions, path: String) {
        let data = Data(body)
        var options = base
        options.chunkSize = 4096
        options.maxRecordBytes = 1 << 16
        options.byteSource = { _ in MemoryByteSource(data) }
        if let table = try? DataTable.load(path: path, options: options) {
            for c in table.columns where c.count > 0 { _ = c.text(at: c.count - 1) }
        }
        _ = try? TableReader.forEachRecord(path: path, options: options) { _ in }
    }
}
