import Foundation

/// A cancellation flag shared by a run's steps; child processes register to be stopped.
public final class CancellationToken: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var why: String?
    private var handlers: [Int: @Sendable () -> Void] = [:]
    private var nextID = 0

    public init() {}

    /// True once ``cancel(reason:)`` was called.
    public var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }
    public var reason: String? { lock.lock(); defer { lock.unlock() }; return why }

    /// Cancels (once) and calls the registered handlers.
    public func cancel(reason: String) {
        lock.lock()
        guard !cancelled else { lock.unlock(); return }
        cancelled = true; why = reason
        let toCall = Array(handlers.values)
        lock.unlock()
        for handler in toCall { handler() }
    }

    /// Calls `handler` on cancellation (at once when already cancelled); returns an id for ``remove(_:)``.
    @discardableResult
    public func onCancel(_ handler: @escaping @Sendable () -> Void) -> Int {
        lock.lock()
        if cancelled { lock.unlock(); handler(); return -1 }
        let id = nextID; nextID += 1
        handlers[id] = handler
        lock.unlock()
        return id
    }

    public func remove(_ id: Int) { lock.lock(); handlers[id] = nil; lock.unlock() }

    /// Throws `CancellationError` when cancelled.
    public func check() throws { if isCancelled { throw CancellationError() } }
}
