import Foundation
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// Work taken off the request path: requests hand items to a bounded queue and go on; one thread
/// of its own takes everything queued and hands it to `process` in one call.
///
/// - Bounded: the queue holds at most `capacity` units (an item weighs `weight(item)` units, e.g.
///   its rows). An item that does not fit, or arrives after a stop began, is dropped and its
///   weight counted (``dropped``); ``enqueue(_:countDrop:)`` never blocks and never waits for the
///   worker.
/// - Batching: the thread is woken once `wakeAt` units are queued, and otherwise every
///   `maxWait` seconds (nil: on every item), so small items are handled together.
/// - Stop: ``stopAndFlush()`` refuses new items, processes everything already queued and returns
///   when done. As a swift-service-lifecycle `Service`, ``run()`` starts the thread and does this
///   on a graceful shutdown (the HTTP server, listed after it, has answered its last request by then).
/// - Priority: the worker's thread runs at the process's priority. (A low-priority thread must not
///   take items made on other threads: it frees them, and glibc's `free` takes the lock of the
///   maker's malloc arena, which it can then hold while preempted. ``ShadowScorer`` therefore uses
///   a ``ByteMailbox`` instead.)
///
/// ``PredictionLogWriter`` is built on it.
public final class BackgroundWorker<Item: Sendable>: Service, @unchecked Sendable {
    private let name: String
    private let capacity: Int
    private let wakeAt: Int
    private let maxWait: Double?
    private let weight: @Sendable (Item) -> Int
    private let process: @Sendable ([Item]) -> Void
    private let idle: (@Sendable () -> Void)?
    /// Guards the queue, its counts and the flags.
    private let lock = NSLock()
    /// Wakes the worker's thread.
    private let wake = DispatchSemaphore(value: 0)
    /// Left when the thread has processed everything after a stop.
    private let done = DispatchGroup()
    private var queue: [Item] = []
    private var queuedUnits = 0
    private var droppedUnits = 0
    private var stopping = false, started = false

    /// - Parameters:
    ///   - name: the thread's name.
    ///   - capacity: queued units at most; an item that would go over is dropped.
    ///   - wakeAt: queued units that wake the thread before `maxWait` is up.
    ///   - maxWait: seconds the thread waits for `wakeAt` units before it takes what is queued
    ///     (nil: it takes every item as soon as it comes).
    ///   - weight: an item's units (rows, entries).
    ///   - process: handles what was queued, in order, on the worker's thread.
    ///   - idle: called on the worker's thread after each round, even an empty one (housekeeping).
    public init(name: String, capacity: Int, wakeAt: Int = 1, maxWait: Double? = nil,
                weight: @escaping @Sendable (Item) -> Int, process: @escaping @Sendable ([Item]) -> Void,
                idle: (@Sendable () -> Void)? = nil) {
        self.name = name; self.capacity = max(1, capacity); self.wakeAt = max(1, wakeAt); self.maxWait = maxWait
        self.weight = weight; self.process = process; self.idle = idle
    }

    /// Queues `item`; false when it was dropped (the queue is full, or a stop began). A dropped
    /// item's weight is added to ``dropped`` unless `countDrop` is false (the caller reports it).
    @discardableResult
    public func enqueue(_ item: Item, countDrop: Bool = true) -> Bool {
        let units = weight(item)
        lock.lock()
        if stopping || queuedUnits + units > capacity {
            if countDrop { droppedUnits += units }
            lock.unlock()
            return false
        }
        let wasBelow = maxWait == nil ? queue.isEmpty : queuedUnits < wakeAt
        queue.append(item)
        queuedUnits += units
        let signal = wasBelow && (maxWait == nil || queuedUnits >= wakeAt)
        lock.unlock()
        if signal { wake.signal() }
        return true
    }

    /// Units dropped so far (queue full, or after a stop began).
    public var dropped: Int { lock.lock(); defer { lock.unlock() }; return droppedUnits }

    /// Units queued now.
    public var queued: Int { lock.lock(); defer { lock.unlock() }; return queuedUnits }

    /// Starts the worker's thread (``run()`` does it; tests may call it directly). Idempotent.
    public func start() {
        lock.lock()
        defer { lock.unlock() }
        guard !started, !stopping else { return }
        started = true
        done.enter()
        let name = self.name
        let thread = Thread { [self] in
            OSThreadName.set(name)
            loop()
            done.leave()
        }
        thread.name = name
        thread.start()
    }

    /// Stops taking items, processes everything queued and returns when it is done (at once when
    /// the thread never started: nothing queued is processed then).
    public func stopAndFlush() {
        lock.lock()
        stopping = true
        let running = started
        lock.unlock()
        if running { wake.signal(); done.wait() }
    }

    /// The service: works until the group stops gracefully, then flushes.
    public func run() async throws {
        await ThreadService.run(start: start, stopAndFlush: { [self] in stopAndFlush() })
    }

    private func loop() {
        while true {
            if let maxWait { _ = wake.wait(timeout: .now() + maxWait) } else { wake.wait() }
            // O(1) under the lock (no copy, no allocation): callers never wait long for it.
            var items: [Item] = []
            lock.lock()
            swap(&items, &queue)
            queuedUnits = 0
            let stop = stopping
            lock.unlock()
            if !items.isEmpty { process(items) }
            idle?()
            if stop {
                lock.lock()
                let empty = queue.isEmpty
                lock.unlock()
                if empty { return }
            }
        }
    }
}

/// The swift-service-lifecycle side of a service that works on a thread of its own.
enum ThreadService {
    /// Calls `start`, waits for the group's graceful shutdown, then calls `stopAndFlush` — which
    /// blocks until the thread has done its last work — on a thread of its own, not on Swift's
    /// cooperative pool.
    static func run(start: () -> Void, stopAndFlush: @escaping @Sendable () -> Void) async {
        start()
        try? await gracefulShutdown()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                stopAndFlush()
                done.resume()
            }
        }
    }
}

/// Names the calling thread for `ps -L`, `top -H` and `/proc/…/task/…/comm` (Foundation's
/// `Thread.name` does not reach the kernel on Linux, and `pthread_setname_np` is not imported:
/// it writes `/proc/thread-self/comm`, as that function does). Linux keeps the first 15 bytes.
enum OSThreadName {
    static func set(_ name: String) {
        #if os(Linux)
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        #endif
    }
}
