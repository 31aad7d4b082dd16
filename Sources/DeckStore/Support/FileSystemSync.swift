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
}
