import Foundation
import GRDB

/// Group commit for many small concurrent writes (`mldeck server`'s logging calls): callers hand
/// in a write, and one writer thread runs every write waiting at that moment in one
/// `BEGIN IMMEDIATE` transaction, each in its own savepoint, answering each caller only after that
/// transaction has committed. A write that throws is rolled back to its savepoint alone and its
/// caller gets its own error (the others still commit); when the commit itself fails, every write
/// of the group gets that error. Writes run in the order they arrived, so a later write sees the
/// earlier ones (a param set by one request is "already logged" for the next).
///
/// Mergeable writes (``write(merging:key:apply:)``) go further: every one waiting with the same key
/// runs as one call with all their items, in one savepoint — for metric points of one run, one
/// run lookup and one stored chunk per key instead of one per request, which is where a
/// `log-metric`-per-point client spends the server's time. When that call throws, its items are
/// retried one by one so that each caller still gets its own answer.
///
/// `@unchecked Sendable`: `queue`, `started`, `stopping` and the counters are read and written
/// only under `condition`; the store is used only by the writer thread.
public final class GroupCommit: @unchecked Sendable {
    public let store: DeckStore
    /// The most writes one transaction takes.
    public let maxGroup: Int
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var started = false
    private var stopping = false
    private var groups = 0, writes = 0

    private struct Job {
        /// Runs the write; returns how to answer its caller once the transaction commits.
        let run: (TrackingWriter) throws -> () -> Void
        let fail: (any Error) -> Void
        /// Set for a mergeable write.
        var merge: Merge? = nil
    }

    /// What a mergeable write adds to its job: the key it merges under, its item, the call that
    /// writes many items at once, and how to answer its caller.
    private struct Merge {
        /// The item's type and the caller's key: writes merge only when both are equal.
        let type: ObjectIdentifier
        let key: String
        let item: any Sendable
        let applyAll: (TrackingWriter, [any Sendable]) throws -> Void
        let succeed: () -> Void
    }

    public init(store: DeckStore, maxGroup: Int = 512) {
        self.store = store
        self.maxGroup = max(1, maxGroup)
    }

    deinit { stop() }

    /// Runs `body` in the next group's transaction and returns its result once that commits.
    public func write<T: Sendable>(_ body: @escaping @Sendable (TrackingWriter) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            submit(body) { continuation.resume(with: $0) }
        }
    }

    /// ``write(_:)`` for callers that are not async (an event loop): `completion` gets the result
    /// once the transaction commits (or the error), on the writer thread, exactly once.
    public func submit<T: Sendable>(_ body: @escaping @Sendable (TrackingWriter) throws -> T,
                                    completion: @escaping @Sendable (Result<T, any Error>) -> Void) {
        let job = Job(run: { writer in
            let value = try body(writer)
            return { completion(.success(value)) }
        }, fail: { completion(.failure($0)) })
        enqueue(job, failing: { completion(.failure($0)) })
    }

    /// Queues `job` for the writer thread (started on first use), or fails it once stopping.
    private func enqueue(_ job: Job, failing: (any Error) -> Void) {
        condition.lock()
        if stopping {
            condition.unlock()
            failing(WorkspaceError.cannotOpen(path: store.workspace.databaseURL.path, reason: "the server is stopping"))
            return
        }
        queue.append(job)
        if !started {
            started = true
            let thread = Thread { [self] in loop() }
            thread.name = "mldeck-group-commit"
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    /// Writes `item` by `apply`, merged with every other item handed in under the same `key` that
    /// waits for the same group: `apply` then runs once with all of them, in arrival order. Only
    /// for writes that commute with any other write of the group (they may move ahead of writes
    /// that arrived between them), such as appending metric points; `apply` must give the same
    /// result for the items together as one at a time. Returns once the transaction commits.
    public func write<Item: Sendable>(merging item: Item, key: String,
                                      apply: @escaping @Sendable (TrackingWriter, [Item]) throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            submit(merging: item, key: key, apply: apply) { continuation.resume(with: $0) }
        }
    }

    /// ``write(merging:key:apply:)`` for callers that are not async: `completion` gets the outcome
    /// on the writer thread, exactly once.
    public func submit<Item: Sendable>(merging item: Item, key: String,
                                       apply: @escaping @Sendable (TrackingWriter, [Item]) throws -> Void,
                                       completion: @escaping @Sendable (Result<Void, any Error>) -> Void) {
        let applyAll: (TrackingWriter, [any Sendable]) throws -> Void = { writer, items in
            try apply(writer, items.compactMap { $0 as? Item })  // every cast succeeds: merged items share one type (below)
        }
        var job = Job(run: { writer in
            try apply(writer, [item])
            return { completion(.success(())) }
        }, fail: { completion(.failure($0)) })
        // Merged only with items of the same type, so every cast in `applyAll` succeeds.
        job.merge = Merge(type: ObjectIdentifier(Item.self), key: key, item: item, applyAll: applyAll, succeed: { completion(.success(())) })
        enqueue(job, failing: { completion(.failure($0)) })
    }

    /// Transactions committed so far and the writes they held (how well writes were grouped).
    public var counts: (groups: Int, writes: Int) {
        condition.lock(); defer { condition.unlock() }
        return (groups, writes)
    }

    /// Lets the writes already handed in finish, then ends the writer thread; later writes fail.
    public func stop() {
        condition.lock(); stopping = true; condition.broadcast(); condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty { condition.unlock(); return }
            let group = Array(queue.prefix(maxGroup))
            queue.removeFirst(group.count)
            condition.unlock()
            commit(group)
        }
    }

    private func commit(_ group: [Job]) {
        var answers: [(answer: () -> Void, index: Int)] = []
        var refused = Set<Int>()  // jobs already answered with their own error
        do {
            try store.writeImmediate { db in
                let writer = TrackingWriter(store: store, db: db)
                /// Runs one job in a savepoint of its own; a failure rolls back that job alone.
                func runAlone(_ index: Int) {
                    let job = group[index]
                    do {
                        var answer: (() -> Void)?
                        try db.inSavepoint {
                            answer = try job.run(writer)
                            return .commit
                        }
                        if let answer { answers.append((answer, index)) }
                    } catch {
                        // Keys interned in the rolled-back savepoint are gone: forget them.
                        store.keyCache.forgetPending(in: db)
                        refused.insert(index)
                        job.fail(error)
                    }
                }
                var merged = [Bool](repeating: false, count: group.count)
                for (index, job) in group.enumerated() where !merged[index] {
                    guard let merge = job.merge else { runAlone(index); continue }
                    let members = (index..<group.count).filter { other in
                        !merged[other] && group[other].merge.map { $0.type == merge.type && $0.key == merge.key } == true
                    }
                    guard members.count > 1 else { runAlone(index); continue }
                    for member in members { merged[member] = true }
                    do {
                        try db.inSavepoint {
                            try merge.applyAll(writer, members.compactMap { group[$0].merge?.item })
                            return .commit
                        }
                        for member in members { if let m = group[member].merge { answers.append((m.succeed, member)) } }
                    } catch {
                        store.keyCache.forgetPending(in: db)
                        for member in members { runAlone(member) }
                    }
                }
            }
        } catch {
            // The transaction did not commit (or never began: a read-only store, a lock held past
            // the busy timeout): every write not refused on its own gets this error — none may
            // be left waiting.
            for index in group.indices where !refused.contains(index) { group[index].fail(error) }
            return
        }
        condition.lock(); groups += 1; writes += answers.count; condition.unlock()
        for (answer, _) in answers { answer() }
    }
}
