import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a dataset version holds.
public enum DatasetFormat: String, Codable, Sendable, CaseIterable {
    /// Comma-separated values (profiled).
    case csv
    /// Tab-separated values (profiled).
    case tsv
    /// JSON Lines (profiled).
    case jsonl
    /// Any other single file (not profiled).
    case file
    /// A folder of files (a manifest of relative paths, sizes and hashes).
    case directory

    /// True for the formats that are read as tables and profiled.
    public var isTable: Bool { self == .csv || self == .tsv || self == .jsonl }

    /// The file extension used when the version is materialized (`csv`, `tsv`, `jsonl`, `bin`).
    public var fileExtension: String {
        switch self {
        case .csv: return "csv"
        case .tsv: return "tsv"
        case .jsonl: return "jsonl"
        case .file, .directory: return "bin"
        }
    }
}

/// One column of a table version's inferred schema.
public struct DatasetColumnSchema: Codable, Sendable, Equatable {
    public var name: String
    /// `integer`, `float`, `boolean`, `datetime`, `categorical` or `text` (DeckML's `ColumnType`).
    public var type: String
    /// True when some cells are missing.
    public var nullable: Bool

    public init(name: String, type: String, nullable: Bool) {
        self.name = name; self.type = type; self.nullable = nullable
    }
}

/// One version of a dataset, as recorded. JSON keys are snake_case. The table profile and the
/// skipped-row details are kept as JSON text (`profileJSON`, `skippedJSON`; not part of this type's
/// own JSON): decode them with DeckML's `TableProfile.decode` / `SkippedRows` (DeckEngine's
/// `DatasetVersionDetails` does both).
public struct DatasetVersionRecord: Codable, Sendable, Equatable {
    /// The dataset's name.
    public var dataset: String
    /// 1, 2, … (never reused after `rm`).
    public var number: Int
    /// SHA-256 hex of the root object (see ``FileRecipe`` and ``DirectoryManifest`` for how it is derived).
    public var contentHash: String
    /// How the content is stored.
    public var contentKind: DatasetContentKind
    /// The version that was latest when this one was added.
    public var parent: Int?
    public var message: String
    public var tags: [String: String]
    /// `$USER` of the process that added it.
    public var author: String
    /// Seconds since 1970.
    public var createdAt: Double
    /// The path it was added from (absolute).
    public var sourcePath: String
    public var format: DatasetFormat
    /// Bytes of the content (the file, or all files of a directory).
    public var logicalBytes: Int64
    /// Bytes this version added to the object store (objects that were not there before).
    public var storedBytes: Int64
    /// Objects the version references (chunks, recipes, manifest).
    public var objectCount: Int
    /// Distinct chunk objects.
    public var chunkCount: Int
    /// 1 for a file; files of a directory.
    public var fileCount: Int
    /// Tables: data rows (after skipped rows).
    public var rows: Int?
    /// Tables: columns.
    public var columns: Int?
    /// Tables: inferred schema.
    public var schema: [DatasetColumnSchema]?
    /// Tables: the columns that identify a row in diffs (`--key`).
    public var keyColumns: [String]
    /// Tables: extra tokens read as missing (`--na`).
    public var naTokens: [String]
    /// Tables added with `--lenient`: rows skipped.
    public var skippedRows: Int?
    /// DeckML `TableProfile` JSON (tables only; nil when not loaded).
    public var profileJSON: String? = nil
    /// DeckML `SkippedRows` JSON (lenient tables with skipped rows).
    public var skippedJSON: String? = nil

    /// `NAME@N`.
    public var reference: String { "\(dataset)@\(number)" }
    /// `NAME@sha256:` and the first 12 hex digits: stays valid in another clone of the same data.
    public var hashReference: String { "\(dataset)@sha256:\(contentHash.prefix(12))" }
    /// The content hash as an object id.
    public var contentID: ObjectID { ObjectID(hex: contentHash)! }

