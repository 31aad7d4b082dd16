import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes chunk objects the fast way on Linux: an unnamed file is created in the object's fan-out
/// folder (`O_TMPFILE`), filled, and linked under its final name (`linkat`), so the object appears
/// whole or not at all, a killed writer leaves no temporary file, and no cross-folder rename
/// serializes concurrent writers (with thousands of chunks per version, `.mldeck/tmp` plus
/// `rename` cost more than hashing them). Where `O_TMPFILE` is unsupported it falls back to
/// ``ObjectWriteBatch``.
///
/// ``commit()`` makes everything durable like ``ObjectWriteBatch/commit()``: one `syncfs` (or an
/// `fsync` per file for a few), then an `fsync` of every touched folder.
final class ChunkObjectWriter: @unchecked Sendable {
    let store: ObjectStore
    let fallback: ObjectWriteBatch
    private let lock = NSLock()
    private var folders = Set<String>()
    private var paths: [String] = []
    private var written = 0
    private var tmpfileUnsupported = false

    /// `O_TMPFILE` (`__O_TMPFILE | O_DIRECTORY`), which Swift's Glibc module does not export.
    static let openTemporaryFile: Int32 = 0o20000000 | O_DIRECTORY

    /// The smallest chunk whose writeback starts as soon as it is written (see ``put(_:as:)``).
    static let writebackHintMinimum = 16 * 1024

    /// `SYNC_FILE_RANGE_WRITE` of `<fcntl.h>`.
    static let syncFileRangeWrite: UInt32 = 2

    /// glibc's `sync_file_range(2)` (int, off64_t, off64_t, unsigned int) -> int, which Swift's
    /// Glibc module does not export (it is declared only under `_GNU_SOURCE`). Bound by symbol
    /// name: every argument is a plain integer passed in a register, the same in Swift's and C's
    /// calling conventions on x86-64 and arm64, the two Linux targets this builds for.
    @_silgen_name("sync_file_range")
    static func startWriteback(_ fd: Int32, _ offset: Int64, _ count: Int64, _ flags: UInt32) -> Int32

    init(store: ObjectStore) {
        self.store = store
        fallback = ObjectWriteBatch(store: store)
    }

    /// Stores `bytes` as object `id` (the caller hashed them). Returns false when it was already there.
    func put(_ bytes: UnsafeRawBufferPointer, as id: ObjectID) throws -> Bool {
        let final = store.path(of: id)
        if access(final, F_OK) == 0 { return false }
        let folder = String(final[..<final.lastIndex(of: "/")!])
        if useFallback() {
            let data = bytes.count == 0 ? Data() : Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress!), count: bytes.count, deallocator: .none)
            try fallback.put(data, as: id)
            return true
        }
        var fd = open(folder, Self.openTemporaryFile | O_WRONLY | O_CLOEXEC, 0o444)
        if fd < 0 && errno == ENOENT {
            mkdir(folder, 0o755)
            fd = open(folder, Self.openTemporaryFile | O_WRONLY | O_CLOEXEC, 0o444)
        }
        if fd < 0 {
            let code = errno
            if code == EOPNOTSUPP || code == EISDIR || code == EINVAL {
                lock.lock(); tmpfileUnsupported = true; lock.unlock()
                return try put(bytes, as: id)
            }
            throw DatasetError.io(path: folder, operation: "create", errno: code)
        }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 { if errno == EINTR { continue }; throw DatasetError.io(path: final, operation: "write", errno: errno) }
            offset += n
        }
        // Start writing the chunk to disk now, without waiting: the commit's syncfs then finds
        // most of a large add already on its way instead of flushing all of it at the end (the
        // kernel would not start on its own before ~10 % of memory is dirty). Chunks of a large
        // file only (~64 KiB each): for a folder of small files the extra call per file cost more
        // than it saved. A hint only: the commit's barrier is what makes the chunk durable, so a
        // failure here changes nothing.
        if bytes.count >= Self.writebackHintMinimum { _ = Self.startWriteback(fd, 0, 0, Self.syncFileRangeWrite) }
        Failpoint.hit("objects.before-rename")
        if linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, final, AT_SYMLINK_FOLLOW) != 0 {
            if errno == EEXIST { return false }
            throw DatasetError.io(path: final, operation: "link", errno: errno)
        }
        Failpoint.hit("objects.after-rename")
        lock.lock()
        folders.insert(folder)
        written += 1
        if paths.count <= ObjectWriteBatch.fsyncEachLimit { paths.append(final) }
        lock.unlock()
        return true
    }

    private func useFallback() -> Bool {
        lock.lock(); defer { lock.unlock() }
        return tmpfileUnsupported
    }

    /// Makes every object written so far durable.
    func commit() throws {
        try fallback.commit()
        lock.lock()
        let touched = folders, count = written, few = paths
        folders = []; paths = []; written = 0
        lock.unlock()
        guard count > 0 else { return }
        Failpoint.hit("objects.before-fsync")
        defer { Failpoint.hit("objects.after-fsync") }
        // A failed sync fails the commit: the add records no version that points to these chunks.
        do {
            try FileSystemSync.makeDurable(files: few, count: count, root: store.root.path, folders: touched,
                                           fsyncEachLimit: ObjectWriteBatch.fsyncEachLimit)
        } catch {
            throw DatasetError.io(path: error.path, operation: error.operation, errno: error.errno)
        }
    }
}
