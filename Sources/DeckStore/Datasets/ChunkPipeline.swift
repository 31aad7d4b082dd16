import Foundation
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// Streams one file through the chunker and into the object store, using every core:
/// the calling thread maps windows of the file (`mmap`, about `window` bytes each, overlapping by
/// at most one maximum chunk so no byte is copied) and finds chunk boundaries (a sequential pass);
/// each window's chunks are then hashed (SHA-256) and, when absent, written, in parallel, while the
/// next window is scanned. At most `inFlight` windows are mapped at a time, so resident memory stays
/// bounded whatever the file size.
final class ChunkPipeline: @unchecked Sendable {
    let objects: ObjectStore
    let writer: ChunkObjectWriter
    let chunker: ContentChunker
    let window: Int
    let inFlight: Int

    private let lock = NSLock()
    private var windowResults: [Int: [ChunkRef]] = [:]
    private var newObjects = 0
    private var newBytes: Int64 = 0
    private var failure: Error?

    init(objects: ObjectStore, writer: ChunkObjectWriter, chunker: ContentChunker = .standard, window: Int = 8 << 20, inFlight: Int = 3) {
        self.objects = objects
        self.writer = writer
        self.chunker = chunker
        self.window = max(window, 1 << 16)
        self.inFlight = inFlight
    }

    /// A raw pointer handed to a worker (the mapping is owned by the pipeline until the worker ends).
    struct Buffer: @unchecked Sendable {
        let base: UnsafeMutableRawPointer
    }

    /// Stores the file open as `fd`; returns its chunks and what was new.
    /// `progress` is called on the calling thread with the bytes read so far.
    func run(fd: Int32, path: String, progress: ((Int64) -> Void)?) throws -> (chunks: [ChunkRef], newObjects: Int, newBytes: Int64) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DatasetError.io(path: path, operation: "stat", errno: errno) }
        let size = Int(info.st_size)
        if size == 0 {
            let id = ObjectID.of(Data())
            let isNew = try writer.put(UnsafeRawBufferPointer(start: nil, count: 0), as: id)
            return ([ChunkRef(id: id, size: 0)], isNew ? 1 : 0, 0)
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let slots = DispatchSemaphore(value: inFlight)
        let group = DispatchGroup()
        defer { group.wait() }
        var position = 0
        var index = 0
        while position < size {
            slots.wait()
            if let error = currentFailure() { slots.signal(); throw error }
            let mapStart = position & ~(page - 1)
            let mapEnd = min(size, position + window + chunker.maximumSize)
            let length = mapEnd - mapStart
            guard let mapped = mmap(nil, length, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, off_t(mapStart)), mapped != MAP_FAILED else {
                let code = errno
                slots.signal()
                throw DatasetError.io(path: path, operation: "mmap", errno: code)
            }
            madvise(mapped, length, MADV_SEQUENTIAL)
            let isEnd = mapEnd == size
            let offset = position - mapStart
            let bytes = UnsafePointer(mapped.assumingMemoryBound(to: UInt8.self)) + offset
            let available = mapEnd - position
            var cuts: [(start: Int, length: Int)] = []
            cuts.reserveCapacity(window / chunker.averageSize * 2 + 2)
            var consumed = 0
            while consumed < available, let n = chunker.cut(bytes + consumed, count: available - consumed, isEnd: isEnd) {
                cuts.append((offset + consumed, n))
                consumed += n
                if !isEnd && consumed >= window { break }
            }
            position += consumed
            progress?(Int64(position))

            let windowIndex = index
            index += 1
            group.enter()
            let jobCuts = cuts
            let buffer = Buffer(base: mapped)
            DispatchQueue.global().async { [self] in
                self.process(buffer, cuts: jobCuts, window: windowIndex)
                munmap(buffer.base, length)
                slots.signal()
                group.leave()
            }
            if consumed == 0 { break }
        }
        group.wait()
        if let error = currentFailure() { throw error }
        var chunks: [ChunkRef] = []
        for i in 0..<index { chunks += windowResults[i] ?? [] }
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

