import XCTest
@testable import DeckML

final class DelimitedReaderTests: XCTestCase {
    private func read(_ text: String, ext: String = "csv", _ configure: (inout TableReadOptions) -> Void = { _ in })
        throws -> (columns: [String], rows: [[String]], skipped: SkippedRows) {
        var o = TableReadOptions()
        configure(&o)
        let path = try TableTestSupport.temp(text, ext: ext)
        var rows: [[String]] = []
        let s = try TableReader.forEachRecord(path: path, options: o) { rows.append($0.strings()) }
        return (s.columns, rows, s.skipped)
    }

    private func expectError(_ text: String, _ configure: (inout TableReadOptions) -> Void = { _ in },
                             file: StaticString = #filePath, line: UInt = #line) -> TableParseError? {
        do {
            _ = try read(text, configure)
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch let e as TableParseError {
            return e
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    func testQuotedFieldsEmbeddedDelimitersQuotesAndNewlines() throws {
        let r = try read("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",\n")
        XCTAssertEqual(r.columns, ["a", "b", "c"])
        XCTAssertEqual(r.rows, [["1", "x, y", "say \"hi\""], ["2", "two\nlines", ""]])
    }

    func testBOMAndCRLFAndNoTrailingNewline() throws {
        let r = try read("\u{FEFF}id,name\r\n1,Zoë\r\n2,\"a\r\nb\"\r\n3,c")
        XCTAssertEqual(r.columns, ["id", "name"])
        XCTAssertEqual(r.rows, [["1", "Zoë"], ["2", "a\r\nb"], ["3", "c"]])
    }

    func testBlankLinesSkippedAndEmptyFieldsKept() throws {
        let r = try read("a,b\n\n1,\n\n,2\n")
        XCTAssertEqual(r.rows, [["1", ""], ["", "2"]])
    }

    func testTSVByExtensionAndDelimiterOption() throws {
        let r = try read("a\tb\n1\t\"x\ty\"\n", ext: "tsv")
        XCTAssertEqual(r.rows, [["1", "x\ty"]])
        let s = try read("a;b\n1;2,5\n") { $0.delimiter = UInt8(ascii: ";") }
        XCTAssertEqual(s.rows, [["1", "2,5"]])
    }

    func testNoHeaderNamesColumns() throws {
        let r = try read("\"q\"\"x\",2\n3,4\n") { $0.hasHeader = false }
        XCTAssertEqual(r.columns, ["column_1", "column_2"])
        XCTAssertEqual(r.rows, [["q\"x", "2"], ["3", "4"]])
    }

    func testDuplicateAndEmptyHeaderNamesAreMadeUnique() throws {
        let r = try read("a,a,,b\n1,2,3,4\n")
        XCTAssertEqual(r.columns, ["a", "a.1", "column_3", "b"])
    }

    func testRecordLinesAndOffsets() throws {
        let path = try TableTestSupport.temp("a,b\n1,\"x\ny\"\n2,z\n")
        var seen: [(Int, Int64)] = []
        try TableReader.forEachRecord(path: path) { seen.append(($0.line, $0.offset)) }
        XCTAssertEqual(seen.map { $0.0 }, [2, 4])
        XCTAssertEqual(seen.map { $0.1 }, [4, 12])
    }

    func testUnclosedQuoteNamesLineAndColumn() {
        let e = expectError("a,b\n1,2\n3,\"open\n4,5\n")
        XCTAssertEqual(e, .unclosedQuote(file: e?.file ?? "", line: 3, column: 3))
        XCTAssertTrue(e?.description.contains(":3:3: unclosed quote") ?? false, e?.description ?? "")
    }

    func testWrongFieldCountTooManyAndTooFew() {
        let many = expectError("a,b\n1,2\n3,4,5\n")
        XCTAssertEqual(many, .wrongFieldCount(file: many?.file ?? "", line: 3, column: 5, expected: 2, found: 3))
        let few = expectError("a,b,c\n1,2,3\nxé,2\n")
        // Column counted in characters: the end of "xé,2" is column 5.
        XCTAssertEqual(few, .wrongFieldCount(file: few?.file ?? "", line: 3, column: 5, expected: 3, found: 2))
    }

    func testInvalidUTF8NamesLineAndColumn() throws {
        var bytes = Array("a,b\n1,ok\n2,ab".utf8)
        bytes.append(0xFF)
        bytes += Array("c\n".utf8)
        let path = try TableTestSupport.temp(bytes)
        XCTAssertThrowsError(try TableReader.forEachRecord(path: path) { _ in }) { error in
            XCTAssertEqual(error as? TableParseError, .invalidUTF8(file: path, line: 3, column: 5))
        }
    }

    func testLenientModeSkipsAndReportsBadRows() throws {
        var bytes = Array("a,b\n1,2\n3,4,5\n6,7\n8\n9,x".utf8)
        bytes.append(0xC3)   // truncated 2-byte sequence
        bytes += Array("\n10,11\n".utf8)
        let path = try TableTestSupport.temp(bytes)
        var o = TableReadOptions()
        o.lenient = true
        o.maxReportedBadRows = 2
        var rows: [[String]] = []
        let s = try TableReader.forEachRecord(path: path, options: o) { rows.append($0.strings()) }
        XCTAssertEqual(rows, [["1", "2"], ["6", "7"], ["10", "11"]])
        XCTAssertEqual(s.skipped.count, 3)
        XCTAssertEqual(s.skipped.first.map(\.line), [3, 5])
        XCTAssertEqual(s.skipped.first.first?.reason, "expected 2 fields, found 3")
    }

    func testLenientUnclosedQuoteStopsReading() throws {
        let r = try read("a,b\n1,2\n3,\"x\n4,5\n") { $0.lenient = true }
        XCTAssertEqual(r.rows, [["1", "2"]])
        XCTAssertEqual(r.skipped.count, 1)
        XCTAssertEqual(r.skipped.first.first, SkippedRow(line: 3, column: 3, reason: TableParseError.unclosedQuote(file: "", line: 0, column: 0).reason))
    }

    func testEmptyFileAndMissingFile() {
        let e = expectError("")
        XCTAssertEqual(e, .emptyFile(file: e?.file ?? ""))
        XCTAssertThrowsError(try TableReader.columns(path: "/nonexistent/x.csv")) { error in
            guard case .unreadable(let f, _)? = error as? TableParseError else { return XCTFail("\(error)") }
            XCTAssertEqual(f, "/nonexistent/x.csv")
        }
    }

    /// Small chunks force records, quoted newlines and CRLF pairs to straddle chunk and lane boundaries;
    /// the parallel reader must give the same rows as a plain reference parse.
    func testParallelChunkedReadMatchesSequential() throws {
        var text = "id,text,value\r\n"
        var expected: [[String]] = []
        for i in 0..<5000 {
            let t: String
            switch i % 5 {
            case 0: t = "plain\(i)"
            case 1: t = "comma, \(i)"
            case 2: t = "line\nbreak \(i)"
            case 3: t = "quote \"\(i)\""
            default: t = ""
            }
            let quoted = t.contains(",") || t.contains("\n") || t.contains("\"") ? "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : t
            text += "\(i),\(quoted),\(Double(i) / 4)\r\n"
            expected.append(["\(i)", t, "\(Double(i) / 4)"])
        }
        let path = try TableTestSupport.temp(text)
        final class Collector: RecordSink, @unchecked Sendable {
            var segments: [(Int, [[String]])] = []
            func beginSegment(_ id: Int) { segments.append((id, [])) }
            func consume(_ record: TableRecord) { segments[segments.count - 1].1.append(record.strings()) }
        }
        var o = TableReadOptions()
        o.chunkSize = 1 << 16
        o.threads = 2
        var lanes: [Collector] = []
        _ = try DelimitedFileReader.read(path: path, options: o, makeSinks: { _ in
            lanes = [Collector(), Collector()]
            return lanes
        })
        let all = (lanes[0].segments + lanes[1].segments).sorted { $0.0 < $1.0 }.flatMap { $0.1 }
        XCTAssertGreaterThan(lanes[1].segments.count, 1)
        XCTAssertEqual(all.count, expected.count)
        XCTAssertEqual(all, expected)
    }
}
