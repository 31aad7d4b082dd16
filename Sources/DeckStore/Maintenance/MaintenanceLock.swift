import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The lock that keeps `mldeck gc` from removing objects a writer is about to record.
///
/// A writer that may reuse objects already in the store (a dataset add checks which chunks exist,
/// then records them) holds the lock **shared** from its first check until its record commits;
/// `gc` holds it **exclusive** while it decides what is orphaned and removes it. It is an `flock` on
/// `.mldeck/objects.lock`, so a writer killed with `kill -9` releases it at once.
public final class MaintenanceLock: @unchecked Sendable {
    /// Shared for writers, exclusive for garbage collection.
    public enum Mode: Sendable { case shared, exclusive }

    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Takes the lock, waiting for it when `wait` is true; returns nil when it is busy and `wait` is false.
    public static func acquire(_ workspace: Workspace, mode: Mode, wait: Bool = true) throws -> MaintenanceLock? {
        let path = workspace.stateDirectory.appendingPathComponent("objects.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DatasetError.io(path: path, operation: "open", errno: errno) }
        var operation = mode == .shared ? LOCK_SH : LOCK_EX
        if !wait { operation |= LOCK_NB }
        while flock(fd, operation) != 0 {
            if errno == EINTR { continue }
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { return nil }
            throw DatasetError.io(path: path, operation: "flock", errno: code)
        }
        return MaintenanceLock(fd: fd)
    }

    /// Releases the lock (also done when the lock is deallocated or the process ends).
    public func release() { flock(fd, LOCK_UN) }

    deinit { close(fd) }
}
