import Foundation

/// Reads a stored file's bytes back in order from its chunks, each verified against its hash and
/// size. `datasets add` profiles a table through this, so the statistics describe exactly the bytes
/// stored, not a second read of a file that may have changed since.
public final class StoredFileStream: @unchecked Sendable {
    let objects: ObjectStore
    let chunks: [ChunkRef]
    let reference: String
    private var next = 0
    private var pending: [Data] = []
    private var current = Data()
    private var offset = 0

    /// - Parameter reference: names the content in errors (the source path).
    public init(objects: ObjectStore, chunks: [ChunkRef], reference: String) {
        self.objects = objects
        self.chunks = chunks
        self.reference = reference
    }

    /// Reads up to `count` bytes into `buffer`; returns how many, 0 at the end.
    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        var done = 0
        while done < count {
            if offset == current.count {
                guard try advance() else { break }
                continue
            }
            let n = min(count - done, current.count - offset)
            current.withUnsafeBytes { raw in
                (buffer + done).copyMemory(from: raw.baseAddress! + offset, byteCount: n)
            }
            offset += n
            done += n
        }
        return done
    }

    /// Moves to the next chunk, reading (and verifying) up to 16 chunks at a time in parallel.
    private func advance() throws -> Bool {
        if pending.isEmpty {
            guard next < chunks.count else { return false }
            let batch = Array(chunks[next..<min(chunks.count, next + 16)])
            next += batch.count
            let slots = ReadSlots(count: batch.count)
            DispatchQueue.concurrentPerform(iterations: batch.count) { i in
                slots.set(i, Result { try objects.read(batch[i].id) })
            }
            for (i, chunk) in batch.enumerated() {
                let data = try slots.get(i).get()
                guard Int64(data.count) == chunk.size else {
                    throw DatasetError.verificationFailed(reference: reference, reason: "chunk \(chunk.id.hex.prefix(12)) has \(data.count) bytes, the recipe says \(chunk.size)")
                }
                pending.append(data)
            }
            pending.reverse()
        }
        current = pending.removeLast()
        offset = 0
        return true
    }
}
