import DeckInput
import Foundation
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// Writes many objects and makes them durable together: files are written and renamed into
/// place without a per-file fsync; ``commit()`` then syncs the whole file system once (`syncfs`)
/// and the touched fan-out folders. Record the objects in the database only after `commit()`.
///
/// A crash before `commit()` leaves at most orphaned (but complete, hash-named) objects or
/// temporary files, which `mldeck gc` removes.
public final class ObjectWriteBatch: @unchecked Sendable {
    private let store: ObjectStore
    private var touchedFolders: Set<String> = []
    private var writtenPaths: [String] = []
    private var written = 0
    private let lock = NSLock()

    public init(store: ObjectStore) { self.store = store }

    /// Objects written since the last ``commit()`` (objects already present are not counted).
    public var writtenCount: Int { lock.lock(); defer { lock.unlock() }; return written }

    /// Stores `data` under its SHA-256; does nothing when it is already present.
    @discardableResult
    public func put(_ data: Data) throws -> ObjectID {
        let id = ObjectID.of(data)
        try put(data, as: id)
        return id
    }

    /// Stores `bytes` already hashed by the caller as `id` (the caller guarantees the hash).
    public func put(_ data: Data, as id: ObjectID) throws {
        if store.readOnly { throw ObjectStoreError.readOnly(path: store.root.path) }
        let final = store.path(of: id)
        if access(final, F_OK) == 0 { return }
        let folder = String(final[..<final.lastIndex(of: "/")!])
        mkdir(folder, 0o755)
        let temp = store.temporary.path + "/" + UUID().uuidString
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard fd >= 0 else { throw ObjectStoreError.io(path: temp, operation: "create", errno: errno) }
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { if errno == EINTR { continue }; ok = false; break }
                offset += n
            }
        }
        let code = errno
        close(fd)
        guard ok else { unlink(temp); throw ObjectStoreError.io(path: temp, operation: "write", errno: code) }
        Failpoint.hit("objects.before-rename")
        guard rename(temp, final) == 0 else {
            let code = errno; unlink(temp)
            throw ObjectStoreError.io(path: final, operation: "rename", errno: code)
        }
        Failpoint.hit("objects.after-rename")
        lock.lock(); touchedFolders.insert(folder); written += 1; if writtenPaths.count <= Self.fsyncEachLimit { writtenPaths.append(final) }; lock.unlock()
    }

    /// Stores a whole file, hashing it as it streams into a temporary file.
    @discardableResult
    public func putFile(at url: URL) throws -> ObjectID {
        if store.readOnly { throw ObjectStoreError.readOnly(path: store.root.path) }
        // Never blocks on a FIFO: `runs log --artifact`, track's {"artifact": …} and step outputs are user paths.
        let input = FileHandle(fileDescriptor: try InputFile.openForReading(url.path), closeOnDealloc: true)
        defer { try? input.close() }
        let temp = store.temporary.path + "/" + UUID().uuidString
        guard FileManager.default.createFile(atPath: temp, contents: nil), let output = FileHandle(forWritingAtPath: temp) else {
            throw ObjectStoreError.io(path: temp, operation: "create", errno: errno)
        }
        var hasher = SHA256()
        do {
            while let chunk = try input.read(upToCount: 4 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                try output.write(contentsOf: chunk)
            }
            try output.close()
        } catch {
            try? output.close(); unlink(temp)
            throw error
        }
        let id = ObjectID(digest: hasher.finalize())
        let final = store.path(of: id)
        if access(final, F_OK) == 0 { unlink(temp); return id }
        let folder = String(final[..<final.lastIndex(of: "/")!])
        mkdir(folder, 0o755)
        chmod(temp, 0o444)
        Failpoint.hit("objects.before-rename")
        guard rename(temp, final) == 0 else {
            let code = errno; unlink(temp)
            throw ObjectStoreError.io(path: final, operation: "rename", errno: code)
        }
        Failpoint.hit("objects.after-rename")
        lock.lock(); touchedFolders.insert(folder); written += 1; if writtenPaths.count <= Self.fsyncEachLimit { writtenPaths.append(final) }; lock.unlock()
        return id
    }

    /// Up to this many new objects are fsynced one by one; beyond it one `syncfs` is cheaper.
    static let fsyncEachLimit = 32

    /// Makes every object written so far durable (an fsync per file for a few, one `syncfs` for
    /// many), then fsyncs the root and each touched folder so the renames are durable too
    /// (``FileSystemSync/makeDurable(files:count:root:folders:fsyncEachLimit:)``).
    public func commit() throws {
        lock.lock()
        let folders = touchedFolders, count = written, paths = writtenPaths
        touchedFolders = []; writtenPaths = []; written = 0
        lock.unlock()
        guard count > 0 else { return }
        Failpoint.hit("objects.before-fsync")
        defer { Failpoint.hit("objects.after-fsync") }
        // A failed sync fails the commit: the caller records nothing that points to these objects.
        do {
            try FileSystemSync.makeDurable(files: paths, count: count, root: store.root.path, folders: folders,
                                           fsyncEachLimit: Self.fsyncEachLimit)
        } catch {
            throw ObjectStoreError.io(path: error.path, operation: error.operation, errno: error.errno)
        }
    }
}
