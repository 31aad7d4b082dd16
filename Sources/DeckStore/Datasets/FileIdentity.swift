import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What says a file is still the one that was read: device, inode, size, and modification and
/// change times to the nanosecond. Any write, truncation or replacement (a rename over the path)
/// changes one of them; `ctime` also catches a rewrite whose `mtime` was set back (`rsync -t`).
public struct FileIdentity: Equatable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modified: timespec
    public var changed: timespec

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = info.st_mtim
        changed = info.st_ctim
    }

    /// The identity of the open file `fd`.
    public init(fd: Int32, path: String) throws {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DatasetError.io(path: path, operation: "stat", errno: errno) }
        self.init(info)
    }

    /// The identity of the file now at `path` (following links), or nil when there is none.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    public static func == (a: FileIdentity, b: FileIdentity) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
            && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
    }

    /// Throws ``DatasetError/changedWhileRead(_:)`` unless the open file `fd` and the file at `path`
    /// are both still `self`.
    public func verifyUnchanged(fd: Int32?, path: String) throws {
        if let fd, try FileIdentity(fd: fd, path: path) != self { throw DatasetError.changedWhileRead(path) }
        if FileIdentity(path: path) != self { throw DatasetError.changedWhileRead(path) }
    }
}
