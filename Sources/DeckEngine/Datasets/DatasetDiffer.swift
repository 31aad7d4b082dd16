import DeckML
import DeckStore
import Foundation

/// Compares two dataset versions: stored chunks always; for tables the schema, row counts,
/// per-column statistics (from the recorded profiles) and a row-level diff (DeckML's `TableDiff`
/// over the materialized files); for directories the files added, removed and modified.
public enum DatasetDiffer {
    /// What to compare.
    public struct Options: Sendable {
        /// Columns that match rows; nil uses the key columns recorded with the new version (or the old one's).
        public var keyColumns: [String]?
        /// How many changed, added and removed rows are listed.
        public var maxListedRows: Int

        public init(keyColumns: [String]? = nil, maxListedRows: Int = 20) {
            self.keyColumns = keyColumns
            self.maxListedRows = maxListedRows
        }
    }

    /// Compares the versions `old` and `new` name.
    public static func diff(_ old: DatasetReference, _ new: DatasetReference, in store: any DatasetStore, options: Options = Options()) throws -> DatasetDiff {
        try diff(store.datasetVersion(old), store.datasetVersion(new), in: store, options: options)
    }

    /// Compares two recorded versions (loaded with their profiles, as `datasetVersion` returns them).
    public static func diff(_ old: DatasetVersionRecord, _ new: DatasetVersionRecord, in store: any DatasetStore, options: Options = Options()) throws -> DatasetDiff {
        var notes: [String] = []
        let storage = try storageDiff(old, new, in: store)
        var table: TableDiffReport?
        var files: DirectoryDiff?
        if old.format.isTable && new.format.isTable {
            let keys = chooseKeys(old, new, options: options, notes: &notes)
            let materializer = DatasetMaterializer(store: store)
            let oldPath = try materializer.path(for: old).path
            let newPath = try materializer.path(for: new).path
            let read = TableReadOptions(naTokens: Array(Set(old.naTokens + new.naTokens)).sorted(), lenient: old.skippedRows != nil || new.skippedRows != nil)
            table = try TableDiff.compare(oldPath: oldPath, newPath: newPath,
                                          options: .init(keyColumns: keys, maxListedRows: options.maxListedRows, read: read),
                                          oldProfile: try DatasetVersionDetails.profile(of: old),
                                          newProfile: try DatasetVersionDetails.profile(of: new))
        } else if old.format == .directory && new.format == .directory {
            let reader = DatasetContentReader(objects: store.objects)
            files = DirectoryDiff.compare(try reader.manifest(old.contentID), try reader.manifest(new.contentID))
        } else if options.keyColumns?.isEmpty == false {
            throw DatasetEngineError.notComparableAsTables(old: old.reference, new: new.reference)
        } else if old.format != new.format {
            notes.append("\(old.reference) is \(old.format.rawValue) and \(new.reference) is \(new.format.rawValue): only stored content is compared")
        }
        var o = old, n = new
        o.profileJSON = nil; o.skippedJSON = nil; n.profileJSON = nil; n.skippedJSON = nil
        return DatasetDiff(old: o, new: n, identical: old.contentHash == new.contentHash, storage: storage, table: table, files: files, notes: notes)
    }

    static func chooseKeys(_ old: DatasetVersionRecord, _ new: DatasetVersionRecord, options: Options, notes: inout [String]) -> [String] {
        if let keys = options.keyColumns { return keys }
        let oldColumns = Set(old.schema?.map(\.name) ?? []), newColumns = Set(new.schema?.map(\.name) ?? [])
        for candidate in [new.keyColumns, old.keyColumns] where !candidate.isEmpty {
            if candidate.allSatisfy({ oldColumns.contains($0) && newColumns.contains($0) }) { return candidate }
            notes.append("key columns \(candidate.joined(separator: ", ")) are not in both versions")
        }
        notes.append("no key columns: rows are matched by their whole content (a changed row shows as removed + added); add with --key or pass --key")
        return []
    }

    static func storageDiff(_ old: DatasetVersionRecord, _ new: DatasetVersionRecord, in store: any DatasetStore) throws -> StorageDiff {
        let reader = DatasetContentReader(objects: store.objects)
        let a = try reader.referencedObjects(kind: old.contentKind, hash: old.contentID, size: old.logicalBytes)
        let b = try reader.referencedObjects(kind: new.contentKind, hash: new.contentID, size: new.logicalBytes)
        var diff = StorageDiff(sharedObjects: 0, addedObjects: 0, addedBytes: 0, removedObjects: 0, removedBytes: 0)
        for (id, size) in b {
            if a[id] != nil { diff.sharedObjects += 1 } else { diff.addedObjects += 1; diff.addedBytes += size }
        }
        for (id, size) in a where b[id] == nil { diff.removedObjects += 1; diff.removedBytes += size }
        return diff
    }
}
