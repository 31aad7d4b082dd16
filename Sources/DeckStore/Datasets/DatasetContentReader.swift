import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads stored dataset content back: recipes, manifests, and whole files or folders reassembled
/// from their chunks, every chunk verified against its hash on the way (so an export is
/// byte-identical to what was added, or fails).
public struct DatasetContentReader: Sendable {
    /// The object store read from.
    public let objects: ObjectStore

    public init(objects: ObjectStore) { self.objects = objects }

    /// The chunks of a file stored under `hash` (a single object, or a recipe when `isRecipe`).
    public func chunks(of hash: ObjectID, isRecipe: Bool, size: Int64) throws -> [ChunkRef] {
        if !isRecipe { return [ChunkRef(id: hash, size: size)] }
        return try FileRecipe.parse(try objects.read(hash), id: hash).chunks
    }

    /// The manifest object `id`.
    public func manifest(_ id: ObjectID) throws -> DirectoryManifest {
        try DirectoryManifest.parse(try objects.read(id), id: id)
    }

    /// Every object a version's content references (chunks, recipes, manifest) with its size.
    public func referencedObjects(kind: DatasetContentKind, hash: ObjectID, size: Int64) throws -> [ObjectID: Int64] {
        var out: [ObjectID: Int64] = [:]
        switch kind {
        case .object: out[hash] = size
        case .recipe:
            out[hash] = Int64(try objects.read(hash).count)
            for c in try chunks(of: hash, isRecipe: true, size: size) { out[c.id] = c.size }
        case .manifest:
            out[hash] = Int64(try objects.read(hash).count)
            for e in try manifest(hash).entries {
                if e.isRecipe { out[e.hash] = Int64(try objects.read(e.hash).count) }
                for c in try chunks(of: e.hash, isRecipe: e.isRecipe, size: e.size) { out[c.id] = c.size }
            }
        }
        return out
    }

    /// Writes the file stored under `hash` to `destination` (through a temporary file renamed into
    /// place), verifying every chunk and the total size. `progress` gets the bytes written so far.
    public func exportFile(hash: ObjectID, isRecipe: Bool, size: Int64, to destination: String,
                           progress: ((Int64) -> Void)? = nil) throws {
        let list = try chunks(of: hash, isRecipe: isRecipe, size: size)
        let temp = destination + ".mldeck-partial-\(getpid())"
        do {
            try writeChunks(list, to: temp, progress: progress)
            guard rename(temp, destination) == 0 else { throw DatasetError.io(path: destination, operation: "rename", errno: errno) }
        } catch {
            unlink(temp)
            throw error
        }
    }

    /// Writes the folder of manifest `id` to `destination` (which must not exist), through a
    /// temporary folder renamed into place. Paths are checked never to leave `destination`.
    public func exportDirectory(manifest id: ObjectID, to destination: String,
                                progress: (@Sendable (Int64) -> Void)? = nil) throws {
        let listing = try manifest(id)
        let temp = destination + ".mldeck-partial-\(getpid())"
        let fm = FileManager.default
        try? fm.removeItem(atPath: temp)
        do {
            try fm.createDirectory(atPath: temp, withIntermediateDirectories: true)
            var folders = Set<String>()
            for e in listing.entries {
                try DirectoryManifest.validateRelativePath(e.path)
                if let slash = e.path.lastIndex(of: "/") { folders.insert(String(e.path[..<slash])) }
            }
            for folder in folders.sorted() { try fm.createDirectory(atPath: temp + "/" + folder, withIntermediateDirectories: true) }
            let entries = listing.entries
            let failure = FirstError()
            let counter = ProgressCounter(progress)
            DispatchQueue.concurrentPerform(iterations: max(1, ProcessInfo.processInfo.activeProcessorCount)) { worker in
                var i = worker
                let stride = max(1, ProcessInfo.processInfo.activeProcessorCount)
                while i < entries.count, failure.error == nil {
                    let e = entries[i]
                    do {
                        let list = try chunks(of: e.hash, isRecipe: e.isRecipe, size: e.size)
                        try writeChunks(list, to: temp + "/" + e.path, progress: nil, parallel: false)
                        counter.add(e.size)
                    } catch {
                        failure.set(error)
                    }
                    i += stride
                }
            }
            if let error = failure.error { throw error }
            guard rename(temp, destination) == 0 else { throw DatasetError.io(path: destination, operation: "rename", errno: errno) }
        } catch {
            try? fm.removeItem(atPath: temp)
            throw error
        }
    }

    /// Reads (verifying) and writes `list` in order to a new file at `path`.
    func writeChunks(_ list: [ChunkRef], to path: String, progress: ((Int64) -> Void)?, parallel: Bool = true) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DatasetError.io(path: path, operation: "create", errno: errno) }
        defer { close(fd) }
        var written: Int64 = 0
        let group = parallel ? 32 : 1
        var start = 0
        while start < list.count {
            let end = min(list.count, start + group)
            let slice = Array(list[start..<end])
            let datas = ReadSlots(count: slice.count)
            if slice.count == 1 {
                datas.set(0, Result { try objects.read(slice[0].id) })
            } else {
                DispatchQueue.concurrentPerform(iterations: slice.count) { i in
                    datas.set(i, Result { try objects.read(slice[i].id) })
                }
            }
            for (i, chunk) in slice.enumerated() {
                let data = try datas.get(i).get()
                guard Int64(data.count) == chunk.size else {
                    throw DatasetError.verificationFailed(reference: path, reason: "chunk \(chunk.id.hex.prefix(12)) has \(data.count) bytes, the recipe says \(chunk.size)")
                }
                try data.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                        if n < 0 { if errno == EINTR { continue }; throw DatasetError.io(path: path, operation: "write", errno: errno) }
                        offset += n
                    }
                }
                written += Int64(data.count)
            }
            progress?(written)
            start = end
        }
    }
}

/// Results of parallel object reads, by position.
final class ReadSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Data, Error>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<Data, Error>) { lock.lock(); slots[i] = r; lock.unlock() }
    func get(_ i: Int) -> Result<Data, Error> { lock.lock(); defer { lock.unlock() }; return slots[i]! }
}

/// The first error met by parallel workers.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Error?
    func set(_ e: Error) { lock.lock(); if first == nil { first = e }; lock.unlock() }
    var error: Error? { lock.lock(); defer { lock.unlock() }; return first }
}
