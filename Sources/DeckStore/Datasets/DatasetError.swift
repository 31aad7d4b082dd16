import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Errors of the dataset registry, written for the person at the terminal.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    /// A dataset name that is not allowed.
    case invalidName(String, reason: String)
    /// A reference that is not `NAME`, `NAME@N`, `NAME@latest` or `NAME@sha256:PREFIX`.
    case invalidReference(String, reason: String)
    /// No dataset has this name.
    case datasetNotFound(String)
    /// The dataset has no version matching the reference.
    case versionNotFound(String)
    /// A hash prefix matches several versions.
    case ambiguousHash(reference: String, matches: [Int])
    /// A stored recipe or manifest does not parse.
    case malformedObject(id: ObjectID, kind: String, reason: String)
    /// The path to add does not exist.
    case sourceNotFound(String)
    /// The path to add is not a regular file or a directory, or cannot be read.
    case unsupportedSource(String, reason: String)
    /// A manifest entry would write outside the export folder.
    case unsafePath(String)
    /// The export destination exists (pass `--force` to replace it).
    case destinationExists(String)
    /// Removing the version would break model versions trained on it.
    case hasDependents(reference: String, dependents: [String])
    /// Reassembled bytes do not match what was recorded.
    case verificationFailed(reference: String, reason: String)
    /// A file system call failed.
    case io(path: String, operation: String, errno: Int32)
    /// A tag is not `KEY=VALUE`, or its key is not allowed.
    case invalidTag(String)
    /// The file was written, truncated or replaced while it was being read (nothing was recorded).
    case changedWhileRead(String)

    public var description: String {
        switch self {
        case .invalidName(let name, let reason):
            return "invalid dataset name '\(name)': \(reason)"
        case .invalidReference(let text, let reason):
            return "invalid dataset reference '\(text)': \(reason) (use NAME, NAME@3, NAME@latest or NAME@sha256:9f2c…)"
        case .datasetNotFound(let name):
            return "no dataset named '\(name)' (see `mldeck datasets list`)"
        case .versionNotFound(let reference):
            return "no dataset version \(reference) (see `mldeck datasets log NAME`)"
        case .ambiguousHash(let reference, let matches):
            return "\(reference) matches versions \(matches.map(String.init).joined(separator: ", ")); give more hex digits"
        case .malformedObject(let id, let kind, let reason):
            return "stored \(kind) \(id.hex.prefix(12)) is malformed: \(reason); run `mldeck fsck`"
        case .sourceNotFound(let path):
            return "\(path): no such file or directory"
        case .unsupportedSource(let path, let reason):
            return "\(path): \(reason)"
        case .unsafePath(let path):
            return "refusing to write '\(path)': it would land outside the export folder"
        case .destinationExists(let path):
            return "\(path) already exists (pass --force to replace it)"
        case .hasDependents(let reference, let dependents):
            let shown = dependents.prefix(5).joined(separator: ", ") + (dependents.count > 5 ? ", …" : "")
            return "\(reference) is used by \(dependents.count) model version(s) (\(shown)); pass --force to remove it anyway"
        case .verificationFailed(let reference, let reason):
            return "\(reference) failed verification: \(reason); run `mldeck fsck`"
        case .io(let path, let operation, let code):
            return "\(operation) failed for \(path): \(FileSystemError.reason(errno: code))"
        case .invalidTag(let text):
            return "invalid tag '\(text)': expected KEY=VALUE with a non-empty key of letters, digits, '.', '_', '-' or '/'"
        case .changedWhileRead(let path):
            return "\(path): the file changed while it was read; nothing was recorded. Add it again once nothing is writing to it"
        }
    }
}

extension DatasetError: CategorizedError {
    /// What kind of failure this is (a server maps it to a status without reading the message).
    public var category: ErrorCategory {
        switch self {
        case .datasetNotFound, .versionNotFound, .sourceNotFound: return .notFound
        case .invalidName, .invalidReference, .ambiguousHash, .unsupportedSource, .invalidTag: return .invalidArgument
        case .destinationExists: return .alreadyExists
        case .hasDependents, .changedWhileRead: return .conflict
        case .malformedObject, .unsafePath, .verificationFailed: return .corrupt
        case .io: return .unavailable
        }
    }
}
