import DeckInput
import DeckStore
import Foundation

/// A dataset version a pipeline run reads: its identity (for lineage and cache keys) and a local
/// file holding its rows.
public struct ResolvedDataset: Sendable, Equatable {
    /// Registry name, or the file name for a plain file.
    public var name: String
    /// Version number in the registry (nil for a plain file).
    public var versionNumber: Int?
    /// Content hash (SHA-256 hex) of the version: part of every step's cache key.
    public var contentHash: String
    /// A local file with the rows (CSV, TSV or JSON Lines).
    public var path: URL

    public init(name: String, versionNumber: Int?, contentHash: String, path: URL) {
        self.name = name; self.versionNumber = versionNumber; self.contentHash = contentHash; self.path = path
    }

    /// `NAME@N`, or the file name with a short hash.
    public var label: String {
        if let versionNumber { return "\(name)@\(versionNumber)" }
        return "\(name)@sha256:\(contentHash.prefix(12))"
    }
}

/// Resolves `NAME`, `NAME@V` (or a data file path) to a version and a local file.
public protocol DatasetSource: Sendable {
    /// Resolves a reference; throws ``DatasetSourceError`` when it names nothing.
    func resolve(_ reference: String) throws -> ResolvedDataset
}

/// Why a dataset reference could not be resolved.
public enum DatasetSourceError: Error, CustomStringConvertible, Equatable {
    case notFound(String, detail: String)

    public var description: String {
        switch self {
        case .notFound(let reference, let detail): return "dataset '\(reference)' not found: \(detail)"
        }
    }
}

/// Plain data files in the workspace (`dataset: data/churn.csv`): the version is the content hash.
/// Hashes are remembered by size and modification time under `.mldeck/cache/`, so a re-run does
/// not read the file again.
public struct FileDatasetSource: DatasetSource {
    public let root: URL
    public let cacheDirectory: URL?

    public init(root: URL, cacheDirectory: URL? = nil) { self.root = root; self.cacheDirectory = cacheDirectory }

    /// True when `reference` looks like a file path rather than a registry name.
    public static func looksLikePath(_ reference: String) -> Bool {
        reference.contains("/") || [".csv", ".tsv", ".jsonl", ".ndjson", ".tab"].contains { reference.lowercased().hasSuffix($0) }
    }

    public func resolve(_ reference: String) throws -> ResolvedDataset {
        let url = WorkspacePath.resolve(reference, in: root)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else {
            throw DatasetSourceError.notFound(reference, detail: "no file at \(url.path)")
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let stamp = "\(url.path)|\(size)|\(mtime)"
        let memo = cacheDirectory?.appendingPathComponent("file-hashes/" + ObjectID.of(Data(stamp.utf8)).hex.prefix(32))
        if let memo, let hash = try? String(contentsOf: memo, encoding: .utf8), hash.count == 64 {
            return ResolvedDataset(name: url.lastPathComponent, versionNumber: nil, contentHash: hash, path: url)
        }
        let hash = try FileHashing.sha256(of: url)
        if let memo {
            try? FileManager.default.createDirectory(at: memo.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? hash.write(to: memo, atomically: true, encoding: .utf8)
        }
        return ResolvedDataset(name: url.lastPathComponent, versionNumber: nil, contentHash: hash, path: url)
    }
}

/// Tries the registry for names and plain files for paths.
public struct WorkspaceDatasetSource: DatasetSource {
    public let files: FileDatasetSource
    public let registry: DatasetSource?

    public init(files: FileDatasetSource, registry: DatasetSource?) { self.files = files; self.registry = registry }

    public func resolve(_ reference: String) throws -> ResolvedDataset {
        if FileDatasetSource.looksLikePath(reference) { return try files.resolve(reference) }
        guard let registry else {
            throw DatasetSourceError.notFound(reference, detail: "the dataset registry is not available in this build; give a data file path instead")
        }
        return try registry.resolve(reference)
    }
}

/// SHA-256 of files, streamed with `read` into a buffer (never mapped: a mapped file that shrinks
/// is a SIGBUS), refusing FIFOs, devices and sockets before opening (`InputFile`).
enum FileHashing {
    static func sha256(of url: URL) throws -> String {
        let fd = try InputFile.openForReading(url.path)
        defer { close(fd) }
        var hasher = ObjectHasher()
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, 1 << 20)
            if n < 0 {
                if errno == EINTR { continue }
                throw InputFileError.unreadable(url.path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(start: buffer, count: n))
        }
        return hasher.finalize().hex
    }
}

/// Paths in `mldeck.yaml` are relative to the workspace folder (absolute ones stay as they are).
enum WorkspacePath {
    static func resolve(_ path: String, in root: URL) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL }
        return URL(fileURLWithPath: root.path, isDirectory: true).appendingPathComponent(path).standardizedFileURL
    }
}
