import DeckEngine
import DeckML
import DeckStore
import Foundation
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// `mldeck serve NAME@ALIAS --shadow ALIAS2`: scores answered requests again with the shadow
/// version — every one that finds room in its inbox, in rounds of spare CPU time — off the
/// request path, and logs its answers beside the primary ones
/// (``PredictionLog/writeShadow(batches:)``, by the primary answer's prediction id).
///
/// The primary answer never waits for it and never fails because of it:
/// - A request copies its body and prediction ids into ``inbox`` (a ``ByteMailbox``: memory
///   allocated once, a lock only tried) and goes on; a full inbox drops the rows, counted.
/// - The shadow's thread runs at `SCHED_IDLE`: it gets only CPU time that nothing else wants. It
///   holds no lock the event loops or the log writer wait for: it parses the bodies itself, frees
///   only what it allocated, encodes its answers as the log stores them (``EncodedShadowBatch``) and
///   hands them through ``outbox`` to the prediction-log writer's thread, which takes them only when
///   the outbox's lock is free and inserts them with the log's other writes (one writer for the log's
///   file, at normal priority, whose share is one insert per batch). The one lock it shares is its
///   ``ModelSlot``'s, held for a reference copy, which `/metrics`, `/version` and the alias watcher
///   read.
/// - Every ``interval`` it takes what the inbox holds and scores consecutive JSON requests with the
///   same columns as one table, while the round's ``ShadowWorkBudget`` lasts (2 ms, and longer only
///   while nothing preempts it), because even idle-priority work that fills every idle moment
///   slows the primary. What a round has no time for waits in the inbox for the next (oldest
///   first), so a quiet server's shadow scores every request; on a server that keeps every core
///   busy the inbox fills, and the requests that then find it full are dropped and counted
///   (`/metrics`): the shadow scores a sample. Scoring errors of the shadow are counted, never
///   returned to a client.
/// - A graceful stop scores everything queued (its round has no budget); the writer, stopped
///   after it, writes the answers.
public final class ShadowScorer: Service, @unchecked Sendable {
    // @unchecked Sendable: `inbox` and `outbox` are thread-safe; the counters are guarded by
    // `lock`, which the event loops (for a drop), the log writer, readers and, once at its stop,
    // the shadow's thread take; the thread's state (`started`, `stopping`) by `stateLock`.
    /// The shadow version (swapped when its alias moves).
    public let slot: ModelSlot
    private let log: PredictionLog
    private let inbox: ByteMailbox
    private let outbox: ByteMailbox
    private let capacity: Int
    private let lock = NSLock()
    private var scoredRows = 0, failedRows = 0, droppedRows = 0
    private let stateLock = NSLock()
    private var started = false, stopping = false
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchGroup()
    /// A round's budget (`true`: the last round at a stop, which scores everything).
    private let makeBudget: @Sendable (_ stopping: Bool) -> ShadowWorkBudget

    struct Job: Sendable {
        /// The request's columns as sent: the shadow checks them against its own signature.
        var frame: InputFrame
        var rowCount: Int
        var predictionIDs: [String]
        var primaryVersion: Int
        var time: Double
    }

    /// Bytes of each of a mailbox's two buffers (default; only the pages written are resident). The
    /// inbox holds up to twice this: a round's leftovers in one buffer while requests fill the other.
    public static let defaultCapacity = 8 << 20
    /// How often the thread takes what the inbox holds.
    static let interval = 0.02

    /// - Parameters:
    ///   - writer: the prediction log's writer, whose thread writes the shadow's answers.
    ///   - capacity: bytes of each inbox buffer (queued bodies and ids; up to twice this is queued).
    public convenience init(slot: ModelSlot, log: PredictionLog, writer: PredictionLogWriter, capacity: Int = ShadowScorer.defaultCapacity) {
        self.init(slot: slot, log: log, writer: writer, capacity: capacity, makeBudget: { ShadowWorkBudget(unlimited: $0) })
    }

    /// - Parameter makeBudget: each round's budget (tests give their own clocks).
    init(slot: ModelSlot, log: PredictionLog, writer: PredictionLogWriter, capacity: Int = ShadowScorer.defaultCapacity,
         makeBudget: @escaping @Sendable (_ stopping: Bool) -> ShadowWorkBudget) {
        self.slot = slot; self.log = log; self.capacity = capacity; self.makeBudget = makeBudget
        inbox = ByteMailbox(capacity: capacity)
        outbox = ByteMailbox(capacity: capacity)
        writer.alsoOnItsThread { [weak self] in self?.writeAnswers() }
    }

