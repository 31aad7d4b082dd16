import Foundation
import GRDB

/// Group commit for many small concurrent writes (`mldeck server`'s logging calls): callers hand
/// in a write, and one writer thread runs every write waiting at that moment in one
/// `BEGIN IMMEDIATE` transaction, each in its own savepoint, answering each caller only after that
/// transaction has committed. A write that throws is rolled back to its savepoint alone and its
/// caller gets its own error (the others still commit); when the commit itself fails, every write
/// of the group gets that error. Writes run in the order they arrived, so a later write sees the
/// earlier ones (a param set by one request is "already logged" for the next).
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
    }

    public init(store: DeckStore, maxGroup: Int = 512) {
        self.store = store
        self.maxGroup = max(1, maxGroup)
    }

    deinit { stop() }

    /// Runs `body` in the next group's transaction and returns its result once that commits.
    public func write<T: Sendable>(_ body: @escaping @Sendable (TrackingWriter) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(run: { writer in
                let value = try body(writer)
                return { continuation.resume(returning: value) }
            }, fail: { continuation.resume(throwing: $0) })
            condition.lock()
            if stopping {
                condition.unlock()
                continuation.resume(throwing: WorkspaceError.cannotOpen(path: store.workspace.databaseURL.path, reason: "the server is stopping"))
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
        var answers: [(answer: () -> Void, job: Job)] = []
        do {
            try store.writeImmediate { db in
                let writer = TrackingWriter(store: store, db: db)
                for job in group {
                    do {
                        var answer: (() -> Void)?
                        try db.inSavepoint {
                            answer = try job.run(writer)
                            return .commit
                        }
                        if let answer { answers.append((answer, job)) }
                    } catch {
                        // Keys interned in the rolled-back savepoint are gone: forget them.
                        store.keyCache.forgetPending(in: db)
                        job.fail(error)
                    }
                }
            }
        } catch {
            for (_, job) in answers { job.fail(error) }
            return
        }
        condition.lock(); groups += 1; writes += answers.count; condition.unlock()
        for (answer, _) in answers { answer() }
    }
}
