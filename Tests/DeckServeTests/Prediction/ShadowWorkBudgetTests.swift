import DeckStore
import Foundation
import XCTest
@testable import DeckServe

/// The shadow's round budget: always ``ShadowWorkBudget/guaranteed``, longer only while the thread
/// runs for nearly all the wall time; once spent it stays spent and reads no clock.
final class ShadowWorkBudgetTests: XCTestCase {
    /// Clocks a test moves by hand; counts the CPU clock's reads.
    final class Clocks: @unchecked Sendable {
        var wall: Duration = .seconds(100), cpu: Duration = .seconds(7), cpuReads = 0
        func budget(unlimited: Bool = false) -> ShadowWorkBudget {
            ShadowWorkBudget(unlimited: unlimited, wall: { self.wall }, cpu: { self.cpuReads += 1; return self.cpu })
        }
        func advance(wall: Duration, cpu: Duration) { self.wall += wall; self.cpu += cpu }
    }

    func testARoundMayAlwaysWorkItsGuaranteedTimeEvenWhenPreempted() {
        let clocks = Clocks()
        var budget = clocks.budget()
        XCTAssertTrue(budget.allowsMore(), "the first look starts the round")
        clocks.advance(wall: .microseconds(1_900), cpu: .microseconds(100))   // preempted most of the time
        XCTAssertTrue(budget.allowsMore())
        clocks.advance(wall: .microseconds(200), cpu: .zero)
        XCTAssertFalse(budget.allowsMore(), "past 2 ms, having run 5 % of it: spent")
        clocks.advance(wall: .milliseconds(50), cpu: .milliseconds(50))
        let reads = clocks.cpuReads
        XCTAssertFalse(budget.allowsMore(), "spent stays spent")
        XCTAssertEqual(clocks.cpuReads, reads, "a spent budget reads no clock")
    }

    func testARoundThatIsNeverPreemptedGoesOn() {
        let clocks = Clocks()
        var budget = clocks.budget()
        XCTAssertTrue(budget.allowsMore())
        for _ in 0..<100 {   // 100 ms, running 95 % of it
            clocks.advance(wall: .milliseconds(1), cpu: .microseconds(950))
            XCTAssertTrue(budget.allowsMore())
        }
        clocks.advance(wall: .milliseconds(100), cpu: .milliseconds(50))   // then a busy machine
        XCTAssertFalse(budget.allowsMore(), "the round has run 72.5 % of its 200 ms: below 90 %")
    }

    func testTheLastRoundAtAStopHasNoLimit() {
        let clocks = Clocks()
        var budget = clocks.budget(unlimited: true)
        XCTAssertTrue(budget.allowsMore())
        clocks.advance(wall: .seconds(10), cpu: .zero)
        XCTAssertTrue(budget.allowsMore())
        XCTAssertEqual(clocks.cpuReads, 0)
    }

    /// The real clocks: a busy loop on this thread runs for (nearly) all of its wall time.
    func testTheRealClocksSeeABusyThreadRun() {
        var budget = ShadowWorkBudget(unlimited: false)
        XCTAssertTrue(budget.allowsMore())
        let wall0 = ShadowWorkBudget.monotonicNow(), cpu0 = ShadowWorkBudget.threadCPUNow()
        var x = 0.0
        while ShadowWorkBudget.monotonicNow() - wall0 < .milliseconds(20) { x += sin(x) + 1 }
        let ran = ShadowWorkBudget.threadCPUNow() - cpu0
        XCTAssertGreaterThan(x, 0)
        XCTAssertGreaterThan(ran, .milliseconds(1), "the thread's CPU clock advances while it computes")
        XCTAssertLessThanOrEqual(ran, .milliseconds(25), "and not faster than the wall clock")
    }

    /// A round whose budget is spent after its first request scores that one and counts the others
    /// as dropped; the last round at a stop scores everything still queued.
    func testTheShadowCountsWhatItsBudgetSkipsAsDropped() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shadow-budget-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try PredictionLog.open(path: directory.appendingPathComponent("p.sqlite").path)
        let writer = PredictionLogWriter(log: log)
        let scorer = ShadowScorer(slot: ModelSlot(try ShadowGroupScoringTests.servedModel()), log: log, writer: writer)
        let clocks = Clocks()
        // Every look finds 3 ms more wall time and no CPU time: a thread that is always preempted.
        scorer.makeBudget = { stopping in
            ShadowWorkBudget(unlimited: stopping, wall: { clocks.wall += .milliseconds(3); return clocks.wall }, cpu: { clocks.cpu })
        }
        let row = #"["a", 41, "2021-03-04", "pro"]"#
        for k in 0..<5 {   // queued before the thread starts: its first round takes all five
            XCTAssertTrue(scorer.enqueue(body: ShadowGroupScoringTests.body([row, row]), contentType: nil,
                                         predictionIDs: ["p\(k)a", "p\(k)b"], primaryVersion: 1))
        }
        writer.start()
        scorer.start()
        let deadline = Date().addingTimeInterval(10)
        while scorer.counts.scored + scorer.counts.dropped < 10, Date() < deadline { usleep(5_000) }
        XCTAssertEqual(scorer.counts.scored, 2, "the first request's two rows")
        XCTAssertEqual(scorer.counts.dropped, 8, "the four it had no budget for")
        XCTAssertTrue(scorer.enqueue(body: ShadowGroupScoringTests.body([row]), contentType: nil, predictionIDs: ["late"], primaryVersion: 1))
        XCTAssertTrue(scorer.enqueue(body: ShadowGroupScoringTests.body([row]), contentType: nil, predictionIDs: ["later"], primaryVersion: 1))
        scorer.stopAndFlush()
        writer.stopAndFlush()
        XCTAssertEqual(scorer.counts.failed, 0)
        XCTAssertEqual(scorer.counts.scored + scorer.counts.dropped, 12, "every row is counted once")
        XCTAssertGreaterThanOrEqual(scorer.counts.scored, 3, "a round scores at least its first request")
    }
}