    /// Queues a request for the shadow (its body as sent, and the primary answer's prediction ids,
    /// one per row); false when the rows were dropped (inbox full, or stopped).
    @discardableResult
    public func enqueue(body: [UInt8], contentType: String?, predictionIDs: [String], primaryVersion: Int) -> Bool {
        let time = Date().timeIntervalSince1970
        let queued = body.withUnsafeBytes { bytes in
            inbox.post { record in
                record.put(Int64(primaryVersion)); record.put(time)
                record.put(contentType ?? "")
                record.put(UInt32(predictionIDs.count))
                for id in predictionIDs { record.put(id) }
                record.put(bytes: bytes)
            }
        }
        if !queued { lock.lock(); droppedRows += predictionIDs.count; lock.unlock() }
        return queued
    }

    /// Rows the shadow scored and logged, rows dropped (they found the inbox full, their answers
    /// found no room on the way to the log, or the log write failed), rows it failed to score.
    public var counts: (scored: Int, dropped: Int, failed: Int) {
        lock.lock(); defer { lock.unlock() }
        return (scoredRows, droppedRows, failedRows)
    }

    /// Starts the scoring thread (``run()`` does it; tests may call it directly). Idempotent.
    public func start() {
        stateLock.lock(); defer { stateLock.unlock() }
        guard !started, !stopping else { return }
        started = true
        done.enter()
        // XGBoostThread: this thread may hold the last reference to the scorer and its model; the
        // stop waits (`done`) until that reference is gone.
        let done = self.done
        XGBoostThread.start(name: "mldeck-shadow", { [self] in
            OSThreadName.set("mldeck-shadow")
            Self.yieldToEveryone()
            scoreUntilStopped()
        }, finished: { done.leave() })
    }

    /// Stops taking requests, scores what is queued and returns when its answers are handed to the writer.
    public func stopAndFlush() {
        inbox.close()
        stateLock.lock()
        stopping = true
        let running = started
        stateLock.unlock()
        if running { wake.signal(); done.wait() }
    }

    /// The service: scores until the group stops gracefully, then flushes.
    public func run() async throws {
        await ThreadService.run(start: start, stopAndFlush: { [self] in stopAndFlush() })
    }

    /// Linux's `SCHED_IDLE` (5, `<bits/sched.h>`; a `_GNU_SOURCE` macro that Glibc's module does not import).
    static let idlePolicy: Int32 = 5

    /// Lowers the calling thread to `SCHED_IDLE` (allowed without privileges; per thread on
    /// Linux), or to nice 19 where that is refused.
    static func yieldToEveryone() {
        #if os(Linux)
        var parameters = sched_param(sched_priority: 0)
        if sched_setscheduler(0, idlePolicy, &parameters) != 0 {
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        }
        #endif
    }

    private func scoreUntilStopped() {
        var carried = (failed: 0, dropped: 0)   // counts the outbox had no room for
        while true {
            _ = wake.wait(timeout: .now() + Self.interval)
            stateLock.lock(); let stop = stopping; stateLock.unlock()
            // Read and scored as they come, a chunk at a time, while the round's budget lasts;
            // the rest waits for the next round (at a stop, everything is scored).
            var budget = makeBudget(stop)
            var rows: [ShadowPrediction] = [], failed = 0
            var chunk: [Job] = [], chunkRows = 0
            func flushChunk() {
                let scored = scoreChunk(chunk)
                rows += scored.rows; failed += scored.failed
                chunk.removeAll(keepingCapacity: true); chunkRows = 0
            }
            inbox.takeWhile { record in
                // Past the budget the rest waits in the inbox for the next round (a stop's round
                // has no limit: a stop that begins mid-round is followed by one).
                guard budget.allowsMore() else { return false }
                let read = Self.job(&record)
                guard let job = read.job else { failed += read.rows; return true }
                if !chunk.isEmpty, chunkRows + job.rowCount > Self.rowsPerChunk { flushChunk() }
                chunk.append(job); chunkRows += job.rowCount
                return true
            }
            if !chunk.isEmpty { flushChunk() }
            // Encoded for the log here, at SCHED_IDLE: the writer's thread only inserts the batches.
            let (batches, unfit) = ShadowAnswersRecord.batches(rows, limit: outboxRecordLimit)
            carried.failed += failed
            carried.dropped += unfit
            for batch in batches {
                if post([batch], failed: carried.failed, dropped: carried.dropped) {
                    carried = (0, 0)
                } else {
                    carried.dropped += batch.rowCount
                }
            }
            if batches.isEmpty, carried != (0, 0), post([], failed: carried.failed, dropped: carried.dropped) { carried = (0, 0) }
            if stop { break }
        }
        // What the last round could not hand over is counted here, so no row goes uncounted.
        lock.lock(); failedRows += carried.failed; droppedRows += carried.dropped; lock.unlock()
    }

