import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes new objects into one pack file (`.mldeck/objects/pack/`) instead of one file each: a
/// folder of 10,000 small files or a GiB's ~16,000 chunks becomes one file and one index, so the
/// add's time goes to reading and hashing, not to creating inodes (on ext4, allocating an inode
/// near thousands freed a moment ago cost half of a 10,000-file add; issue 9).
///
/// ``put(_:as:)`` may be called from many threads: each object's bytes get their own range of
/// the pack (reserved under a lock, written with `pwrite` outside it) and become readable in this
/// process as soon as they are written. ``commit()`` — after every `put` has returned — makes the
/// pack durable and visible to other processes in this order: `fdatasync` of the pack, the index
/// written and fsynced, both renamed from `tmp-…` to their names (index first), the folder fsynced.
/// A crash before the pack's rename leaves `tmp-` files or an index without its pack, which no
/// reader uses and `mldeck gc` removes; a writer dropped without `commit()` removes its pack at once.
/// (A pack without its index is never left by a writer: `fsck` reports one, `gc` keeps it.)
///
/// With `stagesPastCache`, objects are copied into aligned segments written past the page cache
/// (``PackStaging``): for content nothing reads back soon, where the page cache only costs (a cold
/// GiB add's largest system-time item). Then an object is readable in this process once its
/// segment is written, and every object put so far after ``flush()``.
///
/// Dedup: an object already in a pack (or stored loose by an older MLDeck) is not written again.
public final class PackWriter: @unchecked Sendable {
    // @unchecked: `current`, `size`, `entries`, `keys` and `failure` are guarded by `lock`.
    let store: ObjectStore
    private let lock = NSLock()
    private var current: OpenPack?
    /// The end of the pack being written: where the next object goes.
    private var size: UInt64 = 0
    /// Kept apart from `current` (which `put` copies out) so appending never copies the array.
    private var entries: [(key: PackKey, offset: UInt64, length: UInt64)] = []
    private var keys = Set<PackKey>()
    private var failure: ObjectStoreError?
    /// The end of the pack's bytes already hinted to the kernel for writeback.
    private var hintedUpTo: UInt64 = 0
    /// Whether packs are written through a ``PackStaging``.
    let stagesPastCache: Bool

    private struct OpenPack {
        let fd: Int32
        let name: String
        let temporaryPath: String
        let pending: PendingPack
        let staging: PackStaging?
    }

    /// The pack file's first 8 bytes.
    static let magic = Array("MLDKPAK1".utf8)

    /// How many bytes of the pack are written between two writeback hints (see ``put(_:as:)``).
    /// One hint per chunk (~16,000 a GiB) cost the cold GiB add ~0.3 s more system time than one
    /// per 4 MiB (1.94–2.35 s against 1.60–1.82 s, alternating; 1 and 16 MiB were no better).
    static let writebackStep: UInt64 = 4 << 20

    /// `SYNC_FILE_RANGE_WRITE` of `<fcntl.h>`.
    static let syncFileRangeWrite: UInt32 = 2

    /// glibc's `sync_file_range(2)` (int, off64_t, off64_t, unsigned int) -> int, which Swift's
    /// Glibc module does not export (it is declared only under `_GNU_SOURCE`). Bound by symbol
    /// name: every argument is a plain integer passed in a register, the same in Swift's and C's
    /// calling conventions on x86-64 and arm64, the two Linux targets this builds for.
    @_silgen_name("sync_file_range")
    static func startWriteback(_ fd: Int32, _ offset: Int64, _ count: Int64, _ flags: UInt32) -> Int32

    /// Lists the pack folder first: the dedup check trusts the packs known from here on, so make
    /// the writer after taking the maintenance lock (no `gc` prunes a pack while it writes).
    public init(store: ObjectStore, stagesPastCache: Bool = false) {
        self.store = store
        self.stagesPastCache = stagesPastCache
        store.packs.rescan()
    }

    deinit {
        // Never committed: nothing can reference these objects, so the pack goes now.
        if let pack = current { discard(pack) }
    }

    /// Stores `bytes` as object `id` (the caller hashed them). Returns false when it was already stored.
    public func put(_ bytes: UnsafeRawBufferPointer, as id: ObjectID) throws -> Bool {
        try put(bytes, as: id, deduplicate: true)
    }

