import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// What `mldeck gc` does and did. JSON keys are snake_case.
public struct GcReport: Codable, Sendable {
    /// True when nothing was removed (`--dry-run`).
    public var dryRun: Bool
    /// Orphaned objects removed (or that would be).
    public var removedObjects: Int
    public var removedBytes: Int64
    /// Orphans kept because they are younger than the grace period (a writer outside the dataset
    /// registry may be about to record them).
    public var keptRecentOrphans: Int
    /// Stale files and folders removed from `.mldeck/tmp`.
    public var removedTemporaryFiles: Int
    /// Materialized dataset files in `.mldeck/cache/datasets` whose version no longer exists.
    public var removedCacheEntries: Int
    public var graceSeconds: Double
    /// What trimming the prediction log removed (nil when there is no log, or under `--dry-run`).
    public var predictionLog: PredictionTrimReport? = nil

    enum CodingKeys: String, CodingKey {
        case dryRun = "dry_run", removedObjects = "removed_objects", removedBytes = "removed_bytes"
        case keptRecentOrphans = "kept_recent_orphans", removedTemporaryFiles = "removed_temporary_files"
        case removedCacheEntries = "removed_cache_entries", graceSeconds = "grace_seconds"
        case predictionLog = "prediction_log"
    }
}

/// `mldeck gc`: removes orphaned objects (referenced by no record, see ``ObjectReferences``) —
/// loose files, and packed objects by rewriting their packs (``PackPruner``) — files in
/// `.mldeck/tmp` and unfinished packs older than an hour, and materialized copies of removed
/// dataset versions.
///
/// It holds ``MaintenanceLock`` exclusively, so no dataset add is between checking which chunks
/// exist and recording them. Orphans younger than `grace` are kept for writers that do not take
/// the lock.
public struct GarbageCollector {
    public let store: DeckStore

    public init(store: DeckStore) { self.store = store }

    /// Default grace period for young orphans: 15 minutes.
    public static let defaultGrace: Double = 15 * 60

    /// Collects garbage. `waiting` is called once if the lock is busy (a dataset add is running).
    public func collect(dryRun: Bool = false, grace: Double = GarbageCollector.defaultGrace, temporaryAge: Double = 3600,
                        waiting: (() -> Void)? = nil) throws -> GcReport {
        try store.requireWritable()
        var lock = try MaintenanceLock.acquire(store.workspace, mode: .exclusive, wait: false)
        if lock == nil {
            waiting?()
            lock = try MaintenanceLock.acquire(store.workspace, mode: .exclusive, wait: true)
        }
        defer { lock?.release() }
        let refs = try ObjectReferences.collect(store)
        let now = Date().timeIntervalSince1970
        var report = GcReport(dryRun: dryRun, removedObjects: 0, removedBytes: 0, keptRecentOrphans: 0,
                              removedTemporaryFiles: 0, removedCacheEntries: 0, graceSeconds: grace)
        var folders = Set<String>()
        for id in store.objects.looseObjects() where refs.sources[id] == nil {
            let path = store.objects.path(of: id)
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let mtime = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            if now - mtime < grace { report.keptRecentOrphans += 1; continue }
            if !dryRun {
                try store.objects.remove(id)
                folders.insert(String(path[..<path.lastIndex(of: "/")!]))
            }
            report.removedObjects += 1
            report.removedBytes += Int64(info.st_size)
        }
        for folder in folders {
            let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 { fsync(fd); close(fd) }
        }
        let packed = try PackPruner(store: store.objects).prune(isGarbage: { refs.sources[$0] == nil }, grace: grace, now: now, dryRun: dryRun)
        report.removedObjects += packed.removedObjects
        report.removedBytes += packed.removedBytes
        report.keptRecentOrphans += packed.keptRecent
        let fm = FileManager.default
        for path in StoreChecker(store: store).staleTemporaryFiles(age: temporaryAge) {
            if !dryRun { try? fm.removeItem(atPath: path) }
            report.removedTemporaryFiles += 1
        }
        report.removedCacheEntries = try collectCache(dryRun: dryRun, temporaryAge: temporaryAge)
        return report
    }

    /// Removes cached materializations (`.mldeck/cache/datasets/<hash>[.ext]`) of content no version has.
    func collectCache(dryRun: Bool, temporaryAge: Double) throws -> Int {
        let folder = store.workspace.stateDirectory.appendingPathComponent("cache/datasets").path
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder), !names.isEmpty else { return 0 }
        let hashes = Set(try store.database.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT content_hash FROM dataset_versions") })
        let cutoff = Date().timeIntervalSince1970 - temporaryAge
        var removed = 0
        for name in names {
            let hash = String(name.prefix(64))
            let isPartial = name.contains(".mldeck-partial-")
            if isPartial ? StoreChecker.modificationTime(folder + "/" + name) < cutoff : !hashes.contains(hash) {
                if !dryRun { try? fm.removeItem(atPath: folder + "/" + name) }
                removed += 1
            }
        }
        return removed
    }
}
