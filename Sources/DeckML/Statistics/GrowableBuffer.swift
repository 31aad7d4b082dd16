/// A manually managed, growable buffer of doubles for per-cell appends without array
/// uniqueness and exclusivity checks. The owner calls `free()`.
typealias GrowableDoubles = GrowableBuffer<Double>

/// A manually managed, growable buffer of plain values (see `GrowableDoubles`).
struct GrowableBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>?
    private(set) var count = 0
    private(set) var capacity = 0

    @inline(__always)
    mutating func append(_ v: Element) {
        if count == capacity { grow(to: Swift.max(1024, capacity * 2)) }
        (base.unsafelyUnwrapped + count).initialize(to: v)
        count += 1
    }

    /// Makes room for at least `n` values in all.
    mutating func reserve(_ n: Int) {
        if n > capacity { grow(to: n) }
    }

    private mutating func grow(to newCapacity: Int) {
        let nb = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if let b = base {
            nb.moveInitialize(from: b, count: count)
            b.deallocate()
        }
        base = nb
        capacity = newCapacity
    }

    /// The values as a buffer (valid until the next mutation).
    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    /// Releases the memory and empties the buffer.
    mutating func free() {
        if let b = base {
            b.deinitialize(count: count)
            b.deallocate()
        }
        base = nil
        count = 0
        capacity = 0
    }
}
