import Foundation
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// Streams one file through the chunker and into the object store, using every core:
/// a thread of its own reads the file in blocks of `window` bytes (``BlockReadAhead``), the calling
/// thread finds chunk boundaries (a sequential pass; the bytes a block leaves uncut are copied in
/// front of the next), and each block's chunks are then hashed (SHA-256) and, when absent, written,
/// in parallel, while the next blocks are read and cut. At most `inFlight` blocks are held at a
/// time, so resident memory stays bounded whatever the file size.
///
/// Blocks are read by a ``WindowReader``: from the page cache when it holds them, otherwise
/// straight from the disk (`O_DIRECT`). The file is never read through a mapping: a mapped file that
/// shrinks kills the process with SIGBUS. A short read (the file shrank) is ``DatasetError/changedWhileRead(_:)``;
/// the caller compares the file's identity before and after for the other changes.
final class ChunkPipeline: @unchecked Sendable {
    let objects: ObjectStore
    let writer: PackWriter
    let chunker: ContentChunker
    let window: Int
    let inFlight: Int
    /// Whether windows the page cache does not hold are read past it (``WindowReader``).
    let readsDirect: Bool

    private let lock = NSLock()
    private var windowResults: [Int: [ChunkRef]] = [:]
    private var newObjects = 0
    private var newBytes: Int64 = 0
    private var failure: Error?

    init(objects: ObjectStore, writer: PackWriter, chunker: ContentChunker = .standard, window: Int = 8 << 20, inFlight: Int = 3,
         readsDirect: Bool = true) {
        self.objects = objects
        self.writer = writer
        self.chunker = chunker
        self.window = max(window, 1 << 16)
        self.inFlight = inFlight
        self.readsDirect = readsDirect
    }

    /// A raw pointer handed to a worker (the buffer is owned by the pipeline until the worker ends).
    struct Buffer: @unchecked Sendable {
        let base: UnsafeMutableRawPointer
    }

