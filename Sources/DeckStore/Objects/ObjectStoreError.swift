/// Errors of the content-addressed object store.
public enum ObjectStoreError: Error, CustomStringConvertible, Equatable {
    /// The object is not in the store.
    case missing(ObjectID, path: String)
    /// The object's bytes no longer hash to its id: it was damaged on disk.
    case corrupt(ObjectID, path: String, actual: ObjectID)
    /// Something other than a regular file (a symlink, a FIFO, a device) is where the object should be.
    case notAFile(ObjectID, path: String)
    /// A pack's index points outside its pack file (the pack was truncated or the index damaged).
    case damagedPack(ObjectID, path: String, reason: String)
    /// A file system call failed.
    case io(path: String, operation: String, errno: Int32)
    /// The workspace was opened read-only.
    case readOnly(path: String)

    public var description: String {
        switch self {
        case .missing(let id, let path):
            return "object \(id.hex.prefix(12)) is missing (\(path)); run `mldeck fsck` to see what depends on it"
        case .corrupt(let id, let path, let actual):
            return "object \(id.hex.prefix(12)) is corrupt: \(path) now hashes to \(actual.hex.prefix(12)); run `mldeck fsck`"
        case .notAFile(let id, let path):
            return "object \(id.hex.prefix(12)) is not a regular file (\(path) was replaced by a link or a special file); it is not read. Run `mldeck fsck`"
        case .damagedPack(let id, let path, let reason):
            return "object \(id.hex.prefix(12)) cannot be read from its pack \(path): \(reason); run `mldeck fsck`"
        case .io(let path, let operation, let code):
            return "\(operation) failed for \(path): \(FileSystemError.reason(errno: code))"
        case .readOnly(let path):
            return "the workspace's object store \(path) is read-only; this command writes, so run it in a workspace you can write to"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ObjectStoreError: CategorizedError {
    /// What kind of failure this is (a server maps it to a status without reading the message).
    public var category: ErrorCategory {
        switch self {
        case .missing, .corrupt, .notAFile, .damagedPack: return .corrupt   // a recorded object that is gone or damaged
        case .io, .readOnly: return .unavailable
        }
    }
}
