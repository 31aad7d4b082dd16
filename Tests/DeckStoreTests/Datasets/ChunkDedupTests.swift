@testable import DeckStore
import Foundation
import XCTest

/// A new version that appends or edits a few rows stores only the chunks that changed.
final class ChunkDedupTests: XCTestCase {
    func testAppendingOnePercentOfRowsStoresAtMostThreePercentNewBytes() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let path = ws.file("t.csv")
        let rows = 150_000
        try Data(TestTables.csv(rows: 0..<rows).utf8).write(to: URL(fileURLWithPath: path))
        guard case .recorded(let v1) = try ws.add("t", path: path, format: .csv) else { return XCTFail() }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        _ = try handle.seekToEnd()
        try handle.write(contentsOf: Data(TestTables.csv(rows: rows..<(rows + rows / 100), header: false).utf8))
        try handle.close()
        guard case .recorded(let v2) = try ws.add("t", path: path, format: .csv) else { return XCTFail() }
        XCTAssertGreaterThan(v1.logicalBytes, 4_000_000)
        XCTAssertLessThanOrEqual(Double(v2.storedBytes), 0.03 * Double(v2.logicalBytes), "stored \(v2.storedBytes) of \(v2.logicalBytes)")
        XCTAssertGreaterThan(v2.storedBytes, 0)
    }

    func testEditingARowInTheMiddleStoresAFewChunks() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let path = ws.file("t.csv")
        var lines = TestTables.csv(rows: 0..<150_000).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        guard case .recorded(let v1) = try ws.add("t", path: path, format: .csv) else { return XCTFail() }
        lines[75_000] = "75000,1,2.5,changed,label-x"
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        guard case .recorded(let v2) = try ws.add("t", path: path, format: .csv) else { return XCTFail() }
        XCTAssertLessThan(v2.storedBytes, 3 * 256 * 1024 + 200_000, "an edit should cost a couple of chunks plus the recipe")
        XCTAssertGreaterThan(v1.chunkCount, 40)
    }

    func testIdenticalFilesUnderDifferentNamesAreStoredOnce() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let path = ws.file("t.bin")
        try TestSplitMix64.bytes(seed: 1, count: 2_000_000).write(to: URL(fileURLWithPath: path))
        guard case .recorded(let a) = try ws.add("a", path: path) else { return XCTFail() }
        guard case .recorded(let b) = try ws.add("b", path: path) else { return XCTFail() }
        XCTAssertGreaterThan(a.storedBytes, 2_000_000)
        XCTAssertEqual(b.storedBytes, 0)
        XCTAssertEqual(a.contentHash, b.contentHash)
    }
}
