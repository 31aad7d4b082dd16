import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The bytes of a pack being written, gathered in memory into aligned segments of
/// ``segmentSize`` bytes and written past the page cache (`O_DIRECT`) by threads of their own.
///
/// Why: a cold add of a GiB spent more system time than user time, most of it copying the pack into
/// page-cache pages the kernel had just freed (`copy_folio_from_iter_atomic`, 20 % of a `perf`
/// profile of the whole add) and spinning on ext4's inode lock while other workers copied
/// (`rwsem_spin_on_owner`, 13.6 %) — writing the GiB with `dd oflag=direct` took 0.13–0.18 s of
/// system time where through the page cache it took 0.30–2.24 s. Here each chunk is copied once
/// into a segment (by the thread that hashed it, in parallel), and a full segment goes to the disk
/// in one request straight from that memory; the pack does not pass through the page cache (but
/// for its last page, zeroed by the commit's truncate, and all of it after a fallback, below).
///
/// Offsets are the pack's: ``PackWriter`` reserves each object's range as before and hands it here,
/// so the file's bytes are the same as when each object was written with its own `pwrite`. At most
/// ``bufferCount`` segments are in memory: a put whose range lies further ahead waits until the
/// segment `bufferCount` before it is on disk. That never waits for a later put: ``PackWriter``
/// puts every range it reserves at once, each put copies its pieces in order, and the pieces of the
/// earliest segment not on disk need no free buffer.
///
/// An object becomes readable in this process (``PendingPack``) once every segment up to the one
/// holding its last byte is on disk; ``flush(end:)`` writes the last, partial segment (padded
/// with zeros to the alignment; the padding is overwritten by later objects, or cut off by
/// ``PackWriter``'s commit) so that everything put so far is readable.
///
/// Where `O_DIRECT` is refused (tmpfs before Linux 6.6, an unknown platform, an alignment the device
/// does not accept), the segments are written through the page cache instead, each followed by a writeback
/// hint, with the same results.
final class PackStaging: @unchecked Sendable {
    // @unchecked Sendable: every mutable field is guarded by `condition`. A segment's bytes are
    // copied by the puts that reserved them (disjoint ranges, outside the lock) and read by a
    // writing thread only after the lock showed all of them copied.

    /// Bytes per segment: one write request each (a GiB is 128 of them).
    static let segmentSize = 8 << 20
    /// The alignment `O_DIRECT` needs of offsets, lengths and memory (``WindowReader/alignment``).
    static let alignment = 4096

    /// Segments held in memory at most (``bufferCount`` × ``segmentSize`` bytes).
    let bufferCount: Int
    private let buffers: [UnsafeMutableRawPointer]
    private let fd: Int32
    private let path: String
    private let publish: (PackKey, UInt64, UInt64) -> Void

    private let condition = NSCondition()
    /// Bytes copied so far into each segment not yet handed to a writing thread.
    private var filled: [Int: Int] = [:]
    /// The objects whose last byte lies in each segment, not yet published.
    private var ending: [Int: [(key: PackKey, offset: UInt64, length: UInt64)]] = [:]
    /// Full segments waiting for a writing thread.
    private var queue: [Int] = []
    /// Segments on disk at or after `writtenBelow`.
    private var written = Set<Int>()
    /// Every segment below this is on disk (and its objects published).
    private var writtenBelow = 0
    private var writing = 0
    /// Puts in progress (``flush(end:)`` waits for none: it pads the last segment's buffer).
    private var putting = 0
    /// The pack's end at the last ``flush(end:)``: a second flush with nothing new writes nothing.
    private var flushedEnd: UInt64?
    /// Whether `fd` has `O_DIRECT` set; guarded by `modeLock` (written once, on a refusal).
    private var usesDirect: Bool
    private let modeLock = NSLock()
    private var failure: ObjectStoreError?
    private var stopping = false
    private let exited = DispatchGroup()

