import Foundation
import XCTest
@testable import DeckServe
#if canImport(Glibc)
import Glibc
#endif

/// The queue behind the prediction log: bounded, drops and counts when full,
/// never blocks a caller, flushes on stop.
final class BackgroundWorkerTests: XCTestCase {
    /// What the worker's thread saw: items in order, rounds.
    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var _items: [Int] = [], _rounds = 0
        var items: [Int] { lock.lock(); defer { lock.unlock() }; return _items }
        var rounds: Int { lock.lock(); defer { lock.unlock() }; return _rounds }
        func add(_ batch: [Int]) { lock.lock(); _items += batch; _rounds += 1; lock.unlock() }
    }

    func worker(_ seen: Seen, capacity: Int, maxWait: Double? = nil,
                gate: DispatchSemaphore? = nil) -> BackgroundWorker<Int> {
        BackgroundWorker<Int>(name: "test-worker", capacity: capacity, wakeAt: 100, maxWait: maxWait,
                              weight: { $0 }, process: { batch in
            gate?.wait()
            seen.add(batch)
        })
    }

    func testAFullQueueDropsAndCountsTheItemsThatDoNotFitAndAStopFlushesTheRestInOrder() {
        let seen = Seen()
        let w = worker(seen, capacity: 10)   // not started: nothing is taken off the queue
        XCTAssertTrue(w.enqueue(4))
        XCTAssertTrue(w.enqueue(6))
        XCTAssertFalse(w.enqueue(1), "11 units do not fit in 10")
        XCTAssertFalse(w.enqueue(50))
        XCTAssertEqual(w.dropped, 51)
        XCTAssertEqual(w.queued, 10)
        XCTAssertFalse(w.enqueue(3, countDrop: false))
        XCTAssertEqual(w.dropped, 51, "a drop the caller reports itself is not counted")
        w.start()
        w.stopAndFlush()
        XCTAssertEqual(seen.items, [4, 6], "everything queued is processed before the stop returns, in order")
        XCTAssertEqual(w.queued, 0)
        XCTAssertFalse(w.enqueue(1), "a stopped worker takes nothing")
        XCTAssertEqual(w.dropped, 52)
    }

    func testEnqueueNeverWaitsForABusyWorker() {
        let seen = Seen(), gate = DispatchSemaphore(value: 0)
        let w = worker(seen, capacity: 5, gate: gate)
        w.start()
        XCTAssertTrue(w.enqueue(1))
        // The thread takes the first item and blocks on the gate; the queue fills behind it.
        XCTAssertTrue(waitUntil { w.queued == 0 })
        let clock = ContinuousClock(), started = clock.now
        var accepted = 0
        for _ in 0..<1000 where w.enqueue(1) { accepted += 1 }
        XCTAssertLessThan(clock.now - started, .seconds(1), "callers are never held by the worker")
        XCTAssertEqual(accepted, 5)
        XCTAssertEqual(w.dropped, 995)
        for _ in 0..<10 { gate.signal() }
        w.stopAndFlush()
        XCTAssertEqual(seen.items.count, 6)
    }

    func testItemsAreTakenAsTheyComeOrInBatchesWithAMaximumWait() {
        let seen = Seen()
        let eager = worker(seen, capacity: 1000)
        eager.start()
        eager.enqueue(1)
        XCTAssertTrue(waitUntil { seen.items == [1] }, "without maxWait an item wakes the thread")
        eager.stopAndFlush()

        let batched = Seen()
        let w = worker(batched, capacity: 1000, maxWait: 0.2)
        w.start()
        for _ in 0..<5 { w.enqueue(1) }
        XCTAssertTrue(waitUntil { batched.items.count == 5 }, "small items are taken within maxWait")
        w.stopAndFlush()

        let patient = Seen()
        let p = worker(patient, capacity: 1000, maxWait: 60)
        p.start()
        p.enqueue(1)
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(patient.items, [], "below wakeAt an item waits for maxWait")
        p.enqueue(100)
        XCTAssertTrue(waitUntil(20) { patient.items == [1, 100] }, "wakeAt units wake the thread before maxWait")
        p.stopAndFlush()
    }

    func testStopWithoutStartReturnsAtOnce() {
        let w = worker(Seen(), capacity: 10)
        w.enqueue(1)
        w.stopAndFlush()
        XCTAssertFalse(w.enqueue(1))
    }

    func waitUntil(_ timeout: Double = 30, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return condition()
    }
}
