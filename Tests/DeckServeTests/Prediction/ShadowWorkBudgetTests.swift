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
    func testTheThreadsCPUClockAdvancesWithABusyLoopAndNoFasterThanTheWallClock() {
        let wall0 = ShadowWorkBudget.monotonicNow(), cpu0 = ShadowWorkBudget.threadCPUNow()
        var x = 0.0
        while ShadowWorkBudget.monotonicNow() - wall0 < .milliseconds(20) { x += sin(x) + 1 }
        let ran = ShadowWorkBudget.threadCPUNow() - cpu0, elapsed = ShadowWorkBudget.monotonicNow() - wall0
        XCTAssertGreaterThan(x, 0)
        XCTAssertGreaterThan(ran, .milliseconds(1), "the thread's CPU clock advances while it computes")
        XCTAssertLessThanOrEqual(ran, elapsed + .milliseconds(1), "and not faster than the wall clock")
    }

    /// Budgets whose every look finds 3 ms more wall time and no CPU time (a thread always
    /// preempted: each round reads one request), unlimited at a stop; counts the rounds that looked.
    final class PreemptedBudgets: @unchecked Sendable {
        // @unchecked Sendable: used by the shadow's one thread; the test reads it after the thread has ended.
        var wall: Duration = .seconds(1), roundsThatLooked = 0
        func make(stopping: Bool) -> ShadowWorkBudget {
            var looked = false
            return ShadowWorkBudget(unlimited: stopping, wall: {   // an unlimited budget reads no clock
                if !looked { looked = true; self.roundsThatLooked += 1 }
                self.wall += .milliseconds(3)
                return self.wall
            }, cpu: { .zero })
        }
    }

    static func scorer(_ directory: URL, budgets: @escaping @Sendable (Bool) -> ShadowWorkBudget) throws -> (ShadowScorer, PredictionLogWriter) {
        let log = try PredictionLog.open(path: directory.appendingPathComponent("p.sqlite").path)
        let writer = PredictionLogWriter(log: log)
        return (ShadowScorer(slot: ModelSlot(try ShadowGroupScoringTests.servedModel()), log: log, writer: writer, makeBudget: budgets), writer)
    }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static let row = #"["a", 41, "2021-03-04", "pro"]"#

    /// A round whose budget is spent after its first request scores that one and leaves the
    /// others in the inbox: later rounds score them, one each (oldest first: ``ByteMailboxTests``);
    /// nothing is dropped. The last round at a stop scores everything still queued.
    func testWhatARoundHasNoBudgetForWaitsForTheNextRound() throws {
        let directory = try Self.temporaryDirectory("shadow-budget")
        defer { try? FileManager.default.removeItem(at: directory) }
        let budgets = PreemptedBudgets()
        let (scorer, writer) = try Self.scorer(directory, budgets: { budgets.make(stopping: $0) })
        for k in 0..<5 {   // queued before the thread starts
            XCTAssertTrue(scorer.enqueue(body: ShadowGroupScoringTests.body([Self.row, Self.row]), contentType: nil,
                                         predictionIDs: ["p\(k)a", "p\(k)b"], primaryVersion: 1))
        }
        writer.start()
        scorer.start()
        let deadline = Date().addingTimeInterval(10)
        while scorer.counts.scored < 10, Date() < deadline { usleep(5_000) }
        XCTAssertEqual(scorer.counts.scored, 10, "every request, one a round")
        XCTAssertEqual(scorer.counts.dropped, 0)
        for id in ["late", "later", "latest"] {
            XCTAssertTrue(scorer.enqueue(body: ShadowGroupScoringTests.body([Self.row]), contentType: nil, predictionIDs: [id], primaryVersion: 1))
        }
        scorer.stopAndFlush()
        writer.stopAndFlush()
        XCTAssertEqual(scorer.counts.failed, 0)
        XCTAssertEqual(scorer.counts.scored, 13, "the late ones too, by later rounds or the stop's")
        XCTAssertEqual(scorer.counts.dropped, 0)
        XCTAssertGreaterThanOrEqual(budgets.roundsThatLooked, 5, "a round had budget for one request only")
    }

    /// More rows than one chunk holds, in one round: scored in several tables, every row logged.
    func testARoundLargerThanAChunkScoresEveryRow() throws {
        let directory = try Self.temporaryDirectory("shadow-chunks")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (scorer, writer) = try Self.scorer(directory, budgets: ShadowGroupScoringTests.unlimited)
        let count = ShadowScorer.rowsPerChunk + 44
        for k in 0..<count {
            XCTAssertTrue(scorer.enqueue(body: ShadowGroupScoringTests.body([Self.row]), contentType: nil, predictionIDs: ["r\(k)"], primaryVersion: 1))
        }
        XCTAssertTrue(scorer.enqueue(body: ShadowGroupScoringTests.body(Array(repeating: Self.row, count: 300)), contentType: nil,
                                     predictionIDs: (0..<300).map { "big\($0)" }, primaryVersion: 1),
                      "a request larger than a chunk is scored alone")
        writer.start()
        scorer.start()
        scorer.stopAndFlush()
        writer.stopAndFlush()
        XCTAssertEqual(scorer.counts.scored, count + 300)
        XCTAssertEqual(scorer.counts.dropped, 0)
        XCTAssertEqual(scorer.counts.failed, 0)
    }
}
