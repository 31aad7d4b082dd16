import DeckInput
import DeckML
import DeckStore
import Foundation

/// What `mldeck datasets add` is asked to do.
public struct DatasetAddRequest: Sendable {
    /// Registry name (validated: no path separators, no `@`).
    public var name: String
    /// A CSV, TSV or JSON Lines file, any other file, or a folder.
    public var path: String
    public var message: String
    public var tags: [String: String]
    /// Columns that identify a row in diffs (must exist in the table).
    public var keyColumns: [String]
    /// Record a version even when the content equals the latest version's.
    public var force: Bool
    /// Record a malformed table anyway, skipping and reporting the bad rows.
    public var lenient: Bool
    /// Extra cell values that mean "missing" when profiling.
    public var naTokens: [String]
    /// Overrides the format guessed from the path (extension, or folder).
    public var format: DatasetFormat?

    public init(name: String, path: String, message: String = "", tags: [String: String] = [:], keyColumns: [String] = [],
                force: Bool = false, lenient: Bool = false, naTokens: [String] = [], format: DatasetFormat? = nil) {
        self.name = name; self.path = path; self.message = message; self.tags = tags; self.keyColumns = keyColumns
        self.force = force; self.lenient = lenient; self.naTokens = naTokens; self.format = format
    }
}

/// Progress of an add, for a progress bar.
public enum DatasetAddEvent: Sendable {
    /// Bytes read and stored so far, of `total`.
    case storing(done: Int64, total: Int64)
    /// The table is being profiled (objects are synced to disk meanwhile).
    case profiling
    /// Bytes of the stored table read back by the profiler so far, of `total` (a pass that
    /// re-reads some text columns starts again from 0).
    case profiled(done: Int64, total: Int64)
    /// Waiting for the objects to reach the disk.
    case syncing
}

/// What an add did. JSON keys are snake_case.
public struct DatasetAddResult: Sendable, Encodable {
    /// `added`, or `unchanged` when the content equals the latest version's (nothing recorded).
    public enum Outcome: String, Sendable, Encodable { case added, unchanged }

    public var outcome: Outcome
    /// The new version, or the latest one when unchanged.
    public var version: DatasetVersionRecord
    /// Objects and bytes that were new to the store.
    public var newObjects: Int
    public var newBytes: Int64
    /// Rows skipped in lenient mode.
    public var skipped: SkippedRows?
    /// Folder entries that were not stored (links to folders, special files).
    public var skippedEntries: [String]
    /// Seconds spent reading, chunking, hashing and writing; profiling; in all.
    public var storeSeconds: Double
    public var profileSeconds: Double
    public var totalSeconds: Double

    enum CodingKeys: String, CodingKey {
        case outcome, version, newObjects = "new_objects", newBytes = "new_bytes", skipped, skippedEntries = "skipped_entries"
        case storeSeconds = "store_seconds", profileSeconds = "profile_seconds", totalSeconds = "total_seconds"
    }
}

