import DeckML
import DeckStore
import Foundation
import ServiceLifecycle

/// Writes the prediction log off the request path. Requests hand their rows to a bounded queue
/// (a ``BackgroundWorker``) and go on; its thread writes what is queued in batches (one
/// transaction each, merging consecutive requests of one model version into one columnar batch),
/// every 0.1 s or as soon as 512 rows wait. When the queue is full the new rows are dropped and
/// counted (`/metrics` shows them): a request is never slowed down or failed by logging. A
/// graceful stop writes everything still queued.
public final class PredictionLogWriter: Service, @unchecked Sendable {
    /// Queued rows at most (default).
    public static let defaultCapacity = 100_000
    /// The rows one trim removes at most (a bounded time under the log's write lock).
    static let trimBudget = 200_000

    /// When the writer trims the log to its retention: in small steps (``trimBudget``), and often
    /// only while it matters. A trim holds the log's write lock, and one that removed a minute of
    /// heavy traffic at once (millions of rows' blobs) stalled the writer for seconds while
    /// requests filled its queue (1,000-row batches at 150,000 rows/s). But finding the cut scans
    /// the batches of the rows kept (up to a million one-row batches on a quiet server), so a trim
    /// is due twice a second only after ``busyRows`` new rows or while the last trim was cut short,
    /// and otherwise once a minute.
    struct TrimClock {
        var last = 0.0, loggedAtLast = 0, behind = false
        static let often = 0.5, rarely = 60.0, busyRows = 50_000

        func isDue(now: Double, logged: Int) -> Bool {
            let since = now - last
            if since >= Self.rarely { return true }
            return since >= Self.often && (behind || logged - loggedAtLast >= Self.busyRows)
        }
    }

    /// What requests queue: their predicted rows, or feedback labels.
    enum Item: Sendable {
        case predictions(PredictionBatch)
        case feedback([FeedbackEntry])
    }

    private let log: PredictionLog?
    /// nil when logging is off.
    private let worker: BackgroundWorker<Item>?
    private let lock = NSLock()
    private var loggedRows = 0
    private var failedRows = 0
    private var failedWrites = 0
    private var lastFailure: String?
    private var lastWarning = 0.0
    /// Work done on the writer's thread after each round (``alsoOnItsThread(_:)``).
    private let companions = LockedBox<[@Sendable () -> Void]>([])

    /// - Parameters:
    ///   - log: where to write (nil: logging off, nothing is counted as dropped).
    ///   - capacity: queued rows (and feedback entries) at most; more are dropped.
    ///   - writeDelay: test hook: a pause after each write, to make the writer fall behind.
    public init(log: PredictionLog?, capacity: Int = PredictionLogWriter.defaultCapacity,
                retention: RetentionPolicy = .default, writeDelay: Double = 0) {
        self.log = log
        guard let log else { worker = nil; return }
        let box = WeakBox<PredictionLogWriter>()
        let trimClock = LockedBox(TrimClock())
        worker = BackgroundWorker(
            name: "mldeck-prediction-log", capacity: capacity, wakeAt: 512, maxWait: 0.1,
            weight: { item in
                switch item {
                case .predictions(let batch): return batch.rows.count
                case .feedback(let entries): return entries.count
                }
            },
            process: { items in
                box.value?.write(items)
                if writeDelay > 0 { Thread.sleep(forTimeInterval: writeDelay) }
            },
            idle: {
                guard let writer = box.value else { return }
                writer.companions.get().forEach { $0() }
                let now = Date().timeIntervalSince1970, logged = writer.counts.logged
                guard trimClock.get().isDue(now: now, logged: logged) else { return }
                let removed = (try? log.trim(retention, now: now, budget: Self.trimBudget))?.removedPredictions ?? 0
                trimClock.set(TrimClock(last: now, loggedAtLast: logged, behind: removed >= Self.trimBudget / 2))
            })
        box.value = self
    }

    /// Runs `work` on the writer's thread after each round (every 0.1 s at least), and once more
    /// in its last round when it stops: for other writes to the log (the shadow's answers), so
    /// that one thread at normal priority writes the log's file.
    public func alsoOnItsThread(_ work: @escaping @Sendable () -> Void) {
        companions.set(companions.get() + [work])
    }

    /// Queues a request's rows; false when they were dropped (queue full, or stopped).
    @discardableResult
    public func enqueue(_ batch: PredictionBatch) -> Bool {
        guard let worker else { return true }
        return worker.enqueue(.predictions(batch))
    }

    /// Queues feedback labels; false when the queue is full (the caller answers 503: not counted as dropped rows).
    public func enqueue(feedback entries: [FeedbackEntry]) -> Bool {
        guard let worker else { return false }
        return worker.enqueue(.feedback(entries), countDrop: false)
    }

    /// Rows written, rows dropped (queue full, or their write failed), writes that failed.
    public var counts: (logged: Int, dropped: Int, failedWrites: Int) {
        let queueDropped = worker?.dropped ?? 0
        lock.lock(); defer { lock.unlock() }
        return (loggedRows, queueDropped + failedRows, failedWrites)
    }

    /// Rows lost to failed writes (a full or failing disk) and why the last write failed; nil when none failed.
    public var failure: (rows: Int, reason: String)? {
        lock.lock(); defer { lock.unlock() }
        guard let lastFailure else { return nil }
        return (rows: failedRows, reason: lastFailure)
    }

    /// Whether a log is written at all.
    public var isEnabled: Bool { log != nil }

    /// Starts the writing thread (``run()`` does it; tests may call it directly).
    public func start() { worker?.start() }

    /// Stops taking rows, writes everything queued and returns when it is written.
    public func stopAndFlush() { worker?.stopAndFlush() }

    /// The service: writes until the group stops gracefully, then flushes.
    public func run() async throws {
        if let worker { try await worker.run() } else { try? await gracefulShutdown() }
    }

    /// Writes one round of queued items in one transaction.
    private func write(_ items: [Item]) {
        var batches: [PredictionBatch] = [], labels: [FeedbackEntry] = []
        for item in items {
            switch item {
            case .predictions(let batch): batches.append(batch)
            case .feedback(let entries): labels += entries
            }
        }
        let rows = batches.reduce(0) { $0 + $1.rows.count }
        do {
            try log?.write(Self.merged(batches), feedback: labels)
            lock.lock(); loggedRows += rows; lock.unlock()
        } catch {
            lock.lock()
            failedRows += rows; failedWrites += 1; lastFailure = "\(error)"
            let now = Date().timeIntervalSince1970, warn = now - lastWarning > 60
            if warn { lastWarning = now }
            lock.unlock()
            if warn { FileHandle.standardError.write(Data("mldeck serve: warning: \(error) (\(rows) logged predictions dropped)\n".utf8)) }
        }
    }

    /// Consecutive batches of one model version with the same columns become one. The last
    /// batch is checked and grown through its index: a copy of it held across the merge would
    /// share its arrays and make every merge copy them.
    static func merged(_ batches: [PredictionBatch]) -> [PredictionBatch] {
        var out: [PredictionBatch] = []
        for batch in batches {
            if let last = out.indices.last, out[last].canMerge(batch) { out[last].merge(batch) } else { out.append(batch) }
        }
        return out
    }
}

/// A weak reference a worker's closure holds to its owner (no retain cycle).
final class WeakBox<Value: AnyObject>: @unchecked Sendable {
    weak var value: Value?
    init() {}
}
