#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sync calls that make written bytes and renames durable, with their failures reported.
///
/// A failed `fsync`/`syncfs` means the kernel could not write some of the data back (an I/O
/// error, a full thin-provisioned disk): the bytes may be gone although every `write` succeeded,
/// and the kernel may not report it again on a later sync. So a failure is an error of the
/// operation that synced — nothing may be recorded that points to those bytes — never ignored.
/// `EINVAL` (and `ENOTSUP`) are the exception: some file systems say so for a folder they cannot
/// sync, which is not data lost.
enum FileSystemSync {
    private typealias SyncFS = @convention(c) (Int32) -> Int32
    /// `syncfs(2)`: flushes one file system in a single call. Glibc declares it only under
    /// `_GNU_SOURCE`, which Swift's Glibc module does not set, so it is looked up at run time.
    private static let syncfsFunction: SyncFS? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: SyncFS.self)
    }()

    /// Flushes the file system holding the open file `fd` (falls back to `sync()`, which reports
    /// nothing); returns 0 or the errno of the failure.
    static func syncFileSystem(containing fd: Int32) -> Int32 {
        guard let syncfs = syncfsFunction else { Glibc.sync(); return 0 }
        return syncfs(fd) == 0 ? 0 : errno
    }

    /// `fsync(fd)`: 0, or the errno of the failure (EINTR retried; EINVAL and ENOTSUP count as done).
    static func sync(_ fd: Int32) -> Int32 {
        while fsync(fd) != 0 {
            let code = errno
            if code == EINTR { continue }
            return code == EINVAL || code == ENOTSUP ? 0 : code
        }
        return 0
    }

    /// Opens `path` (a file, or a folder with `folder`) and fsyncs it: 0, or the errno of the
    /// sync's failure. A path that cannot be opened is not synced and not an error here (the
    /// caller wrote it moments ago; if it is gone, the rename or the record says so).
    static func sync(path: String, folder: Bool = false) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC | (folder ? O_DIRECTORY : 0))
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        return sync(fd)
    }

    /// A sync that failed: the path, the call (`open`, `fsync`, `syncfs`) and its errno.
    struct Failure: Error {
        let path: String
        let operation: String
        let errno: Int32
    }

    /// The durability barrier of a batch of new objects, shared by ``ObjectWriteBatch`` and the
    /// dataset chunk writer: the new files' bytes (an fsync each for up to `fsyncEachLimit`,
    /// otherwise one `syncfs` of the file system holding `root`), then `root` and every touched
    /// folder, so the renames that put the files in place are durable too.
    /// - Parameters:
    ///   - files: the new files' paths (only read when `count` ≤ `fsyncEachLimit`).
    ///   - count: how many files were written.
    /// - Throws: the first ``Failure``; nothing pointing to these files may then be recorded.
    static func makeDurable(files: [String], count: Int, root: String, folders: some Sequence<String>,
                            fsyncEachLimit: Int) throws(Failure) {
        if count <= fsyncEachLimit {
            for path in files {
                let code = sync(path: path)
                guard code == 0 else { throw Failure(path: path, operation: "fsync", errno: code) }
            }
        }
        let rootFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { throw Failure(path: root, operation: "open", errno: Glibc.errno) }
        defer { close(rootFD) }
        if count > fsyncEachLimit {
            let code = syncFileSystem(containing: rootFD)
            guard code == 0 else { throw Failure(path: root, operation: "syncfs", errno: code) }
        }
        let rootCode = sync(rootFD)
        guard rootCode == 0 else { throw Failure(path: root, operation: "fsync", errno: rootCode) }
        for folder in folders {
            let code = sync(path: folder, folder: true)
            guard code == 0 else { throw Failure(path: folder, operation: "fsync", errno: code) }
        }
    }
}