    enum CodingKeys: String, CodingKey {
        case dataset, number, contentHash = "content_hash", contentKind = "content_kind", parent, message, tags, author
        case createdAt = "created_at", sourcePath = "source_path", format, logicalBytes = "logical_bytes"
        case storedBytes = "stored_bytes", objectCount = "object_count", chunkCount = "chunk_count", fileCount = "file_count"
        case rows, columns, schema, keyColumns = "key_columns", naTokens = "na_tokens", skippedRows = "skipped_rows"
    }
}

extension DatasetVersionRecord {
    /// The record of `draft` recorded as version `number` after `parent` (for store implementations).
    public init(draft: DatasetVersionDraft, number: Int, parent: Int?) {
        let c = draft.content
        dataset = draft.name; self.number = number; contentHash = c.contentHash.hex; contentKind = c.kind
        self.parent = parent; message = draft.message; tags = draft.tags; author = draft.author
        createdAt = draft.createdAt; sourcePath = draft.sourcePath; format = draft.format
        logicalBytes = c.logicalBytes; storedBytes = c.newBytes; objectCount = c.objects.count
        chunkCount = c.chunkCount; fileCount = c.fileCount; rows = draft.rows; columns = draft.columns
        schema = draft.schema; keyColumns = draft.keyColumns; naTokens = draft.naTokens
        skippedRows = draft.skippedRows; profileJSON = draft.profileJSON; skippedJSON = draft.skippedJSON
    }
}

/// A dataset and its latest version, for lists.
public struct DatasetSummary: Codable, Sendable, Equatable {
    public var name: String
    /// When the first version was added.
    public var createdAt: Double
    /// Versions present (removed ones not counted).
    public var versionCount: Int
    /// Bytes all present versions added to the store.
    public var storedBytes: Int64
    /// The latest version (nil when every version was removed).
    public var latest: DatasetVersionRecord?

    public init(name: String, createdAt: Double, versionCount: Int, storedBytes: Int64, latest: DatasetVersionRecord?) {
        self.name = name; self.createdAt = createdAt; self.versionCount = versionCount
        self.storedBytes = storedBytes; self.latest = latest
    }

    enum CodingKeys: String, CodingKey {
        case name, createdAt = "created_at", versionCount = "version_count", storedBytes = "stored_bytes", latest
    }
}

/// What to record for a new version; the content must already be durable (committed).
public struct DatasetVersionDraft: Sendable {
    public var name: String
    public var content: StoredContent
    public var format: DatasetFormat
    public var sourcePath: String
    public var message: String
    public var tags: [String: String]
    public var author: String
    public var createdAt: Double
    public var rows: Int?
    public var columns: Int?
    public var schema: [DatasetColumnSchema]?
    public var profileJSON: String?
    public var keyColumns: [String]
    public var naTokens: [String]
    public var skippedRows: Int?
    public var skippedJSON: String?

    public init(name: String, content: StoredContent, format: DatasetFormat, sourcePath: String, message: String = "",
                tags: [String: String] = [:], author: String = DatasetVersionDraft.currentUser,
                createdAt: Double = Date().timeIntervalSince1970, rows: Int? = nil, columns: Int? = nil,
                schema: [DatasetColumnSchema]? = nil, profileJSON: String? = nil, keyColumns: [String] = [],
                naTokens: [String] = [], skippedRows: Int? = nil, skippedJSON: String? = nil) {
        self.name = name; self.content = content; self.format = format; self.sourcePath = sourcePath
        self.message = message; self.tags = tags; self.author = author; self.createdAt = createdAt
        self.rows = rows; self.columns = columns; self.schema = schema; self.profileJSON = profileJSON
        self.keyColumns = keyColumns; self.naTokens = naTokens; self.skippedRows = skippedRows; self.skippedJSON = skippedJSON
    }

    /// `$USER` (or `$LOGNAME`, or the account name of the process's user, or "unknown").
    public static var currentUser: String {
        let env = ProcessInfo.processInfo.environment
        for key in ["USER", "LOGNAME"] { if let name = env[key], !name.isEmpty { return name } }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "unknown"
    }
}

/// The result of recording a version.
public enum DatasetRecordOutcome: Sendable {
    /// A new version was recorded.
    case recorded(DatasetVersionRecord)
    /// The content equals the latest version's; nothing was recorded (pass `force` to record it anyway).
    case unchanged(latest: DatasetVersionRecord)
}
