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
}
