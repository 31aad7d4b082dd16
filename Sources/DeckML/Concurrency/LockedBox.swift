import Foundation

/// A value shared between threads behind a lock: the one box every module of the package uses
/// (a served model's compiled trees, a column plan, a server's bound address, a sweep's children).
///
/// `@unchecked Sendable`: `value` is read and written only while `lock` is held.
package final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) { self.value = value }

    /// The value, read under the lock.
    package func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }

    /// Replaces the value under the lock.
    package func set(_ new: Value) { lock.lock(); value = new; lock.unlock() }

    /// Reads or changes the value under the lock.
    package func with<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        return try body(&value)
    }
}