    /// Stores the file open as `fd`; returns its chunks and what was new.
    /// `progress` is called on the calling thread with the bytes read so far.
    /// `afterRead` is called on the calling thread as each block is taken up for cutting, with the
    /// bytes read up to its end (a test hook, to change the file between reads; later blocks may
    /// have been read already, so a change is caught by a short read or by the caller's identity check).
    func run(fd: Int32, path: String, progress: ((Int64) -> Void)?,
             afterRead: ((Int64) -> Void)? = nil) throws -> (chunks: [ChunkRef], newObjects: Int, newBytes: Int64) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DatasetError.io(path: path, operation: "stat", errno: errno) }
        let size = Int(info.st_size)
        if size == 0 {
            let id = ObjectID.of(Data())
            let isNew = try writer.put(UnsafeRawBufferPointer(start: nil, count: 0), as: id)
            return ([ChunkRef(id: id, size: 0)], isNew ? 1 : 0, 0)
        }
        // Blocks of `window` bytes (rounded to the alignment direct reads need), read ahead on a
        // thread of their own; each block is cut after the bytes the previous one left uncut (fewer
        // than `maximumSize`: the chunker cuts any longer run), copied in front of it.
        let alignment = WindowReader.alignment
        let blockSize = (window + alignment - 1) / alignment * alignment
        let room = (chunker.maximumSize + alignment - 1) / alignment * alignment
        let blocks = (size + blockSize - 1) / blockSize
        // `inFlight` buffers allocated once and reused: a fresh 8 MiB allocation per window is an
        // `mmap` whose pages the kernel faults in and zeroes, and a `munmap` after (~128 a GiB).
        let buffers = min(inFlight, blocks)
        let pool = BufferPool(count: buffers, size: room + min(blockSize, size) + WindowReader.slack, alignment: alignment)
        let reader = WindowReader(fd: fd, path: path, direct: readsDirect)
        let readAhead = BlockReadAhead(reader: reader, pool: pool, blockSize: blockSize, size: size, dataOffset: room)
        let tail = UnsafeMutableRawPointer.allocate(byteCount: room, alignment: 64)
        var tailCount = 0
        let group = DispatchGroup()
        defer { group.wait(); readAhead.stop(); pool.deallocate(); reader.close(); tail.deallocate() }
        var position = 0
        for index in 0..<blocks {
            if let error = currentFailure() { throw error }
            let block = try readAhead.next()
            afterRead?(Int64(block.offset + block.count))
            let isEnd = index == blocks - 1
            let start = room - tailCount
            (block.buffer + start).copyMemory(from: tail, byteCount: tailCount)
            let bytes = UnsafePointer((block.buffer + start).assumingMemoryBound(to: UInt8.self))
            let available = tailCount + block.count
            var cuts: [(start: Int, length: Int)] = []
            cuts.reserveCapacity(available / chunker.averageSize * 2 + 2)
            var consumed = 0
            while consumed < available, let n = chunker.cut(bytes + consumed, count: available - consumed, isEnd: isEnd) {
                cuts.append((consumed, n))
                consumed += n
            }
            tailCount = available - consumed
            precondition(tailCount < room, "ChunkPipeline: \(tailCount) bytes left uncut, more than a chunk")
            tail.copyMemory(from: bytes + consumed, byteCount: tailCount)
            position += consumed
            progress?(Int64(position))

            group.enter()
            let jobCuts = cuts
            let job = Buffer(base: block.buffer + start), owned = Buffer(base: block.buffer)
            DispatchQueue.global().async { [self] in
                self.process(job, cuts: jobCuts, window: index)
                pool.give(owned.base)
                group.leave()
            }
        }
        group.wait()
        if let error = currentFailure() { throw error }
        var chunks: [ChunkRef] = []
        for i in 0..<blocks { chunks += windowResults[i] ?? [] }
        return (chunks, newObjects, newBytes)
    }

    private func currentFailure() -> Error? {
        lock.lock(); defer { lock.unlock() }
        return failure
    }

    /// Hashes and stores the chunks of one window, in parallel.
    private func process(_ buffer: Buffer, cuts: [(start: Int, length: Int)], window: Int) {
        guard !cuts.isEmpty else {
            lock.lock(); windowResults[window] = []; lock.unlock()
            return
        }
        let refs = UnsafeMutableBufferPointer<ChunkRef>.allocate(capacity: cuts.count)
        defer { refs.deallocate() }
        let out = Buffer(base: UnsafeMutableRawPointer(refs.baseAddress!))
        let counters = UnsafeMutablePointer<Int64>.allocate(capacity: 2 * cuts.count)
        defer { counters.deallocate() }
        let counts = Buffer(base: UnsafeMutableRawPointer(counters))
        DispatchQueue.concurrentPerform(iterations: cuts.count) { i in
            let (start, length) = cuts[i]
            let pointer = UnsafeRawBufferPointer(start: buffer.base + start, count: length)
            let id = ObjectID(digest: SHA256.hash(data: pointer))
            let slot = out.base.assumingMemoryBound(to: ChunkRef.self) + i
            slot.initialize(to: ChunkRef(id: id, size: Int64(length)))
            let c = counts.base.assumingMemoryBound(to: Int64.self)
            c[2 * i] = 0; c[2 * i + 1] = 0
            do {
                if try writer.put(pointer, as: id) { c[2 * i] = 1; c[2 * i + 1] = Int64(length) }
            } catch {
                lock.lock(); if failure == nil { failure = error }; lock.unlock()
            }
        }
        let result = Array(refs)
        refs.baseAddress!.deinitialize(count: cuts.count)
        var n = 0, bytes: Int64 = 0
        for i in 0..<cuts.count { n += Int(counters[2 * i]); bytes += counters[2 * i + 1] }
        lock.lock()
        windowResults[window] = result
        newObjects += n
        newBytes += bytes
        lock.unlock()
    }
}

/// A fixed set of equal buffers handed out and back: ``take()`` waits while all are out, so at
/// most `count` are out at once (``ChunkPipeline``'s bound on memory), and ``close()`` ends the
/// waiting of a taker that is no longer wanted (``BlockReadAhead/stop()``).
final class BufferPool: @unchecked Sendable {
    // @unchecked Sendable: `free` and `closed` are guarded by `lock`; the buffers themselves belong
    // to whoever took them.
    private let lock = NSLock()
    /// Counts the free buffers (and, after ``close()``, lets every waiting taker through).
    private let available: DispatchSemaphore
    private var free: [UnsafeMutableRawPointer]
    private var all: [UnsafeMutableRawPointer]
    private var closed = false

    init(count: Int, size: Int, alignment: Int = 64) {
        all = (0..<max(1, count)).map { _ in UnsafeMutableRawPointer.allocate(byteCount: max(1, size), alignment: alignment) }
        free = all
        available = DispatchSemaphore(value: all.count)
    }

    /// A free buffer, waiting until one is given back; nil once the pool is closed.
    func take() -> UnsafeMutableRawPointer? {
        available.wait()
        lock.lock(); defer { lock.unlock() }
        if closed { available.signal(); return nil }  // passed on to the next waiting taker
        guard let buffer = free.popLast() else { preconditionFailure("BufferPool: more buffers taken than it holds") }
        return buffer
    }

    func give(_ buffer: UnsafeMutableRawPointer) {
        lock.lock(); free.append(buffer); lock.unlock()
        available.signal()
    }

    /// Makes every ``take()``, waiting or to come, answer nil.
    func close() {
        lock.lock(); closed = true; lock.unlock()
        available.signal()
    }

    /// Frees every buffer (once all are given back).
    func deallocate() {
        lock.lock(); defer { lock.unlock() }
        all.forEach { $0.deallocate() }
        all = []; free = []
    }
}
