#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `syncfs(2)`: flushes one file system in a single call. Glibc declares it only under
/// `_GNU_SOURCE`, which Swift's Glibc module does not set, so it is looked up at run time.
enum FileSystemSync {
    private typealias SyncFS = @convention(c) (Int32) -> Int32
    private static let syncfsFunction: SyncFS? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: SyncFS.self)
    }()

    /// Flushes the file system holding the open file `fd` (falls back to `sync()`).
    static func syncFileSystem(containing fd: Int32) {
        if let syncfs = syncfsFunction { _ = syncfs(fd) } else { sync() }
    }
}
