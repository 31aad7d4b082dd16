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
/// - Priority: `niceness` (Linux nice value of the worker's thread, e.g. 10) puts it below the
///   event loops on a busy machine.
///
/// ``PredictionLogWriter`` and ``ShadowScorer`` are built on it.
public final class BackgroundWorker<Item: Sendable>: Service, @unchecked Sendable {
    private let name: String
    private let capacity: Int
    private let wakeAt: Int
    private let maxWait: Double?
    private let niceness: Int32
    private let weight: @Sendable (Item) -> Int
    private let process: @Sendable ([Item]) -> Void
    private let idle: (@Sendable () -> Void)?
    private let condition = NSCondition()
    private var queue: [Item] = []
    private var queuedUnits = 0
    private var droppedUnits = 0
    private var stopping = false, started = false, finished = false

    /// - Parameters:
    ///   - name: the thread's name.
    ///   - capacity: queued units at most; an item that would go over is dropped.
    ///   - wakeAt: queued units that wake the thread before `maxWait` is up.
    ///   - maxWait: seconds the thread waits for `wakeAt` units before it takes what is queued
    ///     (nil: it takes every item as soon as it comes).
    ///   - niceness: the thread's nice value (0: the process's).
    ///   - weight: an item's units (rows, entries).
    ///   - process: handles what was queued, in order, on the worker's thread.
    ///   - idle: called on the worker's thread after each round, even an empty one (housekeeping).
    public init(name: String, capacity: Int, wakeAt: Int = 1, maxWait: Double? = nil, niceness: Int32 = 0,
                weight: @escaping @Sendable (Item) -> Int, process: @escaping @Sendable ([Item]) -> Void,
                idle: (@Sendable () -> Void)? = nil) {
        self.name = name; self.capacity = max(1, capacity); self.wakeAt = max(1, wakeAt); self.maxWait = maxWait
        self.niceness = niceness; self.weight = weight; self.process = process; self.idle = idle
    }

    /// Queues `item`; false when it was dropped (the queue is full, or a stop began). A dropped
    /// item's weight is added to ``dropped`` unless `countDrop` is false (the caller reports it).
    @discardableResult
    public func enqueue(_ item: Item, countDrop: Bool = true) -> Bool {
        let units = weight(item)
        condition.lock()
        defer { condition.unlock() }
        if stopping || queuedUnits + units > capacity {
            if countDrop { droppedUnits += units }
            return false
        }
        queue.append(item)
        queuedUnits += units
        if maxWait == nil || queuedUnits >= wakeAt { condition.signal() }
        return true
    }

    /// Units dropped so far (queue full, or after a stop began).
    public var dropped: Int { condition.lock(); defer { condition.unlock() }; return droppedUnits }

    /// Units queued now.
    public var queued: Int { condition.lock(); defer { condition.unlock() }; return queuedUnits }

    /// Starts the worker's thread (``run()`` does it; tests may call it directly). Idempotent.
    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !started, !stopping else { return }
        started = true
        let niceness = self.niceness
        let thread = Thread { [self] in
            if niceness != 0 { Self.setThreadNiceness(niceness) }
            loop()
        }
        thread.name = name
        thread.start()
    }

    /// Stops taking items, processes everything queued and returns when it is done (at once when
    /// the thread never started: nothing queued is processed then).
    public func stopAndFlush() {
        condition.lock()
        stopping = true
        condition.broadcast()
        if !started { finished = true }
        while !finished { condition.wait() }
        condition.unlock()
    }

    /// The service: works until the group stops gracefully, then flushes.
    public func run() async throws {
        start()
        try? await gracefulShutdown()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [self] in
                stopAndFlush()
                done.resume()
            }
        }
    }

    private func loop() {
        while true {
            condition.lock()
            if let maxWait {
                if queuedUnits < wakeAt && !stopping { _ = condition.wait(until: Date().addingTimeInterval(maxWait)) }
            } else {
                while queue.isEmpty && !stopping { condition.wait() }
            }
            // O(1) under the lock (no copy, no allocation): a preempted low-priority worker must
            // never hold the lock that request threads take for long.
            var items: [Item] = []
            swap(&items, &queue)
            queuedUnits = 0
            let done = stopping
            condition.unlock()
            if !items.isEmpty { process(items) }
            idle?()
            if done {
                condition.lock()
                if queue.isEmpty { finished = true; condition.broadcast(); condition.unlock(); return }
                condition.unlock()
            }
        }
    }

    /// Sets the calling thread's nice value: on Linux it is per thread, and `who` 0 names the
    /// calling thread (setpriority(2), "BUGS").
    static func setThreadNiceness(_ value: Int32) {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, value)
        #endif
    }
}
