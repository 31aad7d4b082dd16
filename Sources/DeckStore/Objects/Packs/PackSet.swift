import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The packs of one object store (`.mldeck/objects/pack/`) as this process knows them: each
/// committed pack's index, loaded (mapped) on first use, plus the packs this process is still
/// writing, so that an add can read back what it has just written before it commits.
///
/// A pack counts once its `<name>.idx` exists beside `<name>.pack`; ``PackWriter`` renames the
/// index into place only after the pack's bytes are on disk. Another process may add or remove
/// packs at any time: a lookup that misses (``locate(_:rescan:)`` with `rescan: true`) lists
/// the folder again before it says "not here", and a read whose pack has gone asks again.
public final class PackSet: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`.
    /// `.mldeck/objects/pack`.
    public let folder: String
    private let lock = NSLock()
    private var loaded: [(name: String, index: PackIndexFile)] = []
    private var unreadable: [String] = []
    private var scanned = false
    private var pending: [ObjectIdentifier: PendingPack] = [:]

    public init(folder: String) { self.folder = folder }

    /// The path of pack `name`'s data file.
    func packPath(_ name: String) -> String { folder + "/" + name + ".pack" }
    /// The path of pack `name`'s index.
    func indexPath(_ name: String) -> String { folder + "/" + name + ".idx" }

    /// Where `key`'s bytes are, if a pack holds them. With `rescan`, a miss — or a hit in a pack
    /// whose file has gone (another process's `gc` rewrote it) — lists the folder again first.
    /// `includePending: false` leaves out packs still being written (a writer's dedup check: an
    /// object only in another writer's uncommitted pack is not stored yet).
    func locate(_ key: PackKey, rescan: Bool, includePending: Bool = true) -> PackLocation? {
        lock.lock(); defer { lock.unlock() }
        if !scanned { scanLocked() }
        let found = findLocked(key, includePending: includePending)
        guard rescan else { return found }
        if let found, found.open != nil || access(found.pack, F_OK) == 0 { return found }
        scanLocked()
        return findLocked(key, includePending: includePending)
    }

    private func findLocked(_ key: PackKey, includePending: Bool) -> PackLocation? {
        if includePending { for p in pending.values { if let found = p.location(of: key) { return found } } }
        for pack in loaded.reversed() {
            if let (offset, length) = pack.index.lookup(key) { return PackLocation(pack: packPath(pack.name), offset: offset, length: length) }
        }
        return nil
    }

    /// Lists the folder again: loads new indexes, forgets removed packs.
    public func rescan() {
        lock.lock(); defer { lock.unlock() }
        scanLocked()
    }

    private func scanLocked() {
        scanned = true
        // A pack counts once both files are there (its index is renamed in first, its data last).
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".idx") && !$0.hasPrefix("tmp-") }
            .map { String($0.dropLast(4)) }
            .filter { access(packPath($0), F_OK) == 0 }
            .sorted()
        let present = Set(names)
        loaded.removeAll { !present.contains($0.name) }
        unreadable.removeAll { !present.contains($0) }
        let known = Set(loaded.map(\.name)).union(unreadable)
        for name in names where !known.contains(name) {
            // Read (never mapped, never through a FIFO planted in its place); a read that fails
            // (EMFILE, ENOMEM, EIO) is tried again at the next scan, only bad contents stick.
            guard let data = try? Self.readIndex(indexPath(name)) else { continue }
            if let index = PackIndexFile(data: data) { loaded.append((name, index)) } else { unreadable.append(name) }
        }
    }

    /// The bytes of a regular file, opened without blocking on a FIFO or following a link.
    static func readIndex(_ path: String) throws -> Data {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw ObjectStoreError.io(path: path, operation: "open", errno: errno) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw ObjectStoreError.io(path: path, operation: "open", errno: EINVAL)
        }
        return try handle.readToEnd() ?? Data()
    }

    /// Every committed pack: its name and index. Lists the folder first.
    func committedPacks() -> [(name: String, index: PackIndexFile)] {
        lock.lock(); defer { lock.unlock() }
        scanLocked()
        return loaded
    }

    /// Packs whose index is missing its header or has the wrong size (`mldeck fsck` reports them).
    public func unreadableIndexes() -> [String] {
        lock.lock(); defer { lock.unlock() }
        scanLocked()
        return unreadable.map(indexPath)
    }

    /// Adds a pack this process has just committed.
    func adopt(name: String, index: PackIndexFile) {
        lock.lock(); defer { lock.unlock() }
        if !loaded.contains(where: { $0.name == name }) { loaded.append((name, index)) }
    }

    /// Forgets a pack this process has removed.
    func forget(name: String) {
        lock.lock(); defer { lock.unlock() }
        loaded.removeAll { $0.name == name }
    }

    /// Makes a pack being written readable in this process.
    func register(_ pack: PendingPack) {
        lock.lock(); defer { lock.unlock() }
        pending[ObjectIdentifier(pack)] = pack
    }

    func unregister(_ pack: PendingPack) {
        lock.lock(); defer { lock.unlock() }
        pending[ObjectIdentifier(pack)] = nil
    }
}

/// The objects of a pack still being written, readable in this process: an entry appears only
/// once its bytes are written.
final class PendingPack: @unchecked Sendable {
    // @unchecked: `entries` is guarded by `lock`; `path` and `reader` are immutable.
    let path: String
    /// Read side of the file being written, valid across its rename at commit.
    let reader: PackHandle
    private let lock = NSLock()
    private var entries: [PackKey: (offset: UInt64, length: UInt64)] = [:]

    init(path: String, reader: PackHandle) { (self.path, self.reader) = (path, reader) }

    func add(_ key: PackKey, offset: UInt64, length: UInt64) {
        lock.lock(); entries[key] = (offset, length); lock.unlock()
    }

    func location(of key: PackKey) -> PackLocation? {
        lock.lock(); defer { lock.unlock() }
        return entries[key].map { PackLocation(pack: path, offset: $0.offset, length: $0.length, open: reader) }
    }
}