    /// `deduplicate: false` writes the object even when a pack holds it (``PackPruner`` copying
    /// the objects a pack keeps out of that pack).
    func put(_ bytes: UnsafeRawBufferPointer, as id: ObjectID, deduplicate: Bool) throws -> Bool {
        if store.readOnly { throw ObjectStoreError.readOnly(path: store.root.path) }
        let key = PackKey(id)
        if deduplicate && (store.packs.locate(key, rescan: false, includePending: false) != nil
                           || access(store.path(of: id), F_OK) == 0) { return false }
        let length = UInt64(bytes.count)
        lock.lock()
        if keys.contains(key) { lock.unlock(); return false }
        let pack: OpenPack
        do { pack = try openLocked() } catch { lock.unlock(); throw error }
        let offset = size
        size += length
        entries.append((key, offset, length))
        keys.insert(key)
        lock.unlock()

        if let staging = pack.staging {
            do { try staging.put(bytes, at: offset, key: key) } catch let error as ObjectStoreError {
                lock.lock(); failure = failure ?? error; lock.unlock()
                throw error
            }
            return true
        }
        var written = 0
        while written < bytes.count {
            let n = pwrite(pack.fd, bytes.baseAddress! + written, bytes.count - written, off_t(offset) + off_t(written))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                let error = ObjectStoreError.io(path: pack.temporaryPath, operation: "write", errno: n < 0 ? errno : EIO)
                lock.lock(); failure = failure ?? error; lock.unlock()
                throw error
            }
            written += n
        }
        // Start writing the pack to disk now, without waiting, every `writebackStep` bytes: the
        // commit's fdatasync then finds most of a large add already on its way instead of flushing
        // all of it at the end (the kernel would not start on its own before ~10 % of memory is
        // dirty). A hint only; bytes of the range that another thread has yet to write are left
        // to the commit.
        let end = offset + length
        lock.lock()
        let hintFrom = hintedUpTo
        let hints = end >= hintFrom + Self.writebackStep
        if hints { hintedUpTo = end }
        lock.unlock()
        if hints { _ = Self.startWriteback(pack.fd, Int64(hintFrom), Int64(end - hintFrom), Self.syncFileRangeWrite) }
        pack.pending.add(key, offset: offset, length: length)
        return true
    }

    /// The pack being written, created on the first new object.
    private func openLocked() throws -> OpenPack {
        if let current { return current }
        let folder = store.packs.folder
        if mkdir(folder, 0o755) != 0 && errno != EEXIST { throw ObjectStoreError.io(path: folder, operation: "create", errno: errno) }
        let name = "pack-" + UUID().uuidString.lowercased()
        let path = folder + "/tmp-" + name + ".pack"
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard fd >= 0 else { throw ObjectStoreError.io(path: path, operation: "create", errno: errno) }
        let readFD = open(path, O_RDONLY | O_CLOEXEC)
        let pending = readFD >= 0 ? PendingPack(path: path, reader: PackHandle(fd: readFD)) : nil
        var staging: PackStaging?
        var code: Int32 = readFD >= 0 ? 0 : errno
        if let pending, stagesPastCache {
            let stage = PackStaging(fd: fd, path: path) { pending.add($0, offset: $1, length: $2) }
            staging = stage
            do { try Self.magic.withUnsafeBytes { try stage.put($0, at: 0, key: nil) } } catch {
                if case .io(_, _, let failed) = error as? ObjectStoreError { code = failed } else { code = EIO }
            }
        } else if pending != nil {
            let n = Self.magic.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            if n != Self.magic.count { code = n < 0 ? errno : EIO }
        }
        guard let pending, code == 0 else {
            staging?.stop()
            close(fd); if readFD >= 0 { close(readFD) }; unlink(path)
            throw ObjectStoreError.io(path: path, operation: "write", errno: code)
        }
        store.packs.register(pending)
        let pack = OpenPack(fd: fd, name: name, temporaryPath: path, pending: pending, staging: staging)
        current = pack
        size = UInt64(Self.magic.count)
        hintedUpTo = 0
        entries = []
        return pack
    }

    /// Makes every object put so far readable in this process (with `stagesPastCache`, writes the
    /// last segment; otherwise they already are). Call it after every ``put(_:as:)`` has returned.
    public func flush() throws {
        lock.lock()
        let pack = current, end = size
        lock.unlock()
        try pack?.staging?.flush(end: end)
    }

    /// Makes every object written so far durable and visible to other processes (see the type's
    /// documentation for the order). Call it after every ``put(_:as:)`` has returned.
    public func commit() throws {
        lock.lock()
        let taken = current, failed = failure, written = entries, end = size
        current = nil; keys = []; failure = nil; entries = []; size = 0
        lock.unlock()
        guard let pack = taken else { return }
        if let failed { discard(pack); throw failed }
        do {
            try finish(pack, entries: written, end: end)
        } catch {
            discard(pack)
            throw error
        }
    }

    private func finish(_ pack: OpenPack, entries: [(key: PackKey, offset: UInt64, length: UInt64)], end: UInt64) throws {
        let folder = store.packs.folder
        if let staging = pack.staging {
            try staging.flush(end: end)
            staging.stop()
            // The last segment was written padded to the alignment: the pack ends at its last object.
            while ftruncate(pack.fd, off_t(end)) != 0 {
                if errno != EINTR { throw ObjectStoreError.io(path: pack.temporaryPath, operation: "truncate", errno: errno) }
            }
        }
        Failpoint.hit("objects.before-fsync")
        // A failed sync fails the commit: the caller records nothing that points to these objects.
        try Self.sync(pack.fd, path: pack.temporaryPath)
        let index = PackIndexFile.encode(entries)
        let temporaryIndex = folder + "/tmp-" + pack.name + ".idx"
        try Self.writeDurably(index, to: temporaryIndex)
        Failpoint.hit("objects.after-fsync")
        Failpoint.hit("objects.before-rename")
        // The index first: a pack counts once both are there, so a crash between the two leaves an
        // index without its pack (ignored, removed by gc), never a pack whose index is lost.
        let packPath = store.packs.packPath(pack.name), indexPath = store.packs.indexPath(pack.name)
        guard rename(temporaryIndex, indexPath) == 0 else {
            let code = errno
            unlink(temporaryIndex)
            throw ObjectStoreError.io(path: indexPath, operation: "rename", errno: code)
        }
        guard rename(pack.temporaryPath, packPath) == 0 else {
            let code = errno
            unlink(indexPath)
            throw ObjectStoreError.io(path: packPath, operation: "rename", errno: code)
        }
        Failpoint.hit("objects.after-rename")
        // The renames (and the pack folder itself, the first time) are durable once their folders
        // are; if that fails, the pack is withdrawn (nobody may dedup against what is not durable).
        do {
            for directory in [folder, store.root.path] { try Self.syncFolder(directory) }
        } catch {
            unlink(packPath); unlink(indexPath)
            throw error
        }
        if let loaded = PackIndexFile(data: index) { store.packs.adopt(name: pack.name, index: loaded) }
        store.packs.unregister(pack.pending)
        close(pack.fd)
    }

    private func discard(_ pack: OpenPack) {
        pack.staging?.stop()
        store.packs.unregister(pack.pending)
        close(pack.fd)
        unlink(pack.temporaryPath)
    }

    static func sync(_ fd: Int32, path: String) throws {
        while fdatasync(fd) != 0 {
            if errno != EINTR { throw ObjectStoreError.io(path: path, operation: "fsync", errno: errno) }
        }
    }

    /// fsyncs a folder (``FileSystemSync/sync(path:folder:)``), as an ``ObjectStoreError``.
    static func syncFolder(_ path: String) throws {
        let code = FileSystemSync.sync(path: path, folder: true)
        if code != 0 { throw ObjectStoreError.io(path: path, operation: "fsync", errno: code) }
    }

    static func writeDurably(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard fd >= 0 else { throw ObjectStoreError.io(path: path, operation: "create", errno: errno) }
        defer { close(fd) }
        var done = 0
        let ok = data.withUnsafeBytes { raw -> Bool in
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
        guard ok else { let code = errno; unlink(path); throw ObjectStoreError.io(path: path, operation: "write", errno: code) }
        do { try sync(fd, path: path) } catch { unlink(path); throw error }
    }
}
