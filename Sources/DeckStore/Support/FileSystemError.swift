import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file-system operation on a path failed. The message names the path, what MLDeck was
/// doing with it and why it failed, as a sentence — never a Foundation error domain.
public struct FileSystemError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path the operation was on.
    public var path: String
    /// What was being done, as a verb phrase: "create the folder", "write", "read the theme".
    public var operation: String
    /// Why it failed ("permission denied", "a file is in the way", …).
    public var reason: String

    public init(path: String, operation: String, reason: String) {
        self.path = path
        self.operation = operation
        self.reason = reason
    }

    /// An error from a failed system call's `errno`.
    public init(path: String, operation: String, errno code: Int32) {
        self.init(path: path, operation: operation, reason: Self.sentence(errno: code))
    }

    /// Wraps an error thrown by Foundation (`CocoaError`, `POSIXError`, `NSError`) while
    /// `operation` ran on `path`. Errors of MLDeck's own types are returned unchanged.
    public static func wrap(_ error: Error, path: String, operation: String) -> Error {
        guard isFoundationError(error) else { return error }
        var why = reason(for: error)
        if isVague(error), let found = diagnose(path) { why = found }
        return FileSystemError(path: filePath(of: error) ?? path, operation: operation, reason: why)
    }

    /// Runs `body`, wrapping any Foundation error it throws (see ``wrap(_:path:operation:)``).
    public static func wrapping<T>(path: String, operation: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw wrap(error, path: path, operation: operation) }
    }

    public var description: String { "cannot \(operation) \(path): \(reason)" }

    /// True for errors whose text would show a Foundation domain (CocoaError, POSIXError, NSError).
    public static func isFoundationError(_ error: Error) -> Bool {
        if error is CocoaError || error is POSIXError { return true }
        if type(of: error) is NSError.Type { return true }   // an NSError object prints its domain, whatever it is
        let domain = (error as NSError).domain
        return domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain
    }

    /// A sentence for any Foundation error, for when no better context is known: names the
    /// file when the error carries one.
    public static func describe(_ error: Error) -> String {
        let reason = reason(for: error)
        if let path = filePath(of: error) { return "a file operation on \(path) failed: \(reason)" }
        return "a file operation failed: \(reason)"
    }

    /// The `errno` under a Foundation error (its own code for a POSIX error), if any.
    static func underlyingErrno(of error: Error) -> Int32? {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(truncatingIfNeeded: ns.code) }
        guard let underlying = ns.userInfo[NSUnderlyingErrorKey] as? Error else { return nil }
        let inner = underlying as NSError
        return inner.domain == NSPOSIXErrorDomain ? Int32(truncatingIfNeeded: inner.code) : nil
    }

    /// True when the error does not say which part of the path is wrong: Foundation's unknown
    /// read/write errors without a cause, or "not a directory".
    static func isVague(_ error: Error) -> Bool {
        if let code = underlyingErrno(of: error) { return code == ENOTDIR }
        let ns = error as NSError
        return ns.domain == NSCocoaErrorDomain
            && (ns.code == CocoaError.fileReadUnknown.rawValue || ns.code == CocoaError.fileWriteUnknown.rawValue)
    }

    /// Finds out why a path cannot be used, from what exists: a file where a folder is needed,
    /// or a folder that may not be written. Nil when nothing is found.
    static func diagnose(_ path: String) -> String? {
        var current = URL(fileURLWithPath: path).standardizedFileURL.path
        var info = stat()
        if stat(current, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { return "it is a folder" }
        while current != "/" && !current.isEmpty {
            let parent = (current as NSString).deletingLastPathComponent
            if stat(parent, &info) == 0 {
                if info.st_mode & S_IFMT != S_IFDIR { return "\(parent) is a file, not a folder" }
                if access(parent, W_OK) != 0 { return "the folder \(parent) cannot be written (permission denied)" }
                return nil
            }
            current = parent
        }
        return nil
    }

    /// The path a Foundation error carries in its user info, if any.
    static func filePath(of error: Error) -> String? {
        let info = (error as NSError).userInfo
        if let path = info[NSFilePathErrorKey] as? String, !path.isEmpty { return path }
        if let url = info[NSURLErrorKey] as? URL { return url.path }
        return nil
    }

    /// Why a Foundation error happened, in words.
    public static func reason(for error: Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return sentence(errno: Int32(truncatingIfNeeded: ns.code)) }
        if let code = underlyingErrno(of: error) { return sentence(errno: code) }
        if ns.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteFileExists: return "something already exists there"
            case .fileWriteOutOfSpace: return diskFull
            case .fileWriteVolumeReadOnly: return "the file system is read-only"
            case .fileReadInvalidFileName, .fileWriteInvalidFileName: return "the name is not valid"
            case .fileReadCorruptFile: return "the file is damaged or not in the expected format"
            case .fileReadInapplicableStringEncoding, .fileReadUnknownStringEncoding: return "the file is not valid UTF-8 text"
            case .fileReadTooLarge: return "the file is too large"
            case .fileReadUnknown: return "it could not be read (is it a folder, or a special file?)"
            case .fileWriteUnknown: return "it could not be written (is a file or folder in the way?)"
            case .fileLocking: return "it is locked"
            default: break
            }
        }
        return "the operation failed (error \(ns.code))"
    }

    /// What a user reads when the disk is full (ENOSPC, SQLITE_FULL).
    public static let diskFull = "no space left on the device (the disk is full; free some space and run it again)"
    /// What a user reads when the disk fails a read or write (EIO, SQLITE_IOERR).
    public static let ioFailure = "input/output error (the disk failed a read or write)"

    /// True when the file system holding `path` has no block left for this user (`statvfs`).
    public static func hasNoFreeSpace(_ path: String) -> Bool {
        var info = statvfs()
        return statvfs(path, &info) == 0 && info.f_bavail == 0 && info.f_blocks > 0
    }

    /// Why a system call failed with `errno`, in words.
    public static func reason(errno code: Int32) -> String { sentence(errno: code) }

    /// `strerror`, lower-cased, with the few common cases phrased for a user.
    static func sentence(errno code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file or folder"
        case ENOTDIR: return "a part of the path is a file, not a folder"
        case EISDIR: return "it is a folder"
        case EACCES, EPERM: return "permission denied"
        case EEXIST: return "something already exists there"
        case ENOSPC: return diskFull
        case EDQUOT: return "the disk quota is used up (no space left for this user)"
        case EIO: return ioFailure
        case EROFS: return "the file system is read-only"
        case ENAMETOOLONG: return "the name is too long"
        default:
            let text = String(cString: strerror(code))
            return text.prefix(1).lowercased() + text.dropFirst()
        }
    }
}

extension FileSystemError: CategorizedError {
    /// What kind of failure this is (a server maps it to a status without reading the message).
    public var category: ErrorCategory {
        .unavailable
    }
}
