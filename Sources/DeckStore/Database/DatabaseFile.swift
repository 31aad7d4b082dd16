import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks on the workspace's database file made before SQLite opens it, so that a missing,
/// truncated or foreign file is refused instead of silently becoming a new, empty store.
enum DatabaseFile {
    /// The 16 bytes every SQLite 3 database starts with.
    static let header = Array("SQLite format 3\u{0}".utf8)

    /// Throws when `path` is missing, empty, not a regular file, or does not start with the SQLite header.
    static func verify(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { throw WorkspaceError.databaseMissing(path: path) }
            throw WorkspaceError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw WorkspaceError.notADatabase(path: path, detail: "it is not a regular file")
        }
        guard info.st_size > 0 else { throw WorkspaceError.databaseEmpty(path: path) }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw WorkspaceError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: header.count)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, header.count, 0) }
        guard n == header.count, bytes == header else {
            throw WorkspaceError.notADatabase(path: path, detail: "it does not start with the SQLite header")
        }
    }

    /// True when this process may write the state folder and the database (false on a read-only
    /// mount, in another user's workspace, or after `chmod a-w`).
    static func isWritable(_ workspace: Workspace) -> Bool {
        access(workspace.stateDirectory.path, W_OK) == 0 && access(workspace.databaseURL.path, W_OK) == 0
    }

    /// The name to give SQLite for a read-only open. Without a `-wal` file (the database was
    /// closed cleanly) SQLite cannot open a WAL database read-only in a folder it cannot write
    /// (it would create the `-shm` file), so the file is opened `immutable` through a URI: nothing
    /// is written and no lock is taken. With a `-wal` file, a plain read-only open reads it too.
    static func readOnlyName(_ path: String) -> String {
        var info = stat()
        if stat(path + "-wal", &info) == 0, info.st_size > 0 { return path }
        return "file:" + percentEncoded(path) + "?immutable=1"
    }

    /// `path` with every byte outside `A-Z a-z 0-9 - . _ ~ /` percent-encoded (RFC 3986, as SQLite reads URIs).
    static func percentEncoded(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 128, c.isLetter || c.isNumber || "-._~/".contains(c) {
                out.append(c)
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
