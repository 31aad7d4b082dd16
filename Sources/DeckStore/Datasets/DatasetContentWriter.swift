import DeckInput
import Foundation
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// Stores a file or a directory as content-defined chunks in the object store, in one hashing pass
/// on every core, and says what it references and what was new.
///
/// Objects are written into one new pack (see ``PackWriter``): call ``commit()`` (the pack's
/// `fdatasync`, its index written, both renamed into place) before recording anything that points
/// to them. A crash before that leaves an unfinished pack no reader sees, which `mldeck gc` removes.
///
/// Every file is read once, with `pread` into buffers (never through a mapping; large files' windows
/// past the page cache, ``WindowReader``), and its identity (inode, size,
/// mtime, ctime) is compared before and after: a file written, truncated or replaced meanwhile is
/// ``DatasetError/changedWhileRead(_:)``, never a mix of old and new bytes (nor a SIGBUS).
public final class DatasetContentWriter: @unchecked Sendable {
    /// The object store written to.
    public let objects: ObjectStore
    let writer: PackWriter
    let chunker = ContentChunker.standard
    /// Files up to this size are read whole and chunked in memory.
    let smallFileLimit = 4 << 20
    /// Called after each read of a file's bytes with the file's path and the bytes read so far (on the
    /// reading thread). A test hook: tests change the file here to check the change is caught.
    public var afterRead: (@Sendable (String, Int64) -> Void)?

    /// `writesPastCache`: the new objects go to the disk past the page cache (``PackStaging``) —
    /// for content not read back soon. A table, which the adder's profiler reads back at once from
    /// the store, is better left in the page cache. Either way, what ``storeFile(at:progress:)``
    /// and ``storeDirectory(at:progress:)`` stored is readable in this process when they return.
    public init(objects: ObjectStore, writesPastCache: Bool = false) {
        self.objects = objects
        self.writer = PackWriter(store: objects, stagesPastCache: writesPastCache)
    }

    /// Makes every object written so far durable.
    public func commit() throws { try writer.commit() }

    /// Stores the regular file at `path`. `progress` gets the bytes read so far (calling thread).
    public func storeFile(at path: String, progress: ((Int64) -> Void)? = nil) throws -> StoredContent {
        let fd = try Self.openRegularFile(path)
        defer { close(fd) }
        let stored = try storeOpenFile(fd, path: path, progress: progress)
        var objectsMap: [ObjectID: Int64] = [:]
        for c in stored.recipe.chunks { objectsMap[c.id] = c.size }
        let chunkCount = objectsMap.count
        var newObjects = stored.newObjects, newBytes = stored.newBytes
        var kind = DatasetContentKind.object
        if !stored.recipe.isSingleObject {
            kind = .recipe
            let (id, size, isNew) = try putRecipe(stored.recipe)
            objectsMap[id] = size
            if isNew { newObjects += 1; newBytes += size }
        }
        try writer.flush()
        return StoredContent(kind: kind, contentHash: stored.recipe.contentHash, objects: objectsMap,
                             logicalBytes: stored.recipe.size, newObjects: newObjects, newBytes: newBytes,
                             fileCount: 1, chunkCount: chunkCount)
    }

