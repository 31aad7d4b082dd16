import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// `mldeck fsck`: re-hashes every object (on every core), checks that every object a record points
/// to is present and intact, that every dataset version's recipe/manifest lists exactly the objects
/// recorded for it, that cached dataset copies match their content, and lists orphans.
public struct StoreChecker {
    public let store: DeckStore

    public init(store: DeckStore) { self.store = store }

    /// Checks the whole store: SQLite's `integrity_check` (`quick_check` when `quick`), every
    /// record read back (see ``DatabaseChecker``), then every object. `progress` gets (objects
    /// checked, objects in all). A database too damaged to read still gives a report (unhealthy).
    public func check(quick: Bool = false, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> FsckReport {
        let checker = DatabaseChecker(store: store)
        var problems = checker.integrityProblems(quick: quick)
        var report: FsckReport
        do {
            report = try checkObjects(progress: progress)
            report.damaged += try checker.damagedRecords()
        } catch {
            let mapped = store.userFacing(error)
            let specific = (mapped as? WorkspaceError).map { !$0.isGenericDatabaseFailure } ?? false
            problems.append(specific ? "the records cannot be read: \(mapped)" : "the records cannot be read (the database is damaged)")
            report = FsckReport(objectsChecked: 0, bytesChecked: 0, referencedObjects: 0, missing: [], corrupt: [], orphaned: [],
                                orphanedCount: 0, orphanedBytes: 0, damaged: [], staleTemporaryFiles: staleTemporaryFiles().count)
        }
        report.databaseProblems = problems
        report.databaseCheck = quick ? "quick_check" : "integrity_check"
        return report
    }

    /// The object half of the check: hashes, missing and orphaned objects, dataset versions' objects.
    func checkObjects(progress: (@Sendable (Int, Int) -> Void)?) throws -> FsckReport {
        let refs = try ObjectReferences.collect(store)
        let present = store.objects.allObjects()
        let objects = store.objects
        let verdicts = CheckVerdicts(count: present.count)
        let counter = ProgressTicker(total: present.count, progress: progress)
        DispatchQueue.concurrentPerform(iterations: present.count) { i in
            let id = present[i]
            do {
                try objects.verify(id)
                verdicts.set(i, .ok(size: objects.storedSize(of: id) ?? 0))
            } catch ObjectStoreError.corrupt(_, _, let actual) {
                verdicts.set(i, .corrupt(actual: actual))
            } catch ObjectStoreError.notAFile {
                verdicts.set(i, .unreadable(reason: Self.notAFileReason(objects.path(of: id))))
            } catch ObjectStoreError.missing {
                verdicts.set(i, .missing)   // removed while we looked: reported with the missing below
            } catch {
                verdicts.set(i, .unreadable(reason: "cannot be read: \(error)"))
            }
            counter.tick()
        }
        var bytes: Int64 = 0
        var corrupt: [FsckReport.ObjectProblem] = [], orphaned: [FsckReport.ObjectProblem] = []
        var orphanCount = 0, orphanBytes: Int64 = 0
        var bad = Set<ObjectID>()
        var presentSet = Set<ObjectID>()
        for (i, id) in present.enumerated() {
            presentSet.insert(id)
            let sources = refs.sources[id] ?? []
            switch verdicts.get(i) {
            case .ok(let size):
                bytes += size
                if sources.isEmpty {
                    orphanCount += 1; orphanBytes += size
                    if orphaned.count < 100 { orphaned.append(.init(object: id.hex, path: objects.location(of: id), referencedBy: [], actual: nil)) }
                }
            case .corrupt(let actual):
                bad.insert(id)
                corrupt.append(.init(object: id.hex, path: objects.location(of: id), referencedBy: sources, actual: actual.hex))
            case .unreadable(let reason):
                bad.insert(id)
                corrupt.append(.init(object: id.hex, path: objects.location(of: id), referencedBy: sources, actual: nil, reason: reason))
            case .missing:
                bad.insert(id)
                presentSet.remove(id)
            }
        }
        var missing: [FsckReport.ObjectProblem] = []
        for (id, sources) in refs.sources where !presentSet.contains(id) {
            missing.append(.init(object: id.hex, path: objects.location(of: id), referencedBy: sources, actual: nil))
            bad.insert(id)
        }
        missing.sort { $0.object < $1.object }
        let damaged = try checkDatasetVersions(refs: refs, unusable: bad) + checkDatasetCache() + checkPackIndexes()
        return FsckReport(objectsChecked: present.count, bytesChecked: bytes, referencedObjects: refs.sources.count,
                          missing: missing, corrupt: corrupt, orphaned: orphaned, orphanedCount: orphanCount,
                          orphanedBytes: orphanBytes, damaged: damaged, staleTemporaryFiles: staleTemporaryFiles().count)
    }

    /// Pack indexes that cannot be read or fail their checksum (the objects they list cannot be trusted to be found).
    func checkPackIndexes() -> [FsckReport.DamagedRecord] {
        let packs = store.objects.packs
        let unreadable = packs.unreadableIndexes().map {
            FsckReport.DamagedRecord(reference: $0, reason: "this pack index cannot be read; the objects of its pack are not found")
        }
        let failing = packs.committedPacks().filter { !$0.index.isIntact() }.map {
            FsckReport.DamagedRecord(reference: packs.indexPath($0.name), reason: "this pack index fails its checksum")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: packs.folder)) ?? []
        let orphaned = names.filter { $0.hasSuffix(".pack") && !$0.hasPrefix("tmp-") && !names.contains(String($0.dropLast(5)) + ".idx") }.map {
            FsckReport.DamagedRecord(reference: packs.folder + "/" + $0, reason: "this pack has no index: its objects are not found (nothing removes it)")
        }
        return unreadable + failing + orphaned
    }

