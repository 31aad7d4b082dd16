import DeckStore
import Foundation
import ServiceLifecycle

/// Writes the prediction log off the request path. Requests hand their rows to a bounded queue
/// and go on; one thread of its own writes what is queued in batches (one transaction each,
/// merging consecutive requests of one model version into one columnar batch). When the queue
/// is full the new rows are dropped and counted (`/metrics` shows them): a request is never
/// slowed down or failed by logging. A graceful stop writes everything still queued.
public final class PredictionLogWriter: Service, @unchecked Sendable {
    /// Queued rows at most (default).
    public static let defaultCapacity = 100_000

    private let log: PredictionLog?
    private let capacity: Int
    private let retention: RetentionPolicy
    /// Test hook: a pause after each write, to make the writer fall behind.
    private let writeDelay: Double
    private let condition = NSCondition()
    private var queue: [PredictionBatch] = []
    private var queuedRows = 0
    private var feedback: [FeedbackEntry] = []
    private var stopping = false
    private var finished = false
    private var started = false
    private var loggedRows = 0
    private var droppedRows = 0
    private var failedWrites = 0
    private var failedRows = 0
    private var lastFailure: String?
    private var lastWarning = 0.0

    /// - Parameters:
    ///   - log: where to write (nil: logging off, nothing is counted as dropped).
    ///   - capacity: queued rows at most; more are dropped.
    public init(log: PredictionLog?, capacity: Int = PredictionLogWriter.defaultCapacity,
                retention: RetentionPolicy = .default, writeDelay: Double = 0) {
        self.log = log; self.capacity = max(1, capacity); self.retention = retention; self.writeDelay = writeDelay
    }

    /// Queues a request's rows; false when they were dropped (queue full, or stopped).
    @discardableResult
    public func enqueue(_ batch: PredictionBatch) -> Bool {
        guard log != nil else { return true }
        condition.lock()
        defer { condition.unlock() }
        if stopping || queuedRows + batch.rows.count > capacity {
            droppedRows += batch.rows.count
            return false
        }
        queue.append(batch)
        queuedRows += batch.rows.count
        if queuedRows >= 512 { condition.signal() }
        return true
    }

    /// Queues feedback labels; false when the queue is full.
    public func enqueue(feedback entries: [FeedbackEntry]) -> Bool {
        guard log != nil else { return false }
        condition.lock()
        defer { condition.unlock() }
        if stopping || queuedRows + feedback.count + entries.count > capacity { return false }
        feedback += entries
        condition.signal()
        return true
    }

    /// Rows written, rows dropped, writes that failed.
    public var counts: (logged: Int, dropped: Int, failedWrites: Int) {
        condition.lock(); defer { condition.unlock() }
        return (loggedRows, droppedRows, failedWrites)
    }

    /// Rows lost to failed writes (a full or failing disk) and why the last write failed; nil when none failed.
    public var failure: (rows: Int, reason: String)? {
        condition.lock(); defer { condition.unlock() }
        guard let lastFailure else { return nil }
        return (rows: failedRows, reason: lastFailure)
    }

    /// Whether a log is written at all.
    public var isEnabled: Bool { log != nil }

    /// Starts the writing thread (``run()`` does it; tests may call it directly).
    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !started, log != nil else { return }
        started = true
        let thread = Thread { [self] in loop() }
        thread.name = "mldeck-prediction-log"
        thread.start()
    }

    /// Stops taking rows, writes everything queued and returns when it is written.
    public func stopAndFlush() {
        condition.lock()
        stopping = true
        condition.broadcast()
        if !started { finished = true }
        while !finished { condition.wait() }
        condition.unlock()
    }

    /// The service: writes until the group stops gracefully, then flushes.
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
        var lastTrim = 0.0
        while true {
            condition.lock()
            if queue.isEmpty && feedback.isEmpty && !stopping {
                _ = condition.wait(until: Date().addingTimeInterval(0.1))
            }
            let batches = queue, labels = feedback
            queue.removeAll(keepingCapacity: true); feedback.removeAll(keepingCapacity: true)
            queuedRows = 0
            let done = stopping
            condition.unlock()
            if !batches.isEmpty || !labels.isEmpty { write(Self.merged(batches), feedback: labels) }
            let now = Date().timeIntervalSince1970
            if now - lastTrim > 60 {
                lastTrim = now
                _ = try? log?.trim(retention, now: now)
            }
            if done {
                condition.lock()
                let more = !queue.isEmpty || !feedback.isEmpty
                if !more { finished = true; condition.broadcast(); condition.unlock(); return }
                condition.unlock()
            }
        }
    }

    private func write(_ batches: [PredictionBatch], feedback labels: [FeedbackEntry]) {
        let rows = batches.reduce(0) { $0 + $1.rows.count }
        do {
            try log?.write(batches, feedback: labels)
            condition.lock(); loggedRows += rows; condition.unlock()
        } catch {
            condition.lock()
            droppedRows += rows; failedWrites += 1; failedRows += rows; lastFailure = "\(error)"
            let now = Date().timeIntervalSince1970, warn = now - lastWarning > 60
            if warn { lastWarning = now }
            condition.unlock()
            if warn { FileHandle.standardError.write(Data("mldeck serve: warning: \(error) (\(rows) logged predictions dropped)\n".utf8)) }
        }
        if writeDelay > 0 { Thread.sleep(forTimeInterval: writeDelay) }
    }

    /// Consecutive batches of one model version with the same columns become one.
    static func merged(_ batches: [PredictionBatch]) -> [PredictionBatch] {
        var out: [PredictionBatch] = []
        for batch in batches {
            if let last = out.last, last.canMerge(batch) { out[out.count - 1].merge(batch) } else { out.append(batch) }
        }
        return out
    }
}
