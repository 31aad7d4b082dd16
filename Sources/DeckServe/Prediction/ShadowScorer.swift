import DeckEngine
import DeckML
import DeckStore
import Foundation
import ServiceLifecycle

/// `mldeck serve NAME@ALIAS --shadow ALIAS2`: scores every answered request again with the
/// shadow version, off the request path, and logs its answers beside the primary ones
/// (``PredictionLog/writeShadow(_:)``, by the primary answer's prediction id).
///
/// The primary answer never waits for it and never fails because of it: a request hands its
/// table to a bounded queue (a ``BackgroundWorker``: dropped, counted, when full) and goes on;
/// the worker's thread scores and writes, in rounds of hundreds of rows (``wakeAt``). Scoring
/// errors of the shadow are counted, never returned to a client. A graceful stop scores and
/// writes what is queued.
public final class ShadowScorer: Service, @unchecked Sendable {
    /// The shadow version (swapped when its alias moves).
    public let slot: ModelSlot
    private let log: PredictionLog
    private let worker: BackgroundWorker<Job>
    private let lock = NSLock()
    private var scoredRows = 0, failedRows = 0, unwrittenRows = 0

    struct Job: Sendable {
        /// The request's columns as sent: the shadow checks them against its own signature.
        var frame: InputFrame
        var rowCount: Int
        var predictionIDs: [String]
        var primaryVersion: Int
        var time: Double
    }

    /// Rows queued at most (default).
    public static let defaultCapacity = 20_000
    /// The worker thread's nice value: below the event loops, which score (``FastRoute``). With the
    /// default loops (half the cores) the other cores run it promptly; with a loop per core
    /// (`--threads` = cores) it stalled the loops for 10–40 ms now and then (2 cores, p99 8.6–42.8 ms
    /// against 8.0–8.5 ms at nice 0), probably because it frees what the loops allocated (the request's frame) and a
    /// low-priority thread preempted inside the allocator can hold a loop's arena lock (not proven).
    static let niceness: Int32 = 10
    /// Rows that wake the thread, and the longest it waits for them: the shadow scores in rounds of
    /// hundreds of rows, not one wake-up (a futex call on the loop, a switch on the other core) a request.
    static let wakeAt = 256, maxWait = 0.05

    public init(slot: ModelSlot, log: PredictionLog, capacity: Int = ShadowScorer.defaultCapacity) {
        self.slot = slot; self.log = log
        let box = WeakBox<ShadowScorer>()
        worker = BackgroundWorker(name: "mldeck-shadow", capacity: capacity, wakeAt: Self.wakeAt, maxWait: Self.maxWait, niceness: Self.niceness,
                                  weight: { $0.rowCount }, process: { box.value?.scoreAndWrite($0) })
        box.value = self
    }

    /// Queues a request's rows for the shadow; false when they were dropped (queue full, stopped).
    @discardableResult
    public func enqueue(frame: InputFrame, predictionIDs: [String], primaryVersion: Int) -> Bool {
        worker.enqueue(Job(frame: frame, rowCount: predictionIDs.count, predictionIDs: predictionIDs, primaryVersion: primaryVersion,
                           time: Date().timeIntervalSince1970))
    }

    /// Rows the shadow scored and logged, rows dropped (queue full or log write failed), rows it failed to score.
    public var counts: (scored: Int, dropped: Int, failed: Int) {
        let queueDropped = worker.dropped
        lock.lock(); defer { lock.unlock() }
        return (scoredRows, queueDropped + unwrittenRows, failedRows)
    }

    /// Starts the scoring thread (``run()`` does it; tests may call it directly).
    public func start() { worker.start() }

    /// Stops taking rows, scores and writes everything queued, and returns when done.
    public func stopAndFlush() { worker.stopAndFlush() }

    /// The service: scores until the group stops gracefully, then flushes.
    public func run() async throws { try await worker.run() }

    /// One round of queued jobs: scored, then written in one transaction. Consecutive jobs that
    /// sent the same columns are scored as one table (one build, one check, one model call).
    private func scoreAndWrite(_ jobs: [Job]) {
        var rows: [ShadowPrediction] = [], failed = 0
        for group in Self.groups(jobs) {
            if let scored = score(group) { rows += scored; continue }
            // One job's bad value must not cost the others their answers: score them one by one.
            for job in group {
                if group.count > 1, let scored = score([job]) { rows += scored } else { failed += job.rowCount }
            }
        }
        var unwritten = 0
        do { try log.writeShadow(rows) } catch { unwritten = rows.count; rows = [] }
        lock.lock(); scoredRows += rows.count; failedRows += failed; unwrittenRows += unwritten; lock.unlock()
    }

    /// Runs of consecutive JSON jobs with the same column names (a CSV job stands alone).
    static func groups(_ jobs: [Job]) -> [[Job]] {
        var out: [[Job]] = []
        for job in jobs {
            if case .json(let columns, _, _) = job.frame, let last = out.last?.last,
               case .json(let lastColumns, _, _) = last.frame, columns == lastColumns {
                out[out.count - 1].append(job)
            } else {
                out.append([job])
            }
        }
        return out
    }

    /// The shadow's answers for a group of jobs, nil when it cannot score them (a column it reads
    /// was not sent; text in a number is scored as missing here, never refused).
    func score(_ group: [Job]) -> [ShadowPrediction]? {
        guard let first = group.first else { return [] }
        var frame = first.frame
        if group.count > 1, case .json(let columns, var values, var rowCount) = first.frame {
            for job in group.dropFirst() {
                guard case .json(_, let more, let rows) = job.frame else { return nil }
                for k in values.indices { values[k] += more[k] }
                rowCount += rows
            }
            frame = .json(columns: columns, values: values, rows: rowCount)
        }
        let served = slot.current
        let clock = ContinuousClock(), started = clock.now
        let total = group.reduce(0) { $0 + $1.rowCount }
        guard let table = try? served.builder.build(frame).table, table.rowCount == total,
              let result = try? served.scorer.score(table, lenient: true) else { return nil }
        // Each job is charged its share of the group's time.
        let seconds = (clock.now - started).inSeconds / Double(max(1, group.count))
        let p = result.predictions
        let scores = PredictionScores.values(p, rows: table.rowCount)
        var out: [ShadowPrediction] = []
        out.reserveCapacity(total)
        var r = 0
        for job in group {
            for k in 0..<job.rowCount {
                defer { r += 1 }
                guard k < job.predictionIDs.count else { continue }
                out.append(ShadowPrediction(predictionID: job.predictionIDs[k], model: served.version.model, version: served.version.version,
                                            primaryVersion: job.primaryVersion, time: job.time, label: p.labels?[r],
                                            value: scores[r],
                                            probabilities: p.probabilities?[r], latency: seconds))
            }
        }
        return out
    }
}
