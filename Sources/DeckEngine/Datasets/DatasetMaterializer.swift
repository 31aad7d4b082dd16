import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Gives a dataset version as a local path to read: the content is exported once (verified chunk
/// by chunk) to `.mldeck/cache/datasets/<content hash>.<csv|tsv|jsonl|bin>` (or a folder
/// `<content hash>/` for directories) and reused afterwards. Cached files are read-only; `mldeck gc`
/// removes those whose version no longer exists.
public struct DatasetMaterializer: Sendable {
    public let store: DeckStore

    public init(store: DeckStore) { self.store = store }

    /// `.mldeck/cache/datasets/`.
    public var cacheDirectory: URL {
        store.workspace.stateDirectory.appendingPathComponent("cache/datasets", isDirectory: true)
    }

    /// The local path of the version `reference` names (`churn`, `churn@3`, `churn@sha256:9f2c`).
    public func path(for reference: DatasetReference) throws -> URL {
        try path(for: try store.datasetVersion(reference))
    }

    /// The local path of `record`'s content, exporting it into the cache when not there yet.
    public func path(for record: DatasetVersionRecord) throws -> URL {
        try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
        let reader = DatasetContentReader(objects: store.objects)
        if record.format == .directory {
            let url = cacheDirectory.appendingPathComponent(record.contentHash, isDirectory: true)
            if FileManager.default.fileExists(atPath: url.path) { return url }
            do {
                try reader.exportDirectory(manifest: record.contentID, to: url.path)
            } catch DatasetError.io(_, "rename", _) where FileManager.default.fileExists(atPath: url.path) {
                // Another process materialized it first.
            }
            return url
        }
        let url = cacheDirectory.appendingPathComponent(record.contentHash + "." + record.format.fileExtension)
        var info = stat()
        if stat(url.path, &info) == 0, Int64(info.st_size) == record.logicalBytes { return url }
        try reader.exportFile(hash: record.contentID, isRecipe: record.contentKind == .recipe, size: record.logicalBytes, to: url.path)
        chmod(url.path, 0o444)
        return url
    }
}
