import Foundation

/// Hands results from background work to the UI thread: workers ``post(_:)``, the UI's `tick`
/// takes everything posted so far with ``take()``. Never blocks for longer than an append.
public final class Mailbox<Message: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [Message] = []

    public init() {}

    /// Adds a message (any thread).
    public func post(_ message: Message) {
        lock.lock(); messages.append(message); lock.unlock()
    }

    /// Removes and returns every message, oldest first.
    public func take() -> [Message] {
        lock.lock(); defer { lock.unlock() }
        let out = messages
        messages.removeAll(keepingCapacity: true)
        return out
    }
}

/// A serial background queue for a data source's queries, with a generation counter so that work
/// superseded by a newer request (the user typed another character) is skipped before it starts.
public final class QueryWorker: @unchecked Sendable {
    private let queue: DispatchQueue
    private let lock = NSLock()
    private var latest: Int = 0

    public init(label: String) {
        queue = DispatchQueue(label: "mldeck.\(label)", qos: .userInitiated)
    }

    /// Starts a new generation; work submitted for older generations is skipped if not started.
    @discardableResult
    public func nextGeneration() -> Int {
        lock.lock(); defer { lock.unlock() }
        latest += 1
        return latest
    }

    /// The newest generation.
    public var currentGeneration: Int { lock.lock(); defer { lock.unlock() }; return latest }

    /// Runs `work` on the queue unless `generation` has been superseded by then.
    public func submit(generation: Int, _ work: @escaping @Sendable () -> Void) {
        queue.async { [weak self] in
            guard let self, generation >= self.currentGeneration else { return }
            work()
        }
    }

    /// Runs `work` on the queue whatever the generation (refreshes of what is on screen).
    public func submit(_ work: @escaping @Sendable () -> Void) { queue.async(execute: work) }

    /// Waits until everything submitted so far has run (tests, benchmarks).
    public func drain() { queue.sync {} }
}
