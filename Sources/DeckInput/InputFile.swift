import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A path given by the user that cannot be read as a file, written for the person at the terminal.
public enum InputFileError: Error, CustomStringConvertible, Equatable {
    /// Nothing exists at the path.
    case notFound(String)
    /// The path is a FIFO, a device, a socket or a folder: reading it could block forever or never end.
    case notRegular(String, kind: String)
    /// The file exists but cannot be opened or read (permissions, I/O error).
    case unreadable(String, reason: String)
    /// The file is larger than the command reads.
    case tooLarge(String, limit: Int)

    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such file"
        case .notRegular(let path, let kind): return "\(path) is \(kind), not a regular file; give the path of a file"
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .tooLarge(let path, let limit): return "\(path) is larger than \(limit) bytes, the most this command reads"
        }
    }
}

/// The one place user-given paths are checked before they are read: a FIFO with no writer blocks
/// `open()` forever and a device never ends, so every file read from a user-given path goes through
/// ``checkRegular(_:)`` (when a library opens it) or ``openForReading(_:)`` (which opens with
/// `O_NONBLOCK`, checks the opened file with `fstat`, then clears `O_NONBLOCK`, so a path swapped
/// for a FIFO between the check and the open cannot block either).
public enum InputFile {
    /// What a `stat` mode is, in words ("a FIFO", "a folder", ...), or nil for a regular file.
    public static func kindName(mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }

    /// Throws unless `path` (following links) is a regular file.
    public static func checkRegular(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw error(errno: errno, path: path) }
        if let kind = kindName(mode: info.st_mode) { throw InputFileError.notRegular(path, kind: kind) }
    }

    /// Throws when `path` exists and is neither a regular file nor a folder (a FIFO, device or socket).
    /// For paths that may name either, such as `mldeck datasets add`'s source.
    public static func checkFileOrFolder(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw error(errno: errno, path: path) }
        let type = info.st_mode & S_IFMT
        if type != S_IFDIR, let kind = kindName(mode: info.st_mode) { throw InputFileError.notRegular(path, kind: kind) }
    }

    /// Opens the regular file at `path` for reading (close-on-exec) without ever blocking on a FIFO.
    /// The caller closes the descriptor.
    public static func openForReading(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw error(errno: errno, path: path) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw error(errno: code, path: path)
        }
        if let kind = kindName(mode: info.st_mode) {
            close(fd)
            throw InputFileError.notRegular(path, kind: kind)
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return fd
    }

    /// Reads the whole regular file at `path` (at most `limit` bytes, else ``InputFileError/tooLarge(_:limit:)``).
    public static func read(_ path: String, limit: Int = 1 << 30) throws -> Data {
        let fd = try openForReading(path)
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw error(errno: errno, path: path)
            }
            if n == 0 { break }
            if data.count + n > limit { throw InputFileError.tooLarge(path, limit: limit) }
            data.append(contentsOf: buffer[0..<n])
        }
        return data
    }

    /// Reads the whole regular file at `path` as UTF-8 text (invalid bytes become U+FFFD).
    public static func readText(_ path: String, limit: Int = 1 << 30) throws -> String {
        String(decoding: try read(path, limit: limit), as: UTF8.self)
    }

    static func error(errno code: Int32, path: String) -> InputFileError {
        if code == ENOENT || code == ENOTDIR { return .notFound(path) }
        return .unreadable(path, reason: String(cString: strerror(code)))
    }
}