    /// Stages the pack open as `fd` at `path` (setting `O_DIRECT` on it where it can); `publish` is
    /// called (under this type's lock) for each object once its bytes are on disk.
    ///
    /// `writers` threads write segments, so that several requests are in flight while the input is
    /// read from the same disk. Cold GiB adds in rounds alternating (segment MiB : buffers :
    /// writers): 4:4:2 1.40–2.18 s, 4:8:4 1.49–2.04, 4:12:6 1.51–2.09, 8:8:4 1.34–1.91,
    /// 8:6:3 1.27–1.63, 8:6:4 1.40–1.53 s — the last kept: 48 MiB of buffers.
    init(fd: Int32, path: String, bufferCount: Int = 6, writers: Int = 4,
         publish: @escaping (PackKey, UInt64, UInt64) -> Void) {
        self.fd = fd
        self.path = path
        self.publish = publish
        self.bufferCount = max(2, bufferCount)
        buffers = (0..<self.bufferCount).map { _ in
            UnsafeMutableRawPointer.allocate(byteCount: Self.segmentSize, alignment: Self.alignment)
        }
        // The pack's own descriptor, not a reopen: the file is created read-only (0444), so only
        // root could open it again for writing.
        usesDirect = WindowReader.oDirect.map { flag in
            let flags = fcntl(fd, F_GETFL)
            return flags >= 0 && fcntl(fd, F_SETFL, flags | flag) == 0
        } ?? false
        for i in 0..<max(1, writers) {
            exited.enter()
            let thread = Thread { [self] in writeSegments(); exited.leave() }
            thread.name = "pack-writer-\(i)"
            thread.start()
        }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// Copies `bytes` to the pack's `offset` (a range reserved for them); `key` is published once
    /// they are on disk (nil: not an object, the pack's header). Waits while the range lies more
    /// than ``bufferCount`` segments past what is on disk.
    func put(_ bytes: UnsafeRawBufferPointer, at offset: UInt64, key: PackKey?) throws {
        let size = Self.segmentSize
        condition.lock(); putting += 1; condition.unlock()
        defer { condition.lock(); putting -= 1; condition.broadcast(); condition.unlock() }
        var done = 0
        repeat {
            let position = Int(offset) + done
            let segment = position / size, within = position % size
            let n = min(bytes.count - done, size - within)
            condition.lock()
            while segment >= writtenBelow + bufferCount && failure == nil && !stopping { condition.wait() }
            if let failure { condition.unlock(); throw failure }
            if stopping { condition.unlock(); throw ObjectStoreError.io(path: path, operation: "write", errno: ECANCELED) }
            condition.unlock()
            if n > 0 { (buffers[segment % bufferCount] + within).copyMemory(from: bytes.baseAddress! + done, byteCount: n) }
            done += n
            condition.lock()
            if done == bytes.count, let key { ending[segment, default: []].append((key, offset, UInt64(bytes.count))) }
            let total = filled[segment, default: 0] + n
            if total == size {
                filled[segment] = nil
                queue.append(segment)
                condition.broadcast()
            } else {
                filled[segment] = total
            }
            condition.unlock()
        } while done < bytes.count
    }

    /// Writes every byte put so far (`end` is the pack's size: the end of every range reserved),
    /// so that all objects are readable in this process. Waits for the puts in progress and holds
    /// off new ones while it writes. Throws the first write error.
    func flush(end: UInt64) throws {
        condition.lock()
        defer { condition.unlock() }
        while (!queue.isEmpty || writing > 0 || putting > 0) && failure == nil && !stopping { condition.wait() }
        if let failure { throw failure }
        if stopping { throw ObjectStoreError.io(path: path, operation: "write", errno: ECANCELED) }
        let segment = Int(end) / Self.segmentSize, count = Int(end) % Self.segmentSize
        if count > 0 && flushedEnd != end {
            let padded = (count + Self.alignment - 1) / Self.alignment * Self.alignment
            let buffer = buffers[segment % bufferCount]
            (buffer + count).initializeMemory(as: UInt8.self, repeating: 0, count: padded - count)
            if let error = write(buffer, count: padded, segment: segment) { failure = error; condition.broadcast(); throw error }
        }
        flushedEnd = end
        // Also when `count` is 0: an empty object put exactly at a segment's start ends in it.
        for object in ending.removeValue(forKey: segment) ?? [] { publish(object.key, object.offset, object.length) }
    }

    /// Ends the writing threads and waits for them: after ``flush(end:)``, or to give up — then the
    /// segments not yet written are dropped, and a waiting put or flush throws `ECANCELED`.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        exited.wait()
    }

    /// A writing thread: takes full segments off the queue until ``stop()``.
    private func writeSegments() {
        condition.lock()
        while true {
            while queue.isEmpty && !stopping { condition.wait() }
            if stopping { break }
            let segment = queue.removeFirst()
            writing += 1
            condition.unlock()
            let error = write(buffers[segment % bufferCount], count: Self.segmentSize, segment: segment)
            condition.lock()
            writing -= 1
            if let error {
                failure = failure ?? error
            } else {
                written.insert(segment)
                while written.remove(writtenBelow) != nil {
                    for object in ending.removeValue(forKey: writtenBelow) ?? [] { publish(object.key, object.offset, object.length) }
                    writtenBelow += 1
                }
            }
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Writes `count` bytes of `buffer` as segment `segment`: past the page cache while that is
    /// accepted, else through it (the whole segment again: a refused direct write may have
    /// written part of it). A short direct write of a multiple of the alignment goes on where it
    /// stopped; one of another length makes the next request unaligned, refused, and the fallback.
    private func write(_ buffer: UnsafeMutableRawPointer, count: Int, segment: Int) -> ObjectStoreError? {
        let offset = off_t(segment) * off_t(Self.segmentSize)
        modeLock.lock(); let direct = usesDirect; modeLock.unlock()
        if direct {
            let code = Self.writeAll(fd, buffer, count: count, at: offset)
            if code == 0 { return nil }
            // EINVAL: an alignment this device refuses; from here on through the page cache.
            guard code == EINVAL else { return .io(path: path, operation: "write", errno: code) }
            modeLock.lock()
            if usesDirect, let flag = WindowReader.oDirect {
                let flags = fcntl(fd, F_GETFL)
                if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~flag) }
                usesDirect = false
            }
            modeLock.unlock()
        }
        let code = Self.writeAll(fd, buffer, count: count, at: offset)
        if code != 0 { return .io(path: path, operation: "write", errno: code) }
        _ = PackWriter.startWriteback(fd, Int64(offset), Int64(count), PackWriter.syncFileRangeWrite)
        return nil
    }

    /// Whether segments go past the page cache (false after a refusal, or where `O_DIRECT` is not known).
    var writesDirect: Bool { modeLock.lock(); defer { modeLock.unlock() }; return usesDirect }

    /// `pwrite` until all of it is written; 0 or the errno.
    private static func writeAll(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, count: Int, at offset: off_t) -> Int32 {
        var done = 0
        while done < count {
            let n = pwrite(fd, buffer + done, count - done, offset + off_t(done))
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return errno }
            if n == 0 { return EIO }
            done += n
        }
        return 0
    }
}
