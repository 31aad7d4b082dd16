import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest

/// Diffs of small tables and folders, checked row by row and cell by cell.
final class DatasetDifferTests: XCTestCase {
    func testKeyedTableDiffListsAddedRemovedAndChangedRowsCellByCell() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let path = try ws.write("t.csv", "id,name,score\n1,ann,10\n2,bob,20\n3,cid,30\n4,dan,40\n")
        _ = try ws.add("t", path, keys: ["id"])
        try ws.write("t.csv", "id,name,score\n1,ann,10\n3,cid,33\n4,dan,40\n2,bobby,20\n5,eve,50\n")
        _ = try ws.add("t", path)
        let diff = try DatasetDiffer.diff(try DatasetReference(parsing: "t@1"), try DatasetReference(parsing: "t@2"), in: ws.store)
        let t = try XCTUnwrap(diff.table)
        XCTAssertEqual(t.keyColumns, ["id"])
        XCTAssertEqual(t.old.rows, 4)
        XCTAssertEqual(t.new.rows, 5)
        XCTAssertEqual(t.rowsAdded, 1)
        XCTAssertEqual(t.rowsRemoved, 0)
        XCTAssertEqual(t.rowsChanged, 2)
        XCTAssertEqual(t.rowsUnchanged, 2)
        XCTAssertEqual(t.addedRows.map(\.key), [["5"]])
        let changed = Dictionary(uniqueKeysWithValues: t.changedRows.map { ($0.key, $0.cells.map { [$0.column, $0.old ?? "∅", $0.new ?? "∅"] }) })
        XCTAssertEqual(changed[["3"]], [["score", "30", "33"]])
        XCTAssertEqual(changed[["2"]], [["name", "bob", "bobby"]])
        XCTAssertFalse(diff.identical)
        let stats = try XCTUnwrap(t.profileDiff?.columns.first { $0.name == "score" })
        XCTAssertEqual(stats.mean.old, 25)
        XCTAssertEqual(try XCTUnwrap(stats.mean.new), 30.6, accuracy: 1e-12)
    }

    func testSchemaChangesAndWholeRowMatching() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let path = try ws.write("t.csv", "a,b,gone\n1,x,9\n2,y,9\n")
        _ = try ws.add("t", path)
        try ws.write("t.csv", "a,b,added\n1,x,q\n2,z,q\n")
        _ = try ws.add("t", path)
        let diff = try DatasetDiffer.diff(try DatasetReference(parsing: "t@1"), try DatasetReference(parsing: "t@2"), in: ws.store)
        let t = try XCTUnwrap(diff.table)
        XCTAssertEqual(t.columnsAdded, ["added"])
        XCTAssertEqual(t.columnsRemoved, ["gone"])
        XCTAssertEqual(t.keyColumns, [])
        XCTAssertEqual(t.rowsAdded, 1)
        XCTAssertEqual(t.rowsRemoved, 1)
        XCTAssertEqual(t.rowsUnchanged, 1)
        XCTAssertEqual(t.addedRows.map(\.line), [3])
        XCTAssertEqual(t.removedRows.map(\.line), [3])
        XCTAssertTrue(diff.notes.contains { $0.contains("whole content") })
    }

    func testRetypedColumnIsReported() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let path = try ws.write("t.csv", "id,v\n1,1\n2,2\n")
        _ = try ws.add("t", path, keys: ["id"])
        try ws.write("t.csv", "id,v\n1,1.5\n2,2\n")
        _ = try ws.add("t", path)
        let t = try XCTUnwrap(try DatasetDiffer.diff(try DatasetReference(parsing: "t@1"), try DatasetReference(parsing: "t@2"), in: ws.store).table)
        XCTAssertEqual(t.columnsRetyped.map(\.column), ["v"])
        XCTAssertEqual(t.columnsRetyped.first?.old, .integer)
        XCTAssertEqual(t.columnsRetyped.first?.new, .float)
        XCTAssertEqual(t.changedRows.first?.cells.map { [$0.column, $0.old, $0.new] }, [["v", "1", "1.5"]])
    }

    func testDirectoryDiffListsFiles() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        try ws.write("d/same.txt", "same")
        try ws.write("d/edit.txt", "before")
        try ws.write("d/old.txt", "old")
        let dir = ws.root.appendingPathComponent("d").path
        _ = try ws.add("d", dir)
        try FileManager.default.removeItem(atPath: dir + "/old.txt")
        try ws.write("d/edit.txt", "after!")
        try ws.write("d/new/file.txt", "new")
        _ = try ws.add("d", dir)
        let diff = try DatasetDiffer.diff(try DatasetReference(parsing: "d@1"), try DatasetReference(parsing: "d@2"), in: ws.store)
        let f = try XCTUnwrap(diff.files)
        XCTAssertEqual(f.added.map(\.path), ["new/file.txt"])
        XCTAssertEqual(f.removed.map(\.path), ["old.txt"])
        XCTAssertEqual(f.modified.map(\.path), ["edit.txt"])
        XCTAssertEqual(f.unchanged, 1)
        XCTAssertNil(diff.table)
    }

    func testIdenticalVersionsDiffAsIdentical() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let path = try ws.write("t.csv", TestRows.csv(0..<100))
        _ = try ws.add("t", path, keys: ["id"])
        _ = try ws.add("t", path, force: true)
        let diff = try DatasetDiffer.diff(try DatasetReference(parsing: "t@1"), try DatasetReference(parsing: "t@2"), in: ws.store)
        XCTAssertTrue(diff.identical)
        XCTAssertEqual(diff.storage.addedObjects, 0)
        XCTAssertEqual(diff.table?.isIdentical, true)
        XCTAssertEqual(diff.table?.rowsUnchanged, 100)
    }
}
