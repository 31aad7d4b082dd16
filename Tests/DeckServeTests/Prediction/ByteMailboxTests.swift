import DeckStore
import Foundation
import XCTest
@testable import DeckServe

/// ``ByteMailbox``: records cross from many threads to one in order, through two buffers
/// allocated once; a producer never waits (a full buffer or a closed mailbox drops its record).
final class ByteMailboxTests: XCTestCase {
    func testRecordsComeOutInOrderAndAFullBufferDropsWithoutWaiting() {
        let box = ByteMailbox(capacity: 64)
        XCTAssertTrue(box.post { $0.put(UInt64(1)); $0.put("one") })
        XCTAssertTrue(box.post { $0.put(UInt64(2)); $0.put("two") })
        // 4 + 8 + 4 + 3 = 19 bytes each: a fourth does not fit in 64.
        XCTAssertTrue(box.post { $0.put(UInt64(3)); $0.put("six") })
        XCTAssertFalse(box.post { $0.put(UInt64(4)); $0.put("for") }, "the buffer is full")
        XCTAssertFalse(ByteMailbox(capacity: 64).post { $0.put(String(repeating: "x", count: 60)) }, "larger than an empty buffer")
        XCTAssertTrue(ByteMailbox(capacity: 64).post { $0.put(String(repeating: "x", count: 50)) }, "4 + 4 + 50 bytes fit in 64")
        var seen: [String] = []
        box.take { record in
            seen.append("\(record.integer(UInt64.self) ?? 0) \(record.string() ?? "?")")
            XCTAssertNil(record.integer(UInt8.self), "nothing past a record's end")
        }
        XCTAssertEqual(seen, ["1 one", "2 two", "3 six"])
        // The other buffer takes posts while the first is read; both are empty after their take.
        XCTAssertTrue(box.post { $0.put(UInt64(5)); $0.put("five") })
        seen = []
        box.take { record in seen.append("\(record.integer(UInt64.self) ?? 0) \(record.string() ?? "?")") }
        XCTAssertEqual(seen, ["5 five"])
        box.take { _ in XCTFail("nothing left") }
        box.close()
        XCTAssertFalse(box.post { $0.put(UInt64(6)) }, "closed")
    }

    /// A take that stops early leaves the refused record and those after it for the next take,
    /// which hands them over first, then what was posted meanwhile; while records are left over,
    /// posts fill the other buffer only.
    func testATakeThatStopsEarlyLeavesTheRestInOrderForTheNextTake() {
        let box = ByteMailbox(capacity: 64)   // 12-byte records (4 + 8): five fit in a buffer
        func post(_ n: UInt64) -> Bool { box.post { $0.put(n) } }
        func take(_ limit: Int) -> [UInt64] {
            var seen: [UInt64] = []
            box.takeWhile { record in
                guard seen.count < limit else { return false }
                seen.append(record.integer(UInt64.self) ?? 0)
                return true
            }
            return seen
        }
        for n: UInt64 in 1...4 { XCTAssertTrue(post(n)) }
        XCTAssertEqual(take(1), [1])
        for n: UInt64 in 5...9 { XCTAssertTrue(post(n)) }
        XCTAssertFalse(post(10), "the other buffer is full; the left-over records are not written over")
        XCTAssertEqual(take(2), [2, 3], "left over first")
        XCTAssertFalse(post(11), "still full: nothing was swapped")
        XCTAssertEqual(take(3), [4, 5, 6], "the rest of those left over, then the other buffer's, in one take")
        XCTAssertTrue(post(12), "the emptied buffer takes posts again")
        XCTAssertEqual(take(.max), [7, 8, 9, 12], "left over, then posted meanwhile")
        XCTAssertTrue(post(13))
        XCTAssertEqual(take(.max), [13])
        XCTAssertEqual(take(.max), [])
        var all: [UInt64] = []
        box.take { all.append($0.integer(UInt64.self) ?? 0) }
        XCTAssertEqual(all, [], "the plain take sees the same (empty) state")
    }

    /// Four threads post while one takes: every accepted record is taken exactly once, whole.
    func testConcurrentProducersLoseNothingTheyWereToldWasTaken() {
        let (taken, accepted, torn, _) = Self.postWhileTaking(capacity: 1 << 16, refuseEvery: nil)
        XCTAssertEqual(torn, 0, "a record was torn or out of order")
        XCTAssertEqual(taken, accepted)
        XCTAssertGreaterThan(taken.reduce(0, +), 0)
    }

    /// Four threads post while one takes only part of what waits each time (it refuses every
    /// seventh record it is handed): every accepted record is still taken exactly once, whole, in
    /// each producer's order.
    func testConcurrentProducersAndATakerThatLeavesRecordsLoseNothing() {
        let (taken, accepted, torn, refused) = Self.postWhileTaking(capacity: 1 << 14, refuseEvery: 7)
        XCTAssertEqual(torn, 0, "a record was torn, read twice or out of order")
        XCTAssertEqual(taken, accepted)
        XCTAssertGreaterThan(refused, 0, "some takes stopped early")
        XCTAssertGreaterThan(taken.reduce(0, +), 0)
    }

