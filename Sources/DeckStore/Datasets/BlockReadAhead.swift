import Foundation

/// Reads a file's blocks in order on a thread of its own, ahead of ``ChunkPipeline``'s cutting:
/// block `k` is the file's bytes `k·blockSize ..< (k+1)·blockSize` (the last one shorter), read by a
/// ``WindowReader`` into a buffer of the pool at ``dataOffset`` — after room for the bytes the
/// previous block left uncut. Direct reads wait for the disk (nothing reads them ahead), so reading
/// on this thread lets the disk work while the calling thread cuts and the workers hash.
///
/// At most the pool's buffers are out at once: the thread takes a buffer when one is free (the
/// pool waits for it) and hands each filled one over through ``next()``. Blocks start at multiples of the block size, itself a multiple of
/// ``WindowReader/alignment``, so direct reads need no realignment.
final class BlockReadAhead: @unchecked Sendable {
    // @unchecked Sendable: `filled` is guarded by `lock`; the buffers
    // belong to the reading thread from `pool.take()` until ``next()`` hands them over.

    /// A block read (or the error that ended the reading).
    struct Block {
        /// The pool buffer; the block's bytes are at `buffer + dataOffset`.
        let buffer: UnsafeMutableRawPointer
        let offset: Int
        let count: Int
    }

    let reader: WindowReader
    let pool: BufferPool
    let blockSize: Int
    let size: Int
    /// Where in a buffer a block's bytes go: a multiple of the alignment, at least the longest tail.
    let dataOffset: Int

    private let lock = NSLock()
    private let ready = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private var filled: [Result<Block, Error>] = []

    /// Starts reading at once.
    init(reader: WindowReader, pool: BufferPool, blockSize: Int, size: Int, dataOffset: Int) {
        self.reader = reader; self.pool = pool
        self.blockSize = blockSize; self.size = size; self.dataOffset = dataOffset
        let thread = Thread { [self] in readAll(); done.signal() }
        thread.name = "mldeck-read"
        thread.start()
    }

    /// The number of blocks the file is read in.
    var blockCount: Int { (size + blockSize - 1) / blockSize }

    /// The next block in file order (waiting for it); throws the read's error.
    func next() throws -> Block {
        ready.wait()
        lock.lock(); defer { lock.unlock() }
        return try filled.removeFirst().get()
    }

    /// Stops reading and waits for the thread to end. Call after every buffer handed over has been
    /// given back (or will be without waiting on this thread).
    func stop() {
        pool.close()  // wakes the thread if it waits for a buffer
        done.wait()
        // Buffers read but never handed over go back to the pool.
        lock.lock(); defer { lock.unlock() }
        for case .success(let block) in filled { pool.give(block.buffer) }
        filled = []
    }

    private func readAll() {
        for k in 0..<blockCount {
            guard let buffer = pool.take() else { return }  // closed: stopped
            let offset = k * blockSize, count = min(blockSize, size - offset)
            let result: Result<Block, Error>
            do {
                let start = try reader.read(into: buffer + dataOffset, count: count, at: offset)
                precondition(start == 0, "BlockReadAhead: block \(k) read \(start) bytes into its buffer: blocks must be aligned")
                if offset + count < size { reader.readAhead(min(blockSize, size - offset - count), at: offset + count) }
                result = .success(Block(buffer: buffer, offset: offset, count: count))
            } catch {
                pool.give(buffer)
                result = .failure(error)
            }
            lock.lock(); filled.append(result); lock.unlock()
            ready.signal()
            if case .failure = result { return }
        }
    }
}
