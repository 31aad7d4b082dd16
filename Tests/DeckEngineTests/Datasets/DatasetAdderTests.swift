import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest

/// Adding tables: profiling, refusal of malformed tables (nothing recorded), lenient mode, `--na`, keys.
final class DatasetAdderTests: XCTestCase {
    func testTableIsProfiledAndRecorded() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let path = try ws.write("t.csv", "id,score,city\n1,2.5,Oslo\n2,,Rome\n3,4.5,\"Rome, Italy\"\n")
        let result = try ws.add("t", path, keys: ["id"])
        XCTAssertEqual(result.outcome, .added)
        let v = result.version
        XCTAssertEqual(v.format, .csv)
        XCTAssertEqual(v.rows, 3)
        XCTAssertEqual(v.columns, 3)
        XCTAssertEqual(v.keyColumns, ["id"])
        XCTAssertEqual(v.schema?.map(\.name), ["id", "score", "city"])
        XCTAssertEqual(v.schema?.map(\.type), ["integer", "float", "text"])
        XCTAssertEqual(v.schema?.map(\.nullable), [false, true, false])
        let profile = try XCTUnwrap(try DatasetVersionDetails.profile(of: try ws.store.datasetVersion("t@1")))
        XCTAssertEqual(profile.column("score")?.mean, 3.5)
        XCTAssertEqual(profile.column("score")?.missing, 1)
        XCTAssertEqual(v.author, DatasetVersionDraft.currentUser)
        XCTAssertEqual(v.sourcePath, path)
        let again = try ws.add("t", path)
        XCTAssertEqual(again.outcome, .unchanged)
        XCTAssertEqual(try ws.store.datasetVersions("t").count, 1)
    }

    func assertRefused(_ text: String? = nil, bytes: [UInt8]? = nil, line: Int, column: Int, file: StaticString = #filePath, testLine: UInt = #line) throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let path = try bytes.map { try ws.write("bad.csv", bytes: $0) } ?? ws.write("bad.csv", text!)
        XCTAssertThrowsError(try ws.add("bad", path), file: file, line: testLine) { error in
            guard let parse = error as? TableParseError else { return XCTFail("\(error)", file: file, line: testLine) }
            XCTAssertEqual(parse.file, path, file: file, line: testLine)
            XCTAssertEqual(parse.line, line, "\(parse)", file: file, line: testLine)
            XCTAssertEqual(parse.column, column, "\(parse)", file: file, line: testLine)
        }
        XCTAssertEqual(try ws.store.datasets().count, 0, "nothing recorded", file: file, line: testLine)
        XCTAssertThrowsError(try ws.store.datasetVersions("bad"), file: file, line: testLine)
    }

    func testMalformedTablesAreRefusedWithPositionAndNothingRecorded() throws {
        try assertRefused("a,b\n1,2\n3,\"unclosed\n4,5\n", line: 3, column: 3)
        try assertRefused("a,b\n1,2\n3,4,5\n", line: 3, column: 5)
        try assertRefused(bytes: Array("a,b\n1,2\n3,x".utf8) + [0xFF, 0xFE] + Array("\n".utf8), line: 3, column: 4)
    }

    func testLenientRecordsTheTableAndReportsSkippedRows() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let path = try ws.write("t.csv", "a,b\n1,2\n3,4,5\n6,7\n8\n")
        let result = try ws.add("t", path, lenient: true)
        XCTAssertEqual(result.outcome, .added)
        XCTAssertEqual(result.version.rows, 2)
        XCTAssertEqual(result.version.skippedRows, 2)
        XCTAssertEqual(result.skipped?.first.map(\.line), [3, 5])
        let stored = try XCTUnwrap(try DatasetVersionDetails.skippedRows(of: try ws.store.datasetVersion("t")))
        XCTAssertEqual(stored.count, 2)
        // The bytes are stored as added, bad rows included.
        let exported = try DatasetMaterializer(store: ws.store).path(for: try DatasetReference(parsing: "t"))
        XCTAssertEqual(try String(contentsOf: exported, encoding: .utf8), "a,b\n1,2\n3,4,5\n6,7\n8\n")
    }

    func testNaTokensCountAsMissing() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let path = try ws.write("t.csv", "x\n1\nNA\n3\n-\n")
        let result = try ws.add("t", path, na: ["NA", "-"])
        let profile = try XCTUnwrap(try DatasetVersionDetails.profile(of: result.version))
        XCTAssertEqual(profile.column("x")?.missing, 2)
        XCTAssertEqual(profile.column("x")?.type, .integer)
        XCTAssertEqual(result.version.naTokens, ["NA", "-"])
    }

    func testUnknownKeyColumnIsRefusedBeforeAnythingIsStored() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let path = try ws.write("t.csv", "id,v\n1,2\n")
        XCTAssertThrowsError(try ws.add("t", path, keys: ["customer"])) { error in
            XCTAssertEqual(error as? DatasetEngineError, .unknownKeyColumn("customer", file: path, columns: ["id", "v"]))
        }
        XCTAssertTrue(ws.store.objects.allObjects().isEmpty)
    }

    func testFormatsAreDetected() throws {
        XCTAssertEqual(DatasetAdder.detectFormat(path: "a.CSV", isDirectory: false), .csv)
        XCTAssertEqual(DatasetAdder.detectFormat(path: "a.tsv", isDirectory: false), .tsv)
        XCTAssertEqual(DatasetAdder.detectFormat(path: "a.ndjson", isDirectory: false), .jsonl)
        XCTAssertEqual(DatasetAdder.detectFormat(path: "a.parquet", isDirectory: false), .file)
        XCTAssertEqual(DatasetAdder.detectFormat(path: "data", isDirectory: true), .directory)
    }

    func testJSONLinesAndDirectoriesAreAdded() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let jsonl = try ws.write("t.jsonl", "{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2, \"b\": \"y\"}\n")
        let t = try ws.add("j", jsonl)
        XCTAssertEqual(t.version.format, .jsonl)
        XCTAssertEqual(t.version.rows, 2)
        try ws.write("dir/one.txt", "1")
        try ws.write("dir/sub/two.txt", "22")
        let d = try ws.add("d", ws.root.appendingPathComponent("dir").path)
        XCTAssertEqual(d.version.format, .directory)
        XCTAssertEqual(d.version.fileCount, 2)
        XCTAssertEqual(d.version.logicalBytes, 3)
        XCTAssertNil(d.version.rows)
    }

    func testMaterializedFilesAreReused() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let text = TestRows.csv(0..<20_000)
        let path = try ws.write("t.csv", text)
        _ = try ws.add("t", path)
        let materializer = DatasetMaterializer(store: ws.store)
        let first = try materializer.path(for: try DatasetReference(parsing: "t@1"))
        XCTAssertEqual(first.pathExtension, "csv")
        XCTAssertTrue(first.path.hasPrefix(ws.store.workspace.stateDirectory.path + "/cache/datasets/"))
        XCTAssertEqual(try String(contentsOf: first, encoding: .utf8), text)
        let stamp = try FileManager.default.attributesOfItem(atPath: first.path)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.02)
        let second = try materializer.path(for: try DatasetReference(parsing: "t"))
        XCTAssertEqual(second, first)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: second.path)[.modificationDate] as? Date, stamp)
    }
}

/// Deterministic CSV rows: `id,a,b,c`.
enum TestRows {
    static func row(_ i: Int, bump: Int = 0) -> String { "\(i),\(i % 17 + bump),\(Double(i % 101) / 4),\(["x", "y", "z"][i % 3])\n" }
    static func csv(_ ids: Range<Int>) -> String { "id,a,b,c\n" + ids.map { row($0) }.joined() }
}
