import DeckBench
import XCTest

/// A failing suite no longer hides the other suites' figures.
final class BenchRunnerTests: XCTestCase {
    struct Fixed: BenchSuite {
        let name: String
        let value: Double?
        struct Missing: Error, CustomStringConvertible { var description: String { "wrk is not installed" } }
        func run(in directory: String, log: (String) -> Void) throws -> [BenchFigure] {
            log("measuring")
            guard let value else { throw Missing() }
            return [BenchFigure(suite: name, name: "x", value: value, unit: "ms", target: nil, better: .lower)]
        }
    }

    func testTheOtherSuitesRunAndTheFailureIsNamed() {
        var lines: [String] = [], finished: [String] = []
        let outcome = BenchRunner.run([Fixed(name: "a", value: 1), Fixed(name: "serve", value: nil), Fixed(name: "c", value: 3)],
                                      in: NSTemporaryDirectory(), log: { lines.append("[\($0)] \($1)") },
                                      finished: { finished += $0.map(\.suite) })
        XCTAssertEqual(outcome.figures.map(\.suite), ["a", "c"])
        XCTAssertEqual(outcome.figures.map(\.value), [1, 3])
        XCTAssertEqual(finished, ["a", "c"])
        XCTAssertEqual(outcome.failures, [BenchRunner.Failure(suite: "serve", message: "wrk is not installed")])
        XCTAssertTrue(lines.contains("[serve] failed: wrk is not installed"), "\(lines)")
        XCTAssertEqual("\(BenchSuitesFailed(outcome.failures))",
                       "1 suite failed, the figures printed are the others': serve (wrk is not installed)")
    }
}