    /// Stores every regular file under the folder `path` and a manifest of them.
    /// `progress` gets the bytes read so far (from any thread, one call at a time).
    public func storeDirectory(at path: String, progress: (@Sendable (Int64) -> Void)? = nil) throws -> StoredContent {
        let root = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let (files, skipped) = try DirectoryWalker.files(under: root)
        let results = DirectoryResults(count: files.count)
        let counter = ProgressCounter(progress)
        let report: @Sendable (Int64) -> Void = { counter.add($0) }
        // Small files in parallel (each read whole), large ones after, each through the parallel pipeline.
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let prefetch = FilePrefetch(paths: files.map(\.absolute), sizeLimit: Int64(smallFileLimit))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 64)
            defer { buffer.deallocate() }
            while let i = results.next(), results.failure == nil {
                let began = DispatchTime.now().uptimeNanoseconds
                do {
                    let path = files[i].absolute
                    let fd = try Self.openRegularFile(path)
                    defer { close(fd) }
                    let identity = try FileIdentity(fd: fd, path: path)
                    if identity.size > Int64(smallFileLimit) { results.deferLarge(i); continue }
                    let size = Int(identity.size)
                    if buffer.count < size + 1 {
                        buffer.deallocate()
                        buffer = .allocate(byteCount: max(size + 1, buffer.count * 2), alignment: 64)
                    }
                    let count = try Self.readAll(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<(size + 1)]), path: path)
                    prefetch.reached(i, seconds: Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9)
                    afterRead?(path, Int64(count))
                    if count != size { throw DatasetError.changedWhileRead(path) }
                    try identity.verifyUnchanged(fd: fd, path: path)
                    let stored = try storeBytes(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                    results.set(i, stored)
                    report(Int64(count))
                } catch {
                    results.fail(error)
                }
            }
        }
        prefetch.stop()
        if let error = results.failure { throw error }
        for i in results.largeFiles.sorted() {
            let fd = try Self.openRegularFile(files[i].absolute)
            defer { close(fd) }
            var last: Int64 = 0
            let stored = try storeOpenFile(fd, path: files[i].absolute) { bytes in report(bytes - last); last = bytes }
            results.set(i, stored)
        }
        var objectsMap: [ObjectID: Int64] = [:]
        var entries: [DirectoryManifest.Entry] = []
        entries.reserveCapacity(files.count)
        var newObjects = 0, newBytes: Int64 = 0
        for (i, file) in files.enumerated() {
            let stored = results.get(i)!
            for c in stored.recipe.chunks { objectsMap[c.id] = c.size }
            newObjects += stored.newObjects
            newBytes += stored.newBytes
            var isRecipe = false
            if !stored.recipe.isSingleObject {
                isRecipe = true
                let (id, size, isNew) = try putRecipe(stored.recipe)
                objectsMap[id] = size
                if isNew { newObjects += 1; newBytes += size }
            }
            entries.append(.init(path: file.relative, size: stored.recipe.size, hash: stored.recipe.contentHash, isRecipe: isRecipe))
        }
        let chunkCount = objectsMap.count - entries.filter(\.isRecipe).count
        let manifest = DirectoryManifest(entries: entries)
        let text = manifest.text
        let id = ObjectID.of(text)
        if try text.withUnsafeBytes({ try writer.put($0, as: id) }) {
            newObjects += 1; newBytes += Int64(text.count)
        }
        objectsMap[id] = Int64(text.count)
        try writer.flush()
        return StoredContent(kind: .manifest, contentHash: id, objects: objectsMap, logicalBytes: manifest.totalSize,
                             newObjects: newObjects, newBytes: newBytes, fileCount: files.count, chunkCount: chunkCount,
                             skipped: skipped)
    }

    /// One file's chunks and what was new.
    struct StoredFile: Sendable {
        var recipe: FileRecipe
        var newObjects: Int
        var newBytes: Int64
    }

    /// Stores the open file `fd` from one read of its bytes; throws ``DatasetError/changedWhileRead(_:)``
    /// when the file (or what `path` names) changed meanwhile.
    func storeOpenFile(_ fd: Int32, path: String, progress: ((Int64) -> Void)?) throws -> StoredFile {
        let identity = try FileIdentity(fd: fd, path: path)
        let stored: StoredFile
        if identity.size <= Int64(smallFileLimit) {
            let size = Int(identity.size)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size + 1, alignment: 64)
            defer { buffer.deallocate() }
            let count = try Self.readAll(fd, into: buffer, path: path)
            afterRead?(path, Int64(count))
            // A file that grew or shrank while it was read.
            if count != size { throw DatasetError.changedWhileRead(path) }
            try identity.verifyUnchanged(fd: fd, path: path)
            stored = try storeBytes(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            progress?(Int64(count))
        } else {
            let pipeline = ChunkPipeline(objects: objects, writer: writer, chunker: chunker)
            let hook = afterRead
            let result = try pipeline.run(fd: fd, path: path, progress: progress, afterRead: hook.map { hook in { hook(path, $0) } })
            stored = StoredFile(recipe: FileRecipe(chunks: result.chunks), newObjects: result.newObjects, newBytes: result.newBytes)
        }
        try identity.verifyUnchanged(fd: fd, path: path)
        return stored
    }

    /// Chunks, hashes and stores bytes held in memory (on the calling thread).
    func storeBytes(_ bytes: UnsafeRawBufferPointer) throws -> StoredFile {
        var chunks: [ChunkRef] = []
        var newObjects = 0, newBytes: Int64 = 0
        var start = 0
        for length in chunker.chunkLengths(bytes) {
            let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)])
            let id = ObjectID(digest: SHA256.hash(data: piece))
            chunks.append(ChunkRef(id: id, size: Int64(length)))
            if try writer.put(piece, as: id) {
                newObjects += 1; newBytes += Int64(length)
            }
            start += length
        }
        return StoredFile(recipe: FileRecipe(chunks: chunks), newObjects: newObjects, newBytes: newBytes)
    }

    /// Stores a recipe object; returns its id, size and whether it was new.
    func putRecipe(_ recipe: FileRecipe) throws -> (ObjectID, Int64, Bool) {
        let text = recipe.text
        let id = ObjectID.of(text)
        let isNew = try text.withUnsafeBytes { try writer.put($0, as: id) }
        return (id, Int64(text.count), isNew)
    }

    /// Opens a regular file without blocking on a FIFO (see `InputFile`).
    static func openRegularFile(_ path: String) throws -> Int32 {
        do {
            return try InputFile.openForReading(path)
        } catch InputFileError.notFound {
            throw DatasetError.sourceNotFound(path)
        }
    }

    /// Reads until the buffer is full or the file ends; returns the bytes read.
    static func readAll(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        var count = 0
        while count < buffer.count {
            let n = pread(fd, buffer.baseAddress! + count, buffer.count - count, off_t(count))
            if n < 0 { if errno == EINTR { continue }; throw DatasetError.io(path: path, operation: "read", errno: errno) }
            if n == 0 { break }
            count += n
        }
        return count
    }
}

/// Per-file results of a directory store, filled by the workers.
final class DirectoryResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [DatasetContentWriter.StoredFile?]
    private var cursor = 0
    private(set) var largeFiles: [Int] = []
    private var error: Error?

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard cursor < results.count else { return nil }
        cursor += 1
        return cursor - 1
    }

    func set(_ i: Int, _ r: DatasetContentWriter.StoredFile) { lock.lock(); results[i] = r; lock.unlock() }
    func get(_ i: Int) -> DatasetContentWriter.StoredFile? { lock.lock(); defer { lock.unlock() }; return results[i] }
    func deferLarge(_ i: Int) { lock.lock(); largeFiles.append(i); lock.unlock() }
    func fail(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
    var failure: Error? { lock.lock(); defer { lock.unlock() }; return error }
}

/// Sums bytes done from several threads and reports the total, one call at a time.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done: Int64 = 0
    private let progress: (@Sendable (Int64) -> Void)?

    init(_ progress: (@Sendable (Int64) -> Void)?) { self.progress = progress }

    func add(_ bytes: Int64) {
        lock.lock(); defer { lock.unlock() }
        done += bytes
        progress?(done)
    }
}