    /// Dataset versions whose objects are unusable, or whose recipe/manifest names objects not recorded for them.
    func checkDatasetVersions(refs: ObjectReferences, unusable: Set<ObjectID>) throws -> [FsckReport.DamagedRecord] {
        let rows = try store.database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.name || '@' || v.number, v.id, v.content_hash, v.content_kind, v.logical_bytes
                FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id ORDER BY d.name, v.number
                """)
        }
        let reader = DatasetContentReader(objects: store.objects)
        var damaged: [FsckReport.DamagedRecord] = []
        for row in rows {
            // A row whose columns cannot be read is reported by DatabaseChecker; skip it here.
            guard let reference = String.fromDatabaseValue(row[0]), let versionID = Int64.fromDatabaseValue(row[1]),
                  let hashText = String.fromDatabaseValue(row[2]), let kindText = String.fromDatabaseValue(row[3]),
                  let size = Int64.fromDatabaseValue(row[4]) else { continue }
            let recorded = try store.database.read { db in
                Set(try String.fetchAll(db, sql: "SELECT object FROM dataset_version_objects WHERE version_id = ?", arguments: [versionID])
                    .compactMap(ObjectID.init(hex:)))
            }
            let broken = recorded.filter { unusable.contains($0) }
            if !broken.isEmpty {
                damaged.append(.init(reference: reference, reason: "\(broken.count) of its objects are missing or corrupt"))
                continue
            }
            guard let hash = ObjectID(hex: hashText), let kind = DatasetContentKind(rawValue: kindText) else {
                damaged.append(.init(reference: reference, reason: "its content hash or kind is not valid"))
                continue
            }
            do {
                let needed = try reader.referencedObjects(kind: kind, hash: hash, size: size)
                let unrecorded = needed.keys.filter { !recorded.contains($0) }
                if !unrecorded.isEmpty {
                    damaged.append(.init(reference: reference, reason: "its \(kind.rawValue) names \(unrecorded.count) objects not recorded for it"))
                } else if try logicalSize(kind: kind, hash: hash, reader: reader) != size {
                    damaged.append(.init(reference: reference, reason: "its content does not add up to its recorded size"))
                }
            } catch {
                damaged.append(.init(reference: reference, reason: "\(error)"))
            }
        }
        return damaged
    }

    /// The size the stored content reassembles to.
    func logicalSize(kind: DatasetContentKind, hash: ObjectID, reader: DatasetContentReader) throws -> Int64 {
        switch kind {
        case .object: return store.objects.storedSize(of: hash) ?? 0
        case .recipe: return FileRecipe(chunks: try reader.chunks(of: hash, isRecipe: true, size: 0)).size
        case .manifest: return try reader.manifest(hash).totalSize
        }
    }

    /// Files and folders in `.mldeck/tmp`, and unfinished packs, not modified for `age` seconds.
    public func staleTemporaryFiles(age: Double = 3600) -> [String] {
        let folder = store.workspace.temporaryDirectory.path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let cutoff = Date().timeIntervalSince1970 - age
        // Packs a killed writer left: `tmp-` files, and an index whose pack was never renamed in
        // (a pack without its index is not a writer's leftover: fsck reports it, nothing removes it).
        let packs = store.objects.packs.folder
        let unfinished = ((try? FileManager.default.contentsOfDirectory(atPath: packs)) ?? []).filter { name in
            name.hasPrefix("tmp-") || (name.hasSuffix(".idx") && access(packs + "/" + name.dropLast(4) + ".pack", F_OK) != 0)
        }
        return (names.map { folder + "/" + $0 } + unfinished.map { packs + "/" + $0 }).filter { Self.modificationTime($0) < cutoff }
    }

    /// What stands in an object's place when it is not a regular file, for fsck's report.
    static func notAFileReason(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { return "is not a regular file" }
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { " to \($0)" } ?? ""
            return "is a symbolic link\(target), not the object's bytes (objects are never read through links)"
        case S_IFIFO: return "is a FIFO, not the object's bytes"
        case S_IFDIR: return "is a folder, not the object's bytes"
        case S_IFCHR, S_IFBLK: return "is a device, not the object's bytes"
        case S_IFSOCK: return "is a socket, not the object's bytes"
        default: return "is not a regular file"
        }
    }

    static func size(of path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    static func modificationTime(_ path: String) -> Double {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .infinity }
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }
}

/// The verdict on one object.
enum ObjectVerdict {
    case ok(size: Int64)
    case corrupt(actual: ObjectID)
    /// Present but not hashable: not a regular file, or not readable.
    case unreadable(reason: String)
    case missing
}

final class CheckVerdicts: @unchecked Sendable {
    private let lock = NSLock()
    private var verdicts: [ObjectVerdict]
    init(count: Int) { verdicts = Array(repeating: .missing, count: count) }
    func set(_ i: Int, _ v: ObjectVerdict) { lock.lock(); verdicts[i] = v; lock.unlock() }
    func get(_ i: Int) -> ObjectVerdict { lock.lock(); defer { lock.unlock() }; return verdicts[i] }
}

/// Counts finished items and reports every 1 % or so.
final class ProgressTicker: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let step: Int
    private let progress: (@Sendable (Int, Int) -> Void)?
    init(total: Int, progress: (@Sendable (Int, Int) -> Void)?) {
        self.total = total; self.progress = progress; step = max(1, total / 100)
    }
    func tick() {
        guard let progress else { return }
        lock.lock(); defer { lock.unlock() }
        done += 1
        if done % step == 0 || done == total { progress(done, total) }
    }
}
