import Foundation

/// A value a test shares with the threads and closures it starts, read and changed under a lock.
public final class Shared<Value>: @unchecked Sendable {
    // `@unchecked Sendable`: `value` is touched only while `lock` is held.
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    /// What `body` makes of the value, under the lock.
    public func read<T>(_ body: (Value) -> T) -> T { lock.lock(); defer { lock.unlock() }; return body(value) }

    /// Changes the value in place, under the lock.
    public func update(_ body: (inout Value) -> Void) { lock.lock(); body(&value); lock.unlock() }
}
