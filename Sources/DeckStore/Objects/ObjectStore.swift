import Foundation
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// Content-addressed blobs (SHA-256), stored two ways:
/// - **loose**, one file each under `.mldeck/objects/ab/cdef…` (fan-out folders): models,
///   artifacts, step outputs (``ObjectWriteBatch``: written to `.mldeck/tmp/`, renamed into place,
///   made durable together);
/// - **packed**, many to a file under `.mldeck/objects/pack/` with an index (``PackWriter``):
///   dataset chunks and small files, where one file per object cost more than hashing them.
///
/// Objects are never modified once stored. Every read verifies the hash, so a damaged object is
/// an error, not wrong data. Readers look in the packs first, then for a loose file.
public struct ObjectStore: Sendable {
    /// `.mldeck/objects/`.
    public let root: URL
    /// `.mldeck/tmp/`.
    public let temporary: URL
    /// True for a read-only workspace: writes throw ``ObjectStoreError/readOnly(path:)``.
    public let readOnly: Bool

    /// The packs (`.mldeck/objects/pack/`), shared by every copy of this store value.
    public let packs: PackSet

    public init(root: URL, temporary: URL, readOnly: Bool = false) {
        self.root = root
        self.temporary = temporary
        self.readOnly = readOnly
        self.packs = PackSet(folder: root.path + "/pack")
    }

    /// Where the object lives on disk when it is stored loose.
    public func path(of id: ObjectID) -> String {
        let hex = id.hex
        return root.path + "/" + hex.prefix(2) + "/" + hex.dropFirst(2)
    }

    /// True when the object is present, loose or packed (its bytes are not verified).
    public func contains(_ id: ObjectID) -> Bool {
        access(path(of: id), F_OK) == 0 || packs.locate(PackKey(id), rescan: true) != nil
    }

    /// Where the object is, for messages: its loose path, or its pack and offset.
    public func location(of id: ObjectID) -> String {
        if access(path(of: id), F_OK) != 0, let packed = packs.locate(PackKey(id), rescan: false) {
            return "\(packed.pack) at byte \(packed.offset)"
        }
        return path(of: id)
    }

    /// The object's size on disk, nil when it is not there.
    public func storedSize(of id: ObjectID) -> Int64? {
        if let packed = packs.locate(PackKey(id), rescan: false) { return Int64(packed.length) }
        var info = stat()
        return lstat(path(of: id), &info) == 0 ? Int64(info.st_size) : nil
    }

    /// Stores `data` durably (fsync of file and folder) and returns its id.
    @discardableResult
    public func put(_ data: Data) throws -> ObjectID {
        let batch = ObjectWriteBatch(store: self)
        let id = try batch.put(data)
        try batch.commit()
        return id
    }

    /// Stores the file at `url` durably, streaming it through the hash.
    @discardableResult
    public func putFile(at url: URL) throws -> ObjectID {
        let batch = ObjectWriteBatch(store: self)
        let id = try batch.putFile(at: url)
        try batch.commit()
        return id
    }

    /// Reads an object and verifies its hash.
    public func read(_ id: ObjectID) throws -> Data {
        let key = PackKey(id)
        if let packed = packs.locate(key, rescan: false) {
            if let data = try readPacked(id, at: packed) { return data }
            // Its pack went (another process's `gc` rewrote it): look again.
            if let moved = packs.locate(key, rescan: true), let data = try readPacked(id, at: moved) { return data }
        }
        let path = path(of: id)
        let handle: FileHandle
        do {
            handle = try openObject(id)
        } catch ObjectStoreError.missing(let id, let path) {
            // Packed by another process since this one last looked, or moved by `gc`'s repack.
            if let packed = packs.locate(key, rescan: true), let data = try readPacked(id, at: packed) { return data }
            throw ObjectStoreError.missing(id, path: path)
        }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() ?? Data() else { throw ObjectStoreError.missing(id, path: path) }
        let actual = ObjectID.of(data)
        guard actual == id else { throw ObjectStoreError.corrupt(id, path: path, actual: actual) }
        return data
    }

    /// Opens an object for reading without following a symlink and only when it is a regular file:
    /// something planted in its place (a link to a file outside the workspace, a FIFO, a device) is
    /// refused, never read or waited on.
    func openObject(_ id: ObjectID) throws -> FileHandle {
        let path = path(of: id)
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ELOOP { throw ObjectStoreError.notAFile(id, path: path) }
            throw ObjectStoreError.missing(id, path: path)
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { close(fd); throw ObjectStoreError.notAFile(id, path: path) }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// Re-hashes an object on disk; throws when it is missing or corrupt.
    public func verify(_ id: ObjectID) throws {
        if access(path(of: id), F_OK) != 0 { _ = try read(id); return }
        let path = path(of: id)
        let handle = try openObject(id)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        let actual = ObjectID(digest: hasher.finalize())
        guard actual == id else { throw ObjectStoreError.corrupt(id, path: path, actual: actual) }
    }

    /// Copies an object to `destination` (verified), replacing what is there.
    public func export(_ id: ObjectID, to destination: URL) throws {
        let data = try read(id)
        try data.write(to: destination, options: .atomic)
    }

    /// Every object id present on disk, loose or packed (each once).
    public func allObjects() -> [ObjectID] {
        var ids = looseObjects()
        var seen = Set(ids)
        for pack in packs.committedPacks() {
            for entry in pack.index.entries() {
                let id = entry.key.objectID
                if seen.insert(id).inserted { ids.append(id) }
            }
        }
        return ids
    }

    /// Every object stored loose.
    public func looseObjects() -> [ObjectID] {
        let fm = FileManager.default
        guard let fans = try? fm.contentsOfDirectory(atPath: root.path) else { return [] }
        var ids: [ObjectID] = []
        for fan in fans where fan.utf8.count == 2 {
            for rest in (try? fm.contentsOfDirectory(atPath: root.path + "/" + fan)) ?? [] {
                if let id = ObjectID(hex: fan + rest) { ids.append(id) }
            }
        }
        return ids
    }

    /// Removes a loose object (used by `mldeck gc` for orphans only; see ``PackPruner`` for packed ones).
    public func remove(_ id: ObjectID) throws {
        if readOnly { throw ObjectStoreError.readOnly(path: root.path) }
        let path = path(of: id)
        if unlink(path) != 0 && errno != ENOENT { throw ObjectStoreError.io(path: path, operation: "unlink", errno: errno) }
    }
}
