import Foundation

/// The layout of a table file.
public enum TableFormat: String, Codable, Sendable, CaseIterable {
    /// Comma-separated values (RFC 4180).
    case csv
    /// Tab-separated values (same quoting rules as CSV, tab delimiter).
    case tsv
    /// One JSON object per line; columns are the union of keys in first-seen order.
    case jsonLines = "jsonl"

    /// The format a file name's extension suggests: `.tsv`/`.tab` → tsv, `.jsonl`/`.ndjson` → jsonLines,
    /// anything else → csv.
    public static func forPath(_ path: String) -> TableFormat {
        switch (path as NSString).pathExtension.lowercased() {
        case "tsv", "tab": return .tsv
        case "jsonl", "ndjson": return .jsonLines
        default: return .csv
        }
    }
}

/// How to read a table file.
public struct TableReadOptions: Sendable {
    /// The format; `nil` picks it from the file extension (`TableFormat.forPath`).
    public var format: TableFormat?
    /// The field delimiter for delimited formats; `nil` means `,` for CSV and tab for TSV.
    public var delimiter: UInt8?
    /// Whether the first row names the columns. When false, columns are named `column_1`, `column_2`, ….
    public var hasHeader: Bool
    /// Extra cell values that mean "missing" besides the empty field (the CLI's `--na`), compared exactly.
    public var naTokens: [String]
    /// When true, malformed rows are skipped and reported instead of refusing the file.
    /// An unclosed quote ends reading there (the rest of the file is one unfinished field).
    public var lenient: Bool
    /// How many skipped rows are listed in `SkippedRows.first`.
    public var maxReportedBadRows: Int
    /// Bytes read at a time. The file is processed in chunks of this size, split at record boundaries.
    public var chunkSize: Int
    /// A single record longer than this is taken as an unclosed quote.
    public var maxRecordBytes: Int
    /// Worker threads used to parse (1 disables parallel parsing); defaults to the number of cores, at most 4.
    public var threads: Int
    /// Where readers take the bytes from; `nil` reads the file at the path. When set, the path still
    /// names the file in messages and picks the format.
    public var byteSource: TableByteSourceOpener?

    public init(format: TableFormat? = nil, delimiter: UInt8? = nil, hasHeader: Bool = true,
                naTokens: [String] = [], lenient: Bool = false, maxReportedBadRows: Int = 20,
                chunkSize: Int = 8 << 20, maxRecordBytes: Int = 64 << 20,
                threads: Int = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)),
                byteSource: TableByteSourceOpener? = nil) {
        self.format = format
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.naTokens = naTokens
        self.lenient = lenient
        self.maxReportedBadRows = maxReportedBadRows
        self.chunkSize = chunkSize
        self.maxRecordBytes = maxRecordBytes
        self.threads = threads
        self.byteSource = byteSource
    }

    /// The format to use for `path`.
    public func resolvedFormat(for path: String) -> TableFormat { format ?? TableFormat.forPath(path) }

    /// The delimiter byte to use for `path`.
    public func resolvedDelimiter(for path: String) -> UInt8 {
        if let d = delimiter { return d }
        return resolvedFormat(for: path) == .tsv ? UInt8(ascii: "\t") : UInt8(ascii: ",")
    }
}
