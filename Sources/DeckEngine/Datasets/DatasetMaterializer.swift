import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Gives a dataset version as a local path to read: the content is exported once (verified chunk
/// by chunk) to `.mldeck/cache/datasets/<content hash>.<csv|tsv|jsonl|bin>` (or a folder
/// `<content hash>/` for directories) and reused afterwards. Cached files are read-only; `mldeck gc`
/// removes those whose version no longer exists.
///
/// A cached copy is never trusted by its size alone: before it is first used in a process it is
/// checked against the chunk hashes it was built from (``CachedContentCheck``), and rebuilt when it
/// does not match. Checking costs one read and SHA-256 of the file (about 1 GB/s), small beside
/// training on it; it is remembered by the file's identity (inode, size, mtime, ctime) in this
/// process and, through a ``CacheCheckStamp``, in the next ones, so a cached re-run does not read
/// the file again; a file changed since is checked again.
public struct DatasetMaterializer: Sendable {
    public let store: any DatasetStore

    public init(store: any DatasetStore) { self.store = store }

    /// `.mldeck/cache/datasets/`.
    public var cacheDirectory: URL {
        store.workspace.stateDirectory.appendingPathComponent("cache/datasets", isDirectory: true)
    }

    /// The local path of the version `reference` names (`churn`, `churn@3`, `churn@sha256:9f2c`).
    public func path(for reference: DatasetReference) throws -> URL {
        try path(for: try store.datasetVersion(reference))
    }

    /// The local path of `record`'s content, exporting it into the cache when not there yet or when
    /// the cached copy does not match the content.
    public func path(for record: DatasetVersionRecord) throws -> URL {
        try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
        let reader = DatasetContentReader(objects: store.objects)
        if record.format == .directory {
            let url = cacheDirectory.appendingPathComponent(record.contentHash, isDirectory: true)
            if FileManager.default.fileExists(atPath: url.path) {
                if isVerified(url.path, record: record) { return url }
                try? FileManager.default.removeItem(at: url)
            }
            do {
                try reader.exportDirectory(manifest: record.contentID, to: url.path)
            } catch DatasetError.io(_, "rename", _) where FileManager.default.fileExists(atPath: url.path) {
                // Another process materialized it first.
            }
            return url
        }
        let url = cacheDirectory.appendingPathComponent(record.contentHash + "." + record.format.fileExtension)
        var info = stat()
        if stat(url.path, &info) == 0 {
            if isVerified(url.path, record: record) { return url }
            unlink(url.path)
        }
        try reader.exportFile(hash: record.contentID, isRecipe: record.contentKind == .recipe, size: record.logicalBytes, to: url.path)
        chmod(url.path, 0o444)
        // Just written from verified chunks.
        if let identity = FileIdentity(path: url.path) {
            VerifiedCacheEntries.shared.insert(url.path, identity)
            stamps.record(url.path, identity)
        }
        return url
    }

    /// True when the cached copy at `path` was checked in this process (and is unchanged since), or
    /// matches `record`'s content now.
    /// Folders are checked on every use (a folder's identity does not change when a file in it is edited).
    func isVerified(_ path: String, record: DatasetVersionRecord) -> Bool {
        let isFile = record.format != .directory
        guard let identity = FileIdentity(path: path) else { return false }
        if isFile && VerifiedCacheEntries.shared.contains(path, identity) { return true }
        if isFile && stamps.isCurrent(path, identity) {
            VerifiedCacheEntries.shared.insert(path, identity)
            return true
        }
        guard CachedContentCheck.mismatch(cached: path, kind: record.contentKind, hash: record.contentID,
                                          size: record.logicalBytes, objects: store.objects) == nil else { return false }
        if isFile {
            VerifiedCacheEntries.shared.insert(path, identity)
            stamps.record(path, identity)
        }
        return true
    }

    var stamps: CacheCheckStamp { CacheCheckStamp(cacheDirectory: cacheDirectory) }
}

/// Cached copies checked in this process, with the identity they had when checked.
final class VerifiedCacheEntries: @unchecked Sendable {
    static let shared = VerifiedCacheEntries()
    private let lock = NSLock()
    private var entries: [String: FileIdentity] = [:]

    func contains(_ path: String, _ identity: FileIdentity) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return entries[path] == identity
    }

    func insert(_ path: String, _ identity: FileIdentity) {
        lock.lock(); entries[path] = identity; lock.unlock()
    }

    /// Forgets every check (tests).
    func removeAll() { lock.lock(); entries = [:]; lock.unlock() }
}
