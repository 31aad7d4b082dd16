import XCTest
@testable import DeckML

final class TableDiffTests: XCTestCase {
    private let oldCSV = """
    id,name,score
    1,Ann,10
    2,Bob,20
    3,"Cy, Jr",30
    4,Dee,40
    5,Eve,50

    """
    // Row 2 changed, 4 removed, 6 added, order shuffled, a column added.
    private let newCSV = """
    id,score,name,extra
    5,50,Eve,x
    1,10,Ann,x
    3,30,"Cy, Jr",x
    2,21,Bob,x
    6,60,Fay,x

    """

    func testKeyedDiffFindsAddedRemovedChangedAndSchema() throws {
        let a = try TableTestSupport.temp(oldCSV), b = try TableTestSupport.temp(newCSV)
        let r = try TableDiff.compare(oldPath: a, newPath: b, options: .init(keyColumns: ["id"]))
        XCTAssertEqual(r.columnsAdded, ["extra"])
        XCTAssertEqual(r.columnsRemoved, [])
        XCTAssertEqual(r.old.rows, 5)
        XCTAssertEqual(r.new.rows, 5)
        XCTAssertEqual([r.rowsAdded, r.rowsRemoved, r.rowsChanged, r.rowsUnchanged], [1, 1, 1, 3])
        XCTAssertEqual(r.changedRows, [.init(key: ["2"], oldLine: 3, newLine: 5,
                                             cells: [.init(column: "score", old: "20", new: "21")])])
        XCTAssertEqual(r.addedRows, [.init(key: ["6"], line: 6)])
        XCTAssertEqual(r.removedRows, [.init(key: ["4"], line: 5)])
        XCTAssertFalse(r.isIdentical)
    }

    func testWholeRowDiffWithoutKey() throws {
        let a = try TableTestSupport.temp(oldCSV), b = try TableTestSupport.temp(newCSV)
        let r = try TableDiff.compare(oldPath: a, newPath: b)
        // Without a key a changed row is one removed and one added.
        XCTAssertEqual([r.rowsAdded, r.rowsRemoved, r.rowsChanged, r.rowsUnchanged], [2, 2, 0, 3])
        XCTAssertEqual(r.addedRows.map(\.line), [5, 6])
        XCTAssertEqual(r.removedRows.map(\.line), [3, 5])
        XCTAssertEqual(r.addedRows.first?.key, [])
    }

    func testIdenticalFilesAndDuplicateKeys() throws {
        let a = try TableTestSupport.temp("k,v\n1,a\n1,b\n2,c\n")
        let same = try TableDiff.compare(oldPath: a, newPath: a, options: .init(keyColumns: ["k"]))
        XCTAssertTrue(same.isIdentical)
        XCTAssertEqual(same.duplicateKeysOld, 1)
        XCTAssertEqual(same.rowsUnchanged, 3)
        // Duplicates are matched in order of appearance.
        let b = try TableTestSupport.temp("k,v\n1,a\n2,c\n1,B\n1,z\n")
        let r = try TableDiff.compare(oldPath: a, newPath: b, options: .init(keyColumns: ["k"]))
        XCTAssertEqual([r.rowsAdded, r.rowsRemoved, r.rowsChanged, r.rowsUnchanged], [1, 0, 1, 2])
        XCTAssertEqual(r.duplicateKeysNew, 2)
        XCTAssertEqual(r.changedRows.first?.cells, [.init(column: "v", old: "b", new: "B")])
    }

    func testUnknownKeyColumnIsRefused() throws {
        let a = try TableTestSupport.temp(oldCSV), b = try TableTestSupport.temp("name,score\nA,1\n")
        XCTAssertThrowsError(try TableDiff.compare(oldPath: a, newPath: b, options: .init(keyColumns: ["id"]))) { e in
            XCTAssertEqual(e as? TableParseError, .unknownColumn(file: b, column: "id"))
        }
    }

    func testProfilesGiveRetypedColumnsAndStatDeltas() throws {
        let a = try TableTestSupport.temp("id,x\n1,1\n2,2\n3,3\n")
        let b = try TableTestSupport.temp("id,x\n1,1.5\n2,2\n3,3\n")
        let pa = try TableProfiler.profile(path: a), pb = try TableProfiler.profile(path: b)
        let r = try TableDiff.compare(oldPath: a, newPath: b, options: .init(keyColumns: ["id"]), oldProfile: pa, newProfile: pb)
        XCTAssertEqual(r.columnsRetyped, [.init(column: "x", old: .integer, new: .float)])
        let x = try XCTUnwrap(r.profileDiff?.columns.first { $0.name == "x" })
        XCTAssertEqual(x.mean.old, 2)
        XCTAssertEqual(x.mean.delta ?? 0, 0.5 / 3, accuracy: 1e-12)
        XCTAssertEqual(x.min.new, 1.5)
        XCTAssertFalse(r.profileDiff?.columns.first { $0.name == "id" }?.changed ?? true)
    }

    /// A larger pair read in small chunks on two lanes, against counts derived independently from
    /// the edits made.
    func testLargeDiffMatchesTheEditsMade() throws {
        var oldText = "id,a,b,note\n"
        var newText = "id,a,b,note\n"
        var expectChanged = 0, expectRemoved = 0, expectAdded = 0
        for i in 0..<20000 {
            let note = i % 7 == 0 ? "\"multi\nline \(i)\"" : "n\(i)"
            oldText += "\(i),\(i * 3),\(Double(i) / 8),\(note)\n"
            if i % 101 == 0 { expectRemoved += 1; continue }
            if i % 53 == 0 { expectChanged += 1; newText += "\(i),\(i * 3),\(Double(i) / 8 + 1),\(note)\n"; continue }
            newText += "\(i),\(i * 3),\(Double(i) / 8),\(note)\n"
        }
        for i in 20000..<20100 { expectAdded += 1; newText += "\(i),0,0,new\n" }
        var read = TableReadOptions()
        read.chunkSize = 1 << 16
        read.threads = 2
        let a = try TableTestSupport.temp(oldText), b = try TableTestSupport.temp(newText)
        let r = try TableDiff.compare(oldPath: a, newPath: b, options: .init(keyColumns: ["id"], maxListedRows: 3, read: read))
        XCTAssertEqual(r.rowsRemoved, expectRemoved)
        XCTAssertEqual(r.rowsChanged, expectChanged)
        XCTAssertEqual(r.rowsAdded, expectAdded)
        XCTAssertEqual(r.rowsUnchanged, 20000 - expectRemoved - expectChanged)
        XCTAssertEqual(r.changedRows.map(\.key), [["53"], ["106"], ["159"]])
        XCTAssertEqual(r.changedRows.first?.cells, [.init(column: "b", old: "6.625", new: "7.625")])
        XCTAssertEqual(r.removedRows.map(\.key), [["0"], ["101"], ["202"]])
        XCTAssertEqual(r.addedRows.first?.key, ["20000"])
        let data = try TableProfile.jsonEncoder().encode(r)
        XCTAssertEqual(try TableProfile.jsonDecoder().decode(TableDiffReport.self, from: data), r)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"rows_changed\":\(expectChanged)"))
    }
}
