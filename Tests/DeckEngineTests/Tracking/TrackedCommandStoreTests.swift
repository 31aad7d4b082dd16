import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// A tracked command records the same run — params, live metrics, tags, status, exit code and
/// output artifacts — through any store implementation (SQLite and the in-memory fake).
final class TrackedCommandStoreTests: XCTestCase {
    func testATrackedCommandRecordsItsRunInEveryStore() throws {
        try StoreImplementation.each(prefix: "mldeck-track") { kind, store, _ in
            let script = """
                printf '{"key": "loss", "value": 0.5, "step": 1}\\n{"key": "loss", "value": 0.25, "step": 2}\\n' >> "$MLDECK_METRICS_FILE"
                printf '{"params": {"optimizer": "sgd"}}\\n{"tags": {"stage": "done"}}\\n' >> "$MLDECK_METRICS_FILE"
                echo weights > "$MLDECK_OUTPUT_DIR/model.txt"
                echo "lr is $MLDECK_PARAM_LR"
                """
            let options = TrackedCommand.Options(arguments: ["sh", "-c", script], name: "tracked", experiment: "exp",
                                                 params: ["lr": "0.1"], tags: ["team": "ml"], echoOutput: false)
            let outcome = try TrackedCommand(store: store, options: options).run()
            XCTAssertEqual(outcome.status, .finished, "\(kind)")
            XCTAssertEqual(outcome.exitStatus, 0, "\(kind)")

            let details = try store.runDetails(outcome.runID)
            XCTAssertEqual(details.run.name, "tracked", "\(kind)")
            XCTAssertEqual(details.run.experiment, "exp", "\(kind)")
            XCTAssertEqual(details.run.status, .finished, "\(kind)")
            XCTAssertEqual(details.run.exitCode, 0, "\(kind)")
            XCTAssertNotNil(details.run.endTime, "\(kind)")
            XCTAssertEqual(details.params, ["lr": "0.1", "optimizer": "sgd"], "\(kind)")
            XCTAssertEqual(details.tags["team"], "ml", "\(kind)")
            XCTAssertEqual(details.tags["stage"], "done", "\(kind)")
            let loss = try XCTUnwrap(details.metrics.first { $0.key == "loss" }, "\(kind)")
            XCTAssertEqual(loss.count, 2, "\(kind)")
            XCTAssertEqual(loss.last, 0.25, "\(kind)")
            XCTAssertEqual(loss.lastStep, 2, "\(kind)")
            XCTAssertEqual(try store.metricSeries(run: details.run.handle, key: "loss").map(\.value), [0.5, 0.25], "\(kind)")
            let log = try String(contentsOf: store.logURL(of: outcome.runID), encoding: .utf8)
            XCTAssertTrue(log.contains("lr is 0.1"), "\(kind): \(log)")
            // Found again by name and by id prefix; listed by a filter on its metric.
            XCTAssertEqual(try store.resolveRun("tracked").id, outcome.runID, "\(kind)")
            XCTAssertEqual(try store.resolveRun(String(outcome.runID.prefix(10))).id, outcome.runID, "\(kind)")
            XCTAssertEqual(try store.listRuns(RunQuery(filter: "metrics.loss < 0.3")).map(\.run.id), [outcome.runID], "\(kind)")
            XCTAssertEqual(try store.countRuns(RunQuery(filter: "metrics.loss > 0.3")), 0, "\(kind)")
        }
    }

    func testAFailingCommandEndsFailedWithItsExitCodeInEveryStore() throws {
        try StoreImplementation.each(prefix: "mldeck-track-fail") { kind, store, _ in
            let options = TrackedCommand.Options(arguments: ["sh", "-c", "exit 3"], echoOutput: false)
            let outcome = try TrackedCommand(store: store, options: options).run()
            XCTAssertEqual(outcome.status, .failed, "\(kind)")
            let run = try store.resolveRun(outcome.runID)
            XCTAssertEqual(run.status, .failed, "\(kind)")
            XCTAssertEqual(run.exitCode, 3, "\(kind)")
            // A final state is kept: a second finish changes nothing.
            XCTAssertFalse(try store.finishRun(run.handle, status: .finished), "\(kind)")
            // Params are immutable in every store, with the same typed error and category.
            try store.logParams(["lr": "1"], run: run.handle)
            try store.logParams(["lr": "1"], run: run.handle)
            XCTAssertThrowsError(try store.logParams(["lr": "2"], run: run.handle), "\(kind)") { error in
                XCTAssertEqual(error as? TrackingError, .paramChanged(run: run.id, key: "lr", old: "1", new: "2"), "\(kind)")
                XCTAssertEqual((error as? CategorizedError)?.category, .conflict, "\(kind)")
            }
            XCTAssertThrowsError(try store.resolveRun("no-such-run"), "\(kind)") { error in
                XCTAssertEqual((error as? CategorizedError)?.category, .notFound, "\(kind)")
            }
        }
    }
}