    /// Rows of requests scored together as one table at most (a larger request is scored alone);
    /// the budget is looked at before each request is read.
    static let rowsPerChunk = 256

    /// A queued request read back, its body parsed here, on the shadow's thread; without a job
    /// when the shadow cannot read the body (`rows`: its rows, counted as failed).
    static func job(_ record: inout ByteRecordReader) -> (job: Job?, rows: Int) {
        guard let version = record.integer(Int64.self), let time = record.double(), let contentType = record.string(),
              let count = record.integer(UInt32.self).map(Int.init) else { return (nil, 0) }
        var ids: [String] = []
        ids.reserveCapacity(count)
        for _ in 0..<count {
            guard let id = record.string() else { return (nil, count) }
            ids.append(id)
        }
        guard let body = record.bytes(),
              let frame = try? ScoringRequestParser.parse(Array(body), contentType: contentType.isEmpty ? nil : contentType) else {
            return (nil, ids.count)
        }
        return (Job(frame: frame, rowCount: ids.count, predictionIDs: ids, primaryVersion: Int(version), time: time), ids.count)
    }

    /// A chunk's jobs scored: the answers, and the rows that failed. Consecutive jobs that sent
    /// the same columns are scored as one table (one build, one check, one model call).
    func scoreChunk(_ jobs: [Job]) -> (rows: [ShadowPrediction], failed: Int) {
        var rows: [ShadowPrediction] = [], failed = 0
        for group in Self.groups(jobs) {
            if let scored = score(group) { rows += scored; continue }
            // One job's bad value must not cost the others their answers: score them one by one.
            for job in group {
                if group.count > 1, let scored = score([job]) { rows += scored } else { failed += job.rowCount }
            }
        }
        return (rows, failed)
    }

    /// Runs of consecutive JSON jobs with the same column names (a CSV job stands alone).
    static func groups(_ jobs: [Job]) -> [[Job]] {
        var out: [[Job]] = []
        for job in jobs {
            if case .json(let columns, _) = job.frame, let last = out.last?.last,
               case .json(let lastColumns, _) = last.frame, columns == lastColumns {
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
        if group.count > 1, case .json(let columns, var cells) = first.frame {
            for job in group.dropFirst() {
                guard case .json(_, let more) = job.frame else { return nil }
                cells.append(rowsOf: more)
            }
            frame = .json(columns: columns, cells: cells)
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

    /// Hands a round's answers (and its failed and earlier dropped rows' counts) to the writer's
    /// thread; false when the outbox had no room (the caller carries the drop to the next round).
    private func post(_ batches: [EncodedShadowBatch], failed: Int, dropped: Int) -> Bool {
        if batches.isEmpty && failed == 0 && dropped == 0 { return true }
        return outbox.post { ShadowAnswersRecord.encode(batches, failed: failed, dropped: dropped, into: &$0) }
    }

    /// The largest answers record: a quarter of the outbox, so a round's records fit beside others.
    private var outboxRecordLimit: Int { capacity / 4 }

    /// On the log writer's thread: writes the answers the shadow handed over and counts them.
    func writeAnswers() {
        var batches: [EncodedShadowBatch] = [], failed = 0, dropped = 0
        // Only when free: the shadow's thread, at SCHED_IDLE, may hold the lock preempted mid-copy;
        // its answers then wait for the next round (at its stop the thread has ended: always free).
        outbox.take(ifFree: true) { record in
            guard let read = ShadowAnswersRecord.decode(&record) else { return }
            batches += read.batches; failed += read.failed; dropped += read.dropped
        }
        let rows = batches.reduce(0) { $0 + $1.rowCount }
        var unwritten = 0
        if rows > 0 {
            do { try log.writeShadow(batches: batches) } catch { unwritten = rows }
        }
        lock.lock()
        scoredRows += rows - unwritten; failedRows += failed; droppedRows += dropped + unwritten
        lock.unlock()
    }
}
