import DeckML
import DeckStore

/// The differences between two dataset versions. JSON keys are snake_case.
public struct DatasetDiff: Sendable, Encodable {
    /// The versions compared (without their profiles).
    public var old: DatasetVersionRecord
    public var new: DatasetVersionRecord
    /// True when both have the same content hash.
    public var identical: Bool
    /// Chunk-level comparison of the stored content (every kind).
    public var storage: StorageDiff
    /// Tables: schema, row counts, per-column statistic changes and the row-level diff.
    public var table: TableDiffReport?
    /// Directories: files added, removed, modified.
    public var files: DirectoryDiff?
    /// Remarks (e.g. why rows were matched by their whole content).
    public var notes: [String]

    enum CodingKeys: String, CodingKey { case old, new, identical, storage, table, files, notes }
}

/// How much stored content two versions share.
public struct StorageDiff: Sendable, Codable, Equatable {
    /// Objects in both versions.
    public var sharedObjects: Int
    /// Objects only in the new version, and their bytes.
    public var addedObjects: Int
    public var addedBytes: Int64
    /// Objects only in the old version, and their bytes.
    public var removedObjects: Int
    public var removedBytes: Int64

    enum CodingKeys: String, CodingKey {
        case sharedObjects = "shared_objects", addedObjects = "added_objects", addedBytes = "added_bytes"
        case removedObjects = "removed_objects", removedBytes = "removed_bytes"
    }
}

/// Files added, removed and modified between two directory versions.
public struct DirectoryDiff: Sendable, Codable, Equatable {
    /// A file on one side only.
    public struct File: Sendable, Codable, Equatable {
        public var path: String
        public var size: Int64
        public var hash: String
    }

    /// A file on both sides with different content.
    public struct Modified: Sendable, Codable, Equatable {
        public var path: String
        public var oldSize: Int64
        public var newSize: Int64
        public var oldHash: String
        public var newHash: String

        enum CodingKeys: String, CodingKey { case path, oldSize = "old_size", newSize = "new_size", oldHash = "old_hash", newHash = "new_hash" }
    }

    public var added: [File]
    public var removed: [File]
    public var modified: [Modified]
    public var unchanged: Int

    /// Compares two manifests.
    public static func compare(_ old: DirectoryManifest, _ new: DirectoryManifest) -> DirectoryDiff {
        let before = Dictionary(old.entries.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(new.entries.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var diff = DirectoryDiff(added: [], removed: [], modified: [], unchanged: 0)
        for e in new.entries {
            if let o = before[e.path] {
                if o.hash == e.hash { diff.unchanged += 1 } else {
                    diff.modified.append(.init(path: e.path, oldSize: o.size, newSize: e.size, oldHash: o.hash.hex, newHash: e.hash.hex))
                }
            } else {
                diff.added.append(.init(path: e.path, size: e.size, hash: e.hash.hex))
            }
        }
        for e in old.entries where after[e.path] == nil { diff.removed.append(.init(path: e.path, size: e.size, hash: e.hash.hex)) }
        return diff
    }
}
