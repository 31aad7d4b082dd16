import DeckInput
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks a materialized copy of stored content (`.mldeck/cache/datasets/…`) against the chunk
/// hashes it was built from: the file is read once and each run of bytes the recipe names is
/// hashed and compared with that chunk's id (no re-chunking needed). A same-size byte flip is caught.
public enum CachedContentCheck {
    /// The largest chunk a recipe may name here (the chunker cuts at 256 KiB; this leaves room).
    static let chunkLimit: Int64 = 64 << 20

    /// Nil when the file at `path` holds exactly the bytes of `chunks`, else why it does not.
    public static func mismatch(file path: String, chunks: [ChunkRef]) -> String? {
        let fd: Int32
        do { fd = try InputFile.openForReading(path) } catch { return "\(error)" }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return "cannot stat it" }
        let expected = chunks.reduce(Int64(0)) { $0 + $1.size }
        if Int64(info.st_size) != expected { return "it has \(info.st_size) bytes, its content has \(expected)" }
        let largest = chunks.map(\.size).max() ?? 0
        guard largest <= chunkLimit else { return "its content names a chunk of \(largest) bytes" }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(1, Int(largest)), alignment: 64)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        for chunk in chunks {
            var done = 0
            let count = Int(chunk.size)
            while done < count {
                let n = pread(fd, buffer + done, count - done, off_t(offset) + off_t(done))
                if n < 0 { if errno == EINTR { continue }; return "cannot read it: \(String(cString: strerror(errno)))" }
                if n == 0 { return "it ended early" }
                done += n
            }
            if ObjectID.of(UnsafeRawBufferPointer(start: buffer, count: count)) != chunk.id {
                return "its bytes \(offset)–\(offset + chunk.size) do not match chunk \(chunk.id.hex.prefix(12))"
            }
            offset += chunk.size
        }
        return nil
    }

    /// Nil when the folder at `path` holds every file of `manifest` with the right bytes, else why not.
    public static func mismatch(folder path: String, manifest: DirectoryManifest, reader: DatasetContentReader) -> String? {
        for entry in manifest.entries {
            let chunks: [ChunkRef]
            do { chunks = try reader.chunks(of: entry.hash, isRecipe: entry.isRecipe, size: entry.size) } catch { return "\(error)" }
            if let why = mismatch(file: path + "/" + entry.path, chunks: chunks) { return "\(entry.path): \(why)" }
        }
        return nil
    }

    /// Nil when the cached copy at `path` matches stored content `hash` of `kind` (`size` bytes).
    public static func mismatch(cached path: String, kind: DatasetContentKind, hash: ObjectID, size: Int64,
                                objects: ObjectStore) -> String? {
        let reader = DatasetContentReader(objects: objects)
        do {
            if kind == .manifest { return mismatch(folder: path, manifest: try reader.manifest(hash), reader: reader) }
            return mismatch(file: path, chunks: try reader.chunks(of: hash, isRecipe: kind == .recipe, size: size))
        } catch {
            return "its stored content cannot be read: \(error)"
        }
    }
}
