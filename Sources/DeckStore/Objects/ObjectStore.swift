import Foundation
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// Content-addressed blobs under `.mldeck/objects/ab/cdef…` (SHA-256, fan-out folders).
///
/// An object is written to `.mldeck/tmp/`, fsynced, then renamed into place, and is never
/// modified afterwards. Reading verifies the hash, so a damaged object is an error, not wrong data.
/// ``ObjectWriteBatch`` writes many objects and makes them durable with one `syncfs`.
public struct ObjectStore: Sendable {
    /// `.mldeck/objects/`.
    public let root: URL
    /// `.mldeck/tmp/`.
    public let temporary: URL
    /// True for a read-only workspace: writes throw ``ObjectStoreError/readOnly(path:)``.
    public let readOnly: Bool

    public init(root: URL, temporary: URL, readOnly: Bool = false) {
        self.root = root
        self.temporary = temporary
        self.readOnly = readOnly
    }

    /// Where the object lives on disk.
    public func path(of id: ObjectID) -> String {
        let hex = id.hex
        return root.path + "/" + hex.prefix(2) + "/" + hex.dropFirst(2)
    }

    /// True when the object is present (its bytes are not verified).
    public func contains(_ id: ObjectID) -> Bool {
        access(path(of: id), F_OK) == 0
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
        let path = path(of: id)
        let handle = try openObject(id)
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

    /// Every object id present on disk.
    public func allObjects() -> [ObjectID] {
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

    /// Removes an object (used by `mldeck gc` for orphans only).
    public func remove(_ id: ObjectID) throws {
        if readOnly { throw ObjectStoreError.readOnly(path: root.path) }
        let path = path(of: id)
        if unlink(path) != 0 && errno != ENOENT { throw ObjectStoreError.io(path: path, operation: "unlink", errno: errno) }
    }
}