/// Adds dataset versions: stores the content as chunks (DeckStore), profiles tables (DeckML) while
/// the chunks are synced to disk, and records the version in one transaction — whole or not at all,
/// even under `kill -9`.
///
/// The source is read once: the chunks are stored from that read, and the profile (statistics, row
/// count, schema) is computed from the stored chunks, never from a second read of the file. The
/// file's identity (inode, size, mtime, ctime) is taken before anything is read and compared after
/// the read: a file changed meanwhile fails with ``DatasetError/changedWhileRead(_:)`` and nothing
/// is recorded (chunks already written are orphans that `mldeck gc` removes; they are not deleted
/// here because a concurrent add may already reference the same chunks).
public enum DatasetAdder {
    /// Adds `request.path` as a new version of `request.name`.
    /// - Parameter afterRead: a test hook called after each read of the source's bytes (path, bytes so far; a large
    ///   file's blocks as they are taken up for cutting, with later blocks possibly read ahead).
    public static func add(_ request: DatasetAddRequest, to store: any DatasetStore,
                           events: (@Sendable (DatasetAddEvent) -> Void)? = nil,
                           afterRead: (@Sendable (String, Int64) -> Void)? = nil) throws -> DatasetAddResult {
        let started = Date()
        try DatasetName.validate(request.name)
        let path = URL(fileURLWithPath: request.path).standardizedFileURL.path
        // What the path is, before anything opens it: a FIFO would block `open` forever.
        do {
            try InputFile.checkFileOrFolder(path)
        } catch InputFileError.notFound {
            throw DatasetError.sourceNotFound(request.path)
        } catch InputFileError.notRegular(_, let kind) {
            throw DatasetError.unsupportedSource(request.path, reason: "it is \(kind), not a regular file or a folder")
        }
        let identity = FileIdentity(path: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw DatasetError.sourceNotFound(request.path) }
        let format = request.format ?? detectFormat(path: path, isDirectory: isDirectory.boolValue)
        if format == .directory && !isDirectory.boolValue { throw DatasetError.unsupportedSource(request.path, reason: "not a folder") }
        if format != .directory && isDirectory.boolValue { throw DatasetError.unsupportedSource(request.path, reason: "a folder cannot be added as \(format.rawValue)") }
        if !request.keyColumns.isEmpty && !format.isTable {
            throw DatasetEngineError.keyColumnsNeedTable(format: format)
        }
        let readOptions = tableReadOptions(format: format, naTokens: request.naTokens, lenient: request.lenient)
        if format.isTable && !request.keyColumns.isEmpty {
            let header = try TableReader.columns(path: path, options: readOptions)
            for key in request.keyColumns where !header.contains(key) {
                throw DatasetEngineError.unknownKeyColumn(key, file: request.path, columns: header)
            }
        }

        // Hold the lock shared from the first "is this chunk stored?" check until the record commits.
        try store.requireWritable()
        let lock = try MaintenanceLock.acquire(store.workspace, mode: .shared)
        defer { lock?.release() }

        // A table is read back by the profiler below, from the page cache; other content goes past it.
        let writer = DatasetContentWriter(objects: store.objects, writesPastCache: !format.isTable)
        writer.afterRead = afterRead
        let total = isDirectory.boolValue ? 0 : (identity?.size ?? 0)
        let storeStart = Date()
        let content: StoredContent
        if format == .directory {
            content = try writer.storeDirectory(at: path) { events?(.storing(done: $0, total: total)) }
        } else {
            content = try writer.storeFile(at: path) { events?(.storing(done: $0, total: total)) }
            // The same file from the first check (and header read) to the end of the one read.
            if let identity { try identity.verifyUnchanged(fd: nil, path: path) }
        }
        let storeSeconds = Date().timeIntervalSince(storeStart)

        if !request.force, let latest = try store.latestDatasetVersion(named: request.name), latest.contentHash == content.contentHash.hex {
            try writer.commit()
            return DatasetAddResult(outcome: .unchanged, version: latest, newObjects: content.newObjects, newBytes: content.newBytes,
                                    skipped: nil, skippedEntries: content.skipped, storeSeconds: storeSeconds, profileSeconds: 0,
                                    totalSeconds: Date().timeIntervalSince(started))
        }

        // Sync the objects to disk while the table is profiled.
        let sync = BackgroundCommit(writer: writer)
        var profile: TableProfile?
        var profileSeconds = 0.0
        if format.isTable {
            events?(.profiling)
            let profileStart = Date()
            do {
                var fromStored = readOptions
                let chunks = try DatasetContentReader(objects: store.objects)
                    .chunks(of: content.contentHash, isRecipe: content.kind == .recipe, size: content.logicalBytes)
                let objects = store.objects
                let size = content.logicalBytes
                fromStored.byteSource = { _ in
                    StoredTableBytes(objects: objects, chunks: chunks, path: path) { events?(.profiled(done: $0, total: size)) }
                }
                profile = try TableProfiler.profile(path: path, read: fromStored)
            } catch {
                // A failed sync discards the pack, and the profiler then finds its chunks gone:
                // the sync's error is the one that says what happened.
                if let syncError = sync.wait() { throw syncError }
                // A refused table leaves no orphan chunks: nothing records them (gc collects them
                // instead when another add holds the maintenance lock).
                lock?.release()
                _ = try? store.discardUnrecordedObjects(Set(content.objects.keys).union([content.contentHash]))
                throw error
            }
            profileSeconds = Date().timeIntervalSince(profileStart)
        }
        events?(.syncing)
        if let error = sync.wait() { throw error }

        var draft = DatasetVersionDraft(name: request.name, content: content, format: format, sourcePath: path,
                                        message: request.message, tags: request.tags, keyColumns: request.keyColumns,
                                        naTokens: request.naTokens)
        if let profile {
            draft.rows = profile.rowCount
            draft.columns = profile.columnCount
            draft.schema = profile.columns.map { DatasetColumnSchema(name: $0.name, type: $0.type.rawValue, nullable: $0.nullable) }
            draft.profileJSON = String(decoding: try profile.jsonData(), as: UTF8.self)
            if let skipped = profile.skipped, skipped.count > 0 {
                draft.skippedRows = skipped.count
                draft.skippedJSON = String(decoding: try JSONEncoder().encode(skipped), as: UTF8.self)
            }
        }
        let outcome = try store.recordDatasetVersion(draft, force: request.force)
        let total_ = Date().timeIntervalSince(started)
        switch outcome {
        case .recorded(let record):
            return DatasetAddResult(outcome: .added, version: record, newObjects: content.newObjects, newBytes: content.newBytes,
                                    skipped: profile?.skipped, skippedEntries: content.skipped, storeSeconds: storeSeconds,
                                    profileSeconds: profileSeconds, totalSeconds: total_)
        case .unchanged(let latest):
            return DatasetAddResult(outcome: .unchanged, version: latest, newObjects: content.newObjects, newBytes: content.newBytes,
                                    skipped: nil, skippedEntries: content.skipped, storeSeconds: storeSeconds,
                                    profileSeconds: profileSeconds, totalSeconds: total_)
        }
    }

