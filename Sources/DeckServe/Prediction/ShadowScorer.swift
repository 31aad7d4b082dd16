import DeckEngine
import DeckML
import DeckStore
import Foundation
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// `mldeck serve NAME@ALIAS --shadow ALIAS2`: scores every answered request again with the
/// shadow version, off the request path, and logs its answers beside the primary ones
/// (``PredictionLog/writeShadow(_:)``, by the primary answer's prediction id).
///
/// The primary answer never waits for it and never fails because of it: a request hands its
/// table to a bounded queue (dropping it, counted, when full) and goes on; one thread of its own,
/// at a lower scheduling priority (nice 10), scores and writes. Scoring errors of the shadow are
/// counted, never returned to a client. A graceful stop scores and writes what is queued.
public final class ShadowScorer: Service, @unchecked Sendable {
    /// The shadow version (swapped when its alias moves).
    public let slot: ModelSlot
    private let log: PredictionLog
    private let capacity: Int
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var queuedRows = 0
    private var stopping = false, started = false, finished = false
    private var scoredRows = 0, droppedRows = 0, failedRows = 0

    struct Job {
        /// The request's columns as sent: the shadow checks them against its own signature.
        var frame: InputFrame
        var rowCount: Int
        var predictionIDs: [String]
        var primaryVersion: Int
        var time: Double
    }

    /// Rows queued at most (default).
    public static let defaultCapacity = 20_000

    public init(slot: ModelSlot, log: PredictionLog, capacity: Int = ShadowScorer.defaultCapacity) {
        self.slot = slot; self.log = log; self.capacity = max(1, capacity)
    }

    /// Queues a request's rows for the shadow; false when they were dropped (queue full, stopped).
    @discardableResult
    public func enqueue(frame: InputFrame, predictionIDs: [String], primaryVersion: Int) -> Bool {
        let rows = predictionIDs.count
        condition.lock()
        defer { condition.unlock() }
        if stopping || queuedRows + rows > capacity {
            droppedRows += rows
            return false
        }
        queue.append(Job(frame: frame, rowCount: rows, predictionIDs: predictionIDs, primaryVersion: primaryVersion,
                         time: Date().timeIntervalSince1970))
        queuedRows += rows
        condition.signal()
        return true
    }

    /// Rows the shadow scored and logged, rows dropped (queue full or log write failed), rows it failed to score.
    public var counts: (scored: Int, dropped: Int, failed: Int) {
        condition.lock(); defer { condition.unlock() }
        return (scoredRows, droppedRows, failedRows)
    }

    /// Starts the scoring thread (``run()`` does it; tests may call it directly).
    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !started else { return }
        started = true
        let thread = Thread { [self] in
            // Below the event loops: on a busy machine the primary answers come first.
            ShadowScorer.lowerThisThreadsPriority()
            loop()
        }
        thread.name = "mldeck-shadow"
        thread.start()
    }

    /// nice 10 for the calling thread: on Linux the nice value is per thread, and `who` 0 names
    /// the calling thread (setpriority(2), "BUGS").
    static func lowerThisThreadsPriority() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }

    /// Stops taking rows, scores and writes everything queued, and returns when done.
    public func stopAndFlush() {
        condition.lock()
        stopping = true
        condition.broadcast()
        if !started { finished = true }
        while !finished { condition.wait() }
        condition.unlock()
    }

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
            while queue.isEmpty && !stopping { condition.wait() }
            let jobs = queue
            queue.removeAll(keepingCapacity: true)
            queuedRows = 0
            let done = stopping
            condition.unlock()
            var rows: [ShadowPrediction] = [], failed = 0
            for job in jobs {
                if let scored = score(job) { rows += scored } else { failed += job.rowCount }
            }
            var dropped = 0
            do { try log.writeShadow(rows) } catch { dropped = rows.count; rows = [] }
            condition.lock()
            scoredRows += rows.count; failedRows += failed; droppedRows += dropped
            if done && queue.isEmpty { finished = true; condition.broadcast(); condition.unlock(); return }
            condition.unlock()
        }
    }

    /// The shadow's answers for a job, nil when it cannot score it (a column it reads was not
    /// sent; text in a number is scored as missing here, never refused).
    func score(_ job: Job) -> [ShadowPrediction]? {
        let served = slot.current
        let clock = ContinuousClock(), started = clock.now
        guard let table = try? served.builder.build(job.frame).table, table.rowCount == job.rowCount,
              let result = try? served.scorer.score(table, lenient: true) else { return nil }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let p = result.predictions
        let perRow = p.values.count == table.rowCount
        return (0..<min(table.rowCount, job.predictionIDs.count)).map { r in
            ShadowPrediction(predictionID: job.predictionIDs[r], model: served.version.model, version: served.version.version,
                             primaryVersion: job.primaryVersion, time: job.time, label: p.labels?[r],
                             value: perRow ? p.values[r] : (p.probabilities?[r].max() ?? .nan),
                             probabilities: p.probabilities?[r], latency: seconds)
        }
    }
}
