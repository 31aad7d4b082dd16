import Foundation

/// Records of bytes handed from many threads to one, through memory allocated once.
///
/// Why not a queue of values: a value made on an event loop and released on a low-priority
/// thread is freed by that thread, and glibc's `free` of another thread's block takes the lock of
/// that thread's malloc arena. A thread of the lowest priority (``ShadowScorer``'s, `SCHED_IDLE`)
/// preempted inside `free` or `malloc` then holds a lock the loop needs for its next request: with
/// the shadow on, the primary's p99 doubled on 2 busy cores (BENCHMARKS.md, `serve`). Here a
/// producer copies its record's bytes into one of two buffers allocated at start, and the consumer
/// reads them from there: no block crosses threads, nothing is allocated or freed per record.
///
/// - Producers (any thread) ``post(_:)``: the record is measured, then written in place under a
///   lock that is only *tried*, a bounded number of times (other producers hold it for one copy,
///   the consumer for a swap of two words): a producer never waits on a thread that was preempted
///   while holding it. A record that finds the lock held throughout, or the buffer full, is
///   dropped and `post` says so.
/// - One consumer ``take(ifFree:_:)``s: swaps the buffers under the lock, then reads every record
///   of the one it took without the lock; producers meanwhile fill the other. A consumer of normal
///   priority whose producer runs at low priority takes only `ifFree`, for the same reason. A
///   consumer may also take only some records (``takeWhile(ifFree:_:)``) and leave the rest for
///   its next take.
public final class ByteMailbox: @unchecked Sendable {
    // @unchecked Sendable: `buffers` and `used` are guarded by `lock` for the buffer producers
    // write (`active`); the other buffer, and `readOffset`, belong to the one consumer between two
    // swaps, which happen under the lock (so the consumer's reads and its reset of `used` are
    // ordered before the producers' next writes to that buffer). Only the consumer writes
    // `active` (under the lock), so it may read it without.
    private let lock = NSLock()
    private let capacity: Int
    private let buffers: [UnsafeMutableRawPointer]
    /// Bytes written into each buffer: two words of their own (an array's element writes from two
    /// threads would each be a mutation of the whole array).
    private let used: UnsafeMutablePointer<Int>
    private var active = 0
    private var closed = false
    /// Where the consumer's next read starts in its buffer (`1 - active`): past `used` when it has
    /// read everything; before it when a ``takeWhile(ifFree:_:)`` left records for the next take.
    /// The consumer's alone.
    private var readOffset = 0

    /// Two buffers of `capacity` bytes each (pages are touched only as they fill).
    public init(capacity: Int) {
        self.capacity = max(64, capacity)
        buffers = (0..<2).map { _ in UnsafeMutableRawPointer.allocate(byteCount: max(64, capacity), alignment: 16) }
        used = UnsafeMutablePointer<Int>.allocate(capacity: 2)
        used.initialize(repeating: 0, count: 2)
    }

    deinit {
        buffers.forEach { $0.deallocate() }
        used.deallocate()
    }

    /// Tries of the lock before a record is dropped: enough to pass another producer's copy.
    static let lockTries = 256

    /// Writes one record with `encode`, which is called twice: once to measure, once to write
    /// (it must write the same bytes both times). False when it was dropped: the buffer is full,
    /// or the lock stayed held for ``lockTries`` tries.
    @discardableResult
    public func post(_ encode: (inout ByteRecordWriter) -> Void) -> Bool {
        var measure = ByteRecordWriter(base: nil, capacity: .max)
        encode(&measure)
        let size = 4 + measure.count
        guard size <= capacity, tryLock() else { return false }
        defer { lock.unlock() }
        let k = active
        guard !closed, used[k] + size <= capacity else { return false }
        let start = buffers[k] + used[k]
        start.storeBytes(of: UInt32(measure.count), as: UInt32.self)
        var writer = ByteRecordWriter(base: start + 4, capacity: measure.count)
        encode(&writer)
        precondition(writer.count == measure.count, "a record wrote other bytes than it measured")
        used[k] += size
        return true
    }

    /// The lock within ``lockTries`` tries.
    private func tryLock() -> Bool {
        for _ in 0..<Self.lockTries where lock.try() { return true }
        return false
    }

    /// Refuses every later ``post(_:)`` (what was posted can still be taken).
    public func close() {
        lock.lock(); closed = true; lock.unlock()
    }