    /// Four threads post 20,000 records each while this thread takes — with `take`, or with
    /// `takeWhile` refusing every `refuseEvery`-th record it is handed — until they are done, then
    /// takes the rest. Per producer: records taken and accepted; records torn or out of order; refusals.
    static func postWhileTaking(capacity: Int, refuseEvery: Int?) -> (taken: [Int], accepted: [Int], torn: Int, refused: Int) {
        let box = ByteMailbox(capacity: capacity)
        let accepted = LockedCounts()
        let producers = DispatchGroup()
        for p in 0..<4 {
            DispatchQueue.global().async(group: producers) {
                for i in 0..<20_000 {
                    if box.post({ $0.put(UInt32(p)); $0.put(UInt32(i)); $0.put("p\(p)-\(i)") }) { accepted.add(p) }
                }
            }
        }
        var taken = [Int](repeating: 0, count: 4), last = [Int](repeating: -1, count: 4), torn = 0, handed = 0, refused = 0
        func read(_ record: inout ByteRecordReader) {
            guard let p = record.integer(UInt32.self).map(Int.init), let i = record.integer(UInt32.self).map(Int.init),
                  record.string() == "p\(p)-\(i)", p < 4, i > last[p] else { torn += 1; return }
            taken[p] += 1; last[p] = i
        }
        func drain(all: Bool) {
            guard let refuseEvery else { box.take(read); return }
            box.takeWhile { record in
                handed += 1
                if !all, handed % refuseEvery == 0 { refused += 1; return false }
                read(&record)
                return true
            }
        }
        while producers.wait(timeout: .now()) == .timedOut { drain(all: false) }
        drain(all: true); drain(all: true)
        return (taken, accepted.values, torn, refused)
    }

    /// A round's answers are cut into batches whose records fit the outbox, in order, covering every row.
    func testAnswersAreCutIntoBatchesThatFitTheOutbox() {
        let rows = (0..<500).map { i in
            ShadowPrediction(predictionID: "p\(i)", model: "churn", version: i < 400 ? 2 : 3, primaryVersion: 1, time: 1,
                             label: i % 2 == 0 ? "Yes" : nil, value: 0.5,
                             probabilities: i % 3 == 0 ? [0.5, 0.5] : Array(repeating: 0.01, count: i % 50), latency: 0)
        }
        let (batches, unfit) = ShadowAnswersRecord.batches(rows, limit: 2_000)
        XCTAssertEqual(unfit, 0)
        XCTAssertGreaterThan(batches.count, 10)
        for batch in batches { XCTAssertLessThanOrEqual(ShadowAnswersRecord.size(of: [batch]), 2_000) }
        XCTAssertEqual(batches.flatMap { $0.decodedRows() ?? [] }, rows, "every row once, in order")
        XCTAssertEqual(Set(batches.map(\.version)), [2, 3], "a batch holds one version's rows")
        let huge = [ShadowPrediction(predictionID: "big", model: "m", version: 1, primaryVersion: 1, time: 1, label: nil, value: 0,
                                     probabilities: Array(repeating: 0.5, count: 1_000), latency: 0)]
        XCTAssertEqual(ShadowAnswersRecord.batches(huge, limit: 2_000).unfit, 1, "a row too large alone is counted, not sent")
        XCTAssertTrue(ShadowAnswersRecord.batches([], limit: 2_000).batches.isEmpty)
    }

    /// The shadow's answers survive the trip to the writer's thread as they were.
    func testShadowAnswersRoundTrip() {
        let rows = [
            ShadowPrediction(predictionID: "3f9a2c71-00000000001a", model: "churn", version: 2, primaryVersion: 1, time: 1_700_000_000.25,
                             label: "Yes", value: 0.8125, probabilities: [0.1875, 0.8125], latency: 0.000_25),
            ShadowPrediction(predictionID: "p2", model: "churn", version: 2, primaryVersion: 3, time: 1, label: nil, value: -4.5,
                             probabilities: nil, latency: 0),
            ShadowPrediction(predictionID: "", model: "m", version: 7, primaryVersion: 1, time: 2, label: "", value: 0,
                             probabilities: [], latency: 1),
        ]
        let batches = EncodedShadowBatch.batches(rows)
        XCTAssertEqual(batches.count, 2)
        let box = ByteMailbox(capacity: 4_096)
        XCTAssertTrue(box.post { ShadowAnswersRecord.encode(batches, failed: 3, dropped: 9, into: &$0) })
        var read: (batches: [EncodedShadowBatch], failed: Int, dropped: Int)?
        box.take { read = ShadowAnswersRecord.decode(&$0) }
        XCTAssertEqual(read?.batches, batches)
        XCTAssertEqual(read?.batches.flatMap { $0.decodedRows() ?? [] }, rows)
        XCTAssertEqual(read?.failed, 3)
        XCTAssertEqual(read?.dropped, 9)
    }
}

private final class LockedCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = [0, 0, 0, 0]
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return counts }
    func add(_ p: Int) { lock.lock(); counts[p] += 1; lock.unlock() }
}
