import Foundation

/// Splits `0..<count` in two and runs `body` on both halves at once (two threads), for answers
/// large enough that writing them is worth both of this machine's cores.
enum ConcurrentHalves {
    /// The results for the first and the second half, in order; below `threshold` items, one call.
    static func map<T: Sendable>(_ count: Int, threshold: Int = 200, _ body: @Sendable (Range<Int>) -> T) -> [T] {
        guard count >= threshold else { return [body(0..<count)] }
        let middle = count / 2
        let ranges = [0..<middle, middle..<count]
        let results = ResultSlots<T>(count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { index in results.set(index, body(ranges[index])) }
        return results.values
    }
}

/// Slots that concurrent iterations fill, one each.
/// `@unchecked Sendable`: every write and the final read go through `lock`.
private final class ResultSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) { lock.lock(); slots[index] = value; lock.unlock() }
    var values: [T] { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 } }
}
