@testable import DeckEngine
import DeckStore
import Foundation
import XCTest

/// The DAG scheduler alone, with steps that only sleep: order, bounded parallelism, skips after
/// a failure or a skip, and a cancellation that lets no pending step start.
final class PipelineSchedulerTests: XCTestCase {
    /// Steps and their needs, as a pipeline.
    func graph(_ steps: [(String, [String])]) throws -> PipelineGraph {
        let lines = steps.map { "      \($0.0): {run: \"true\", needs: [\($0.1.joined(separator: ", "))]}" }
        let yaml = "pipelines:\n  p:\n    steps:\n" + lines.joined(separator: "\n") + "\n"
        let config = try PipelineSpecParser(file: "mldeck.yaml").parse(try ConfigLoader.parse(yaml, file: "mldeck.yaml"))
        return PipelineGraph(try XCTUnwrap(config.pipeline("p")))
    }

    final class Trace: @unchecked Sendable {  // guarded by `lock`
        let lock = NSLock()
        var running = 0, most = 0
        var started: [String] = [], upstreamSeen: [String: Set<String>] = [:]
    }

    func schedule(_ graph: PipelineGraph, parallel: Int, token: CancellationToken = CancellationToken(),
                  outcome: @escaping @Sendable (String) -> StepStatus = { _ in .finished }) -> (PipelineScheduler.Finish, Trace, [String]) {
        let records = Dictionary(uniqueKeysWithValues: graph.names.enumerated().map {
            ($1, RunStepRecord(name: $1, position: $0, kind: "run", status: .pending))
        })
        let trace = Trace()
        var skipped: [String] = []
        let finish = PipelineScheduler(graph: graph, records: records, maxParallel: parallel, cancellation: token).run(execute: { record, upstream in
            trace.lock.lock()
            trace.running += 1; trace.most = max(trace.most, trace.running)
            trace.started.append(record.name); trace.upstreamSeen[record.name] = Set(upstream.keys)
            trace.lock.unlock()
            usleep(50_000)
            trace.lock.lock(); trace.running -= 1; trace.lock.unlock()
            var final = record
            final.status = outcome(record.name)
            let result = final.status == .finished
                ? StepResult(name: record.name, kind: "run", status: .finished, outputDirectory: URL(fileURLWithPath: "/tmp"), output: StepOutput(), outputHash: "")
                : nil
            return .init(record: final, result: result)
        }, skipped: { skipped.append($0.name) })
        return (finish, trace, skipped)
    }

    func testStepsRunAfterTheirNeedsAndNeverMoreThanTheBound() throws {
        let g = try graph([("a", []), ("b", []), ("c", []), ("d", []), ("e", ["a", "b", "c", "d"])])
        let (finish, trace, skipped) = schedule(g, parallel: 2)
        XCTAssertEqual(trace.most, 2)
        XCTAssertEqual(trace.started.last, "e")
        XCTAssertEqual(trace.upstreamSeen["e"], ["a", "b", "c", "d"])
        XCTAssertTrue(finish.records.values.allSatisfy { $0.status == .finished })
        XCTAssertEqual(finish.settled.count, 5)
        XCTAssertEqual(skipped, [])
    }

    func testAFailureSkipsWhatNeedsItAndWhatNeedsThat() throws {
        let g = try graph([("a", []), ("b", ["a"]), ("c", ["b"]), ("d", [])])
        let (finish, trace, skipped) = schedule(g, parallel: 4) { $0 == "a" ? .failed : .finished }
        XCTAssertEqual(Set(trace.started), ["a", "d"])
        XCTAssertEqual(finish.records["b"]?.status, .skipped)
        XCTAssertEqual(finish.records["b"]?.reason, "not run: 'a' failed")
        XCTAssertEqual(finish.records["c"]?.reason, "not run: it needs 'b', which was skipped")
        XCTAssertEqual(skipped, ["b", "c"])
    }

    func testAfterACancellationNoPendingStepStarts() throws {
        let g = try graph([("a", []), ("b", ["a"]), ("c", ["b"])])
        let token = CancellationToken()
        let (finish, trace, _) = schedule(g, parallel: 1, token: token) { name in
            if name == "a" { token.cancel(reason: "test") }
            return name == "a" ? .killed : .finished
        }
        XCTAssertEqual(trace.started, ["a"])
        XCTAssertEqual(finish.records["b"]?.status, .killed)
        XCTAssertEqual(finish.records["b"]?.reason, "not started: the run was cancelled")
        XCTAssertEqual(finish.records["c"]?.status, .killed)
    }
}