    /// Hands every record not taken yet to `read`, in order (each valid only during its call). With
    /// `ifFree`, takes nothing posted since the last swap unless the lock is free within ``lockTries``
    /// tries (those records wait for the next take); false then, unless records left over by a
    /// ``takeWhile(ifFree:_:)`` were handed over first.
    @discardableResult
    public func take(ifFree: Bool = false, _ read: (inout ByteRecordReader) -> Void) -> Bool {
        takeWhile(ifFree: ifFree) { read(&$0); return true }
    }

    /// Hands records to `read` in order until it returns false: the record it refused and those
    /// after it stay, and the next take hands them over first, before any posted since. While
    /// records are left over, producers fill the other buffer only (a full one drops their records),
    /// so what is left is never overwritten and the order holds.
    ///
    /// A take reads what is left over, then — if `read` refused none of it — swaps the buffers
    /// and reads what was posted meanwhile. False when `ifFree` found the lock held before any
    /// record was read.
    @discardableResult
    public func takeWhile(ifFree: Bool = false, _ read: (inout ByteRecordReader) -> Bool) -> Bool {
        var swapped = false, readAny = false
        while true {
            // The consumer's buffer is the one producers do not write: `active` is written by this
            // (the one consuming) thread only, so it reads it without the lock.
            var k = 1 - active
            if readOffset >= used[k] {
                if swapped { return true }
                // Emptied before the swap, under whose lock producers then write into it.
                used[k] = 0; readOffset = 0
                if ifFree {
                    guard tryLock() else { return readAny }
                } else {
                    lock.lock()
                }
                active = k
                lock.unlock()
                swapped = true
                k = 1 - k
            }
            while readOffset + 4 <= used[k] {
                let count = Int(buffers[k].loadUnaligned(fromByteOffset: readOffset, as: UInt32.self))
                var reader = ByteRecordReader(UnsafeRawBufferPointer(start: buffers[k] + readOffset + 4, count: count))
                guard read(&reader) else { return true }
                readAny = true
                readOffset += 4 + count
            }
            readOffset = used[k]
        }
    }
}

/// Writes a record's fields (native byte order: a mailbox never leaves the process). With no
/// `base` it only counts the bytes.
public struct ByteRecordWriter {
    private let base: UnsafeMutableRawPointer?
    private let capacity: Int
    /// Bytes written (or measured) so far.
    public private(set) var count = 0

    init(base: UnsafeMutableRawPointer?, capacity: Int) { self.base = base; self.capacity = capacity }

    public mutating func put<T: FixedWidthInteger>(_ value: T) { raw(of: value) }
    public mutating func put(_ value: Double) { raw(of: value) }

    /// A string as its UTF-8 length (UInt32) and bytes.
    public mutating func put(_ text: String) {
        var text = text
        text.withUTF8 { put(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Bytes as their length (UInt32) and themselves.
    public mutating func put(bytes: UnsafeRawBufferPointer) {
        put(UInt32(bytes.count))
        if let base, let source = bytes.baseAddress, bytes.count > 0 {
            precondition(count + bytes.count <= capacity, "a record wrote more than it measured")
            (base + count).copyMemory(from: source, byteCount: bytes.count)
        }
        count += bytes.count
    }

    private mutating func raw<T>(of value: T) {
        let size = MemoryLayout<T>.size
        if let base {
            precondition(count + size <= capacity, "a record wrote more than it measured")
            (base + count).storeBytes(of: value, as: T.self)
        }
        count += size
    }
}

/// Reads a record's fields in the order they were written; nil past the record's end.
public struct ByteRecordReader {
    private let storage: UnsafeRawBufferPointer
    private var offset = 0

    init(_ storage: UnsafeRawBufferPointer) { self.storage = storage }

    public mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) -> T? { raw(T.self) }
    public mutating func double() -> Double? { raw(Double.self) }

    public mutating func string() -> String? {
        bytes().map { String(decoding: $0, as: UTF8.self) }
    }

    /// The next length-prefixed bytes (valid as long as the record is).
    public mutating func bytes() -> UnsafeRawBufferPointer? {
        guard let count = raw(UInt32.self).map(Int.init), offset + count <= storage.count, let base = storage.baseAddress else { return nil }
        defer { offset += count }
        return UnsafeRawBufferPointer(start: base + offset, count: count)
    }

    private mutating func raw<T>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard offset + size <= storage.count, let base = storage.baseAddress else { return nil }
        defer { offset += size }
        return base.loadUnaligned(fromByteOffset: offset, as: T.self)
    }
}
