import Foundation

/// What reading a table file produced besides its records.
public struct TableReadSummary: Sendable {
    /// Column names (normalized: empty names become `column_N`, duplicates get `.1`, `.2`, … like pandas).
    public var columns: [String]
    /// Rows skipped in lenient mode.
    public var skipped: SkippedRows
}

/// Streaming access to CSV, TSV and JSON Lines files.
///
/// Delimited files follow RFC 4180: fields may be quoted with `"`, quoted fields may hold the delimiter,
/// newlines and `""` (a literal quote); CRLF, LF and lone CR end records; a UTF-8 byte order mark is
/// skipped; blank lines are skipped. Quote parity is the rule everywhere: a `"` met inside an unquoted
/// field opens quoting too (so `5'6"` with no closing quote is an unclosed quote). The file is read
/// in large chunks and records are handed out as byte views, without a `String` per cell.
public enum TableReader {
    /// The column names of `path`.
    public static func columns(path: String, options: TableReadOptions = TableReadOptions()) throws -> [String] {
        if options.resolvedFormat(for: path) == .jsonLines {
            return try JSONLinesReader.read(path: path, options: options, makeSink: { _ in NullSink() },
                                            onChunk: nil).header
        }
        return try DelimitedFileReader.readHeader(path: path, options: options).header
    }

    /// Calls `body` with every record of `path` in file order, on the calling thread.
    /// Records are views valid only during the call. Malformed rows throw a `TableParseError`
    /// (or, when `options.lenient`, are skipped and listed in the summary).
    @discardableResult
    public static func forEachRecord(path: String, options: TableReadOptions = TableReadOptions(),
                                     _ body: (TableRecord) -> Void) throws -> TableReadSummary {
        try withoutActuallyEscaping(body) { body in
            let sink = ClosureSink(body)
            var opts = options
            opts.threads = 1
            let r = try read(path: path, options: opts, makeSinks: { _ in [sink] }, onChunk: nil)
            return TableReadSummary(columns: r.header, skipped: r.skipped)
        }
    }

    /// Reads `path` with one sink per lane (JSON Lines always uses one lane).
    /// `onChunk` runs on the calling thread between chunks with the number of bytes read so far.
    static func read<Sink: RecordSink>(path: String, options: TableReadOptions,
                                       makeSinks: ([String]) throws -> [Sink],
                                       onChunk: ((Int64) -> Void)?) throws -> DelimitedReadResult {
        switch options.resolvedFormat(for: path) {
        case .jsonLines:
            return try JSONLinesReader.read(path: path, options: options, makeSink: { header in
                try makeSinks(header)[0]
            }, onChunk: onChunk)
        case .csv, .tsv:
            return try DelimitedFileReader.read(path: path, options: options, makeSinks: makeSinks, onChunk: onChunk)
        }
    }

    /// The number of lanes to use for `options`.
    static func laneCount(_ options: TableReadOptions, path: String) -> Int {
        options.resolvedFormat(for: path) == .jsonLines ? 1 : max(1, options.threads)
    }
}

final class NullSink: RecordSink {
    func beginSegment(_ id: Int) {}
    func consume(_ record: TableRecord) {}
}

final class ClosureSink: RecordSink {
    let body: (TableRecord) -> Void
    init(_ body: @escaping (TableRecord) -> Void) { self.body = body }
    func beginSegment(_ id: Int) {}
    func consume(_ record: TableRecord) { body(record) }
}
