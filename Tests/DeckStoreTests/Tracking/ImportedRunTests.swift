import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// `importRun`: a run from another tracker under its own id, once; children imported before
/// their parent are linked by `linkParentsByTag`.
final class ImportedRunTests: XCTestCase {
    let parent = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", child = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

    func testARunIsImportedOnceAndAChildBeforeItsParentIsLinkedAfterwards() throws {
        let workspace = try TemporaryWorkspace(prefix: "import")
        defer { workspace.cleanup() }
        let store = workspace.store
        let childRun = ImportedRun(id: child, name: "child", experiment: "e", status: .finished, startTime: 2, endTime: 3,
                                   parentID: parent, params: ["lr": "0.1"], tags: ["mlflow.parentRunId": parent],
                                   metrics: [MetricPoint(key: "loss", value: .nan, step: 0, timestamp: 2),
                                             MetricPoint(key: "loss", value: 0.5, step: 1, timestamp: 2.5)])
        XCTAssertTrue(try store.importRun(childRun))
        XCTAssertFalse(try store.importRun(childRun), "a second import of the same id adds nothing")
        XCTAssertNil(try store.runRecord(exactID: child)?.lineage.parentRunID, "the parent is not there yet")
        XCTAssertTrue(try store.importRun(ImportedRun(id: parent, name: "parent", experiment: "e", status: .failed, startTime: 1)))
        XCTAssertEqual(try store.linkParentsByTag(), 1)
        XCTAssertEqual(try store.runRecord(exactID: child)?.lineage.parentRunID, parent)
        XCTAssertEqual(try store.linkParentsByTag(), 0)
        let details = try store.runDetails(child)
        XCTAssertEqual(details.params, ["lr": "0.1"])
        XCTAssertEqual(details.metrics.first?.last, 0.5)
        XCTAssertEqual(details.metrics.first?.count, 2)
        XCTAssertTrue(try store.metricSeries(run: RunHandle(id: child), key: "loss").first?.value.isNaN ?? false)
        XCTAssertEqual(try store.runRecord(exactID: parent)?.status, .failed)
    }

    /// Several runs in one transaction: a child before its parent in the same batch is linked at
    /// once, a run already there is left alone (false), and a bad run refuses the whole batch.
    func testABatchImportsEachRunWholeInOneTransaction() throws {
        let workspace = try TemporaryWorkspace(prefix: "import-batch")
        defer { workspace.cleanup() }
        let store = workspace.store
        XCTAssertTrue(try store.importRun(ImportedRun(id: child, name: "child", experiment: "e", status: .finished, startTime: 2)))
        let grandchild = "cccccccccccccccccccccccccccccccc"
        let batch = [
            ImportedRun(id: parent, name: "parent", experiment: "e", status: .finished, startTime: 1, params: ["a": "1"]),
            ImportedRun(id: grandchild, name: "grandchild", experiment: "f", status: .running, startTime: 3, parentID: parent,
                        metrics: [MetricPoint(key: "loss", value: 1, step: 0, timestamp: 3), MetricPoint(key: "loss", value: 0.5, step: 1, timestamp: 4)]),
            ImportedRun(id: child.uppercased(), name: "child again", experiment: "e", status: .failed, startTime: 2),
        ]
        XCTAssertEqual(try store.importRuns(batch), [true, true, false])
        XCTAssertEqual(try store.runRecord(exactID: grandchild)?.lineage.parentRunID, parent, "its parent came earlier in the batch")
        XCTAssertEqual(try store.runRecord(exactID: grandchild)?.experiment, "f")
        XCTAssertEqual(try store.runRecord(exactID: child)?.name, "child", "a run already there is left as it is")
        XCTAssertEqual(try store.runDetails(grandchild).metrics.first?.last, 0.5)
        XCTAssertEqual(try store.existingRunIDs([parent.uppercased(), grandchild, "dddddddddddddddddddddddddddddddd"]), [parent, grandchild])

        let bad = [ImportedRun(id: "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", name: "ok", experiment: "e", status: .finished, startTime: 5),
                   ImportedRun(id: "ffffffffffffffffffffffffffffffff", name: "bad key", experiment: "e", status: .finished, startTime: 6, params: ["": "x"])]
        XCTAssertThrowsError(try store.importRuns(bad))
        XCTAssertNil(try store.runRecord(exactID: "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"), "nothing of a refused batch is written")
    }
}