    /// `directory` for folders; `csv`, `tsv`, `jsonl` by extension (`.tab`, `.ndjson` too); `file` otherwise.
    public static func detectFormat(path: String, isDirectory: Bool) -> DatasetFormat {
        if isDirectory { return .directory }
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": return .csv
        case "tsv", "tab": return .tsv
        case "jsonl", "ndjson": return .jsonl
        default: return .file
        }
    }

    /// How DeckML reads a table version of `format`.
    public static func tableReadOptions(format: DatasetFormat, naTokens: [String] = [], lenient: Bool = false) -> TableReadOptions {
        let tableFormat: TableFormat? = switch format {
        case .csv: .csv
        case .tsv: .tsv
        case .jsonl: .jsonLines
        default: nil
        }
        return TableReadOptions(format: tableFormat, naTokens: naTokens, lenient: lenient)
    }
}

/// A stored file's chunks as the bytes a table reader reads, telling `progress` the bytes read
/// so far every 8 MiB (and at the end).
final class StoredTableBytes: TableByteSource {
    let stream: StoredFileStream
    private let progress: ((Int64) -> Void)?
    private var done: Int64 = 0
    private var told: Int64 = 0
    private static let reportEvery: Int64 = 8 << 20

    init(objects: ObjectStore, chunks: [ChunkRef], path: String, progress: ((Int64) -> Void)? = nil) {
        stream = StoredFileStream(objects: objects, chunks: chunks, reference: path)
        self.progress = progress
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        let n = try stream.read(into: buffer, count: count)
        if let progress {
            done += Int64(n)
            if n == 0 || done - told >= Self.reportEvery { told = done; progress(done) }
        }
        return n
    }
}

/// `DatasetContentWriter.commit()` on another thread, joined later.
final class BackgroundCommit: @unchecked Sendable {
    private let group = DispatchGroup()
    private var error: Error?

    init(writer: DatasetContentWriter) {
        group.enter()
        DispatchQueue.global().async { [self] in
            do { try writer.commit() } catch { self.error = error }
            group.leave()
        }
    }

    /// Waits for the commit; returns its error, if any.
    func wait() -> Error? {
        group.wait()
        return error
    }
}
