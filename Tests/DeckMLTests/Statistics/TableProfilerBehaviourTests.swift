import XCTest
@testable import DeckML

final class TableProfilerBehaviourTests: XCTestCase {
    /// Past the exact limit, numeric statistics come from a sketch whose stated bounds hold against the
    /// exact profile of the same data.
    func testSketchPastExactLimitStaysWithinStatedBounds() throws {
        var text = "x,label\n"
        var state: UInt64 = 42
        for i in 0..<60000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53)
            text += "\(String(format: "%.6f", u * u * 1000)),L\(i % 5000)\n"
        }
        let path = try TableTestSupport.temp(text)
        var read = TableReadOptions()
        read.chunkSize = 1 << 16
        let exact = try TableProfiler.profile(path: path, read: read)
        let approx = try TableProfiler.profile(path: path, read: read, options: .init(exactLimit: 5000, sampleSize: 4000, distinctLimit: 1000))
        let e = try XCTUnwrap(exact.column("x")), a = try XCTUnwrap(approx.column("x"))
        XCTAssertNil(e.approximation)
        let ap = try XCTUnwrap(a.approximation)
        let sample = try XCTUnwrap(ap.sampleSize)
        XCTAssertLessThanOrEqual(sample, 4000)
        XCTAssertGreaterThan(sample, 3000)
        XCTAssertEqual(a.count, e.count)
        XCTAssertEqual(a.min, e.min)
        XCTAssertEqual(a.max, e.max)
        XCTAssertEqual(a.mean!, e.mean!, accuracy: 1e-9 * e.mean!)
        XCTAssertEqual(a.std!, e.std!, accuracy: 1e-9 * e.std!)
        // Quantiles: the rank of the estimate in the exact data is within the stated rank error.
        let xs = text.split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[0])! }.sorted()
        let bound = try XCTUnwrap(ap.quantileRankError)
        for q in a.quantiles! {
            let rank = Double(xs.firstIndex { $0 >= q.value } ?? xs.count) / Double(xs.count)
            XCTAssertLessThanOrEqual(abs(rank - q.q), bound + 1.0 / Double(xs.count), "q \(q.q)")
        }
        XCTAssertEqual(a.histogram?.counts.reduce(0, +) ?? 0, e.count, accuracy: 40)
        // Distinct: within 4 standard errors of the HyperLogLog.
        let rel = try XCTUnwrap(ap.distinctRelativeError)
        XCTAssertLessThanOrEqual(abs(Double(a.distinct - e.distinct)) / Double(e.distinct), 4 * rel)
        // Text past the distinct limit: estimated distinct, top flagged approximate.
        let l = try XCTUnwrap(approx.column("label"))
        XCTAssertEqual(l.approximation?.topApproximate, true)
        XCTAssertLessThanOrEqual(abs(Double(l.distinct - 5000)) / 5000, 4 * HyperLogLog.relativeStandardError)
        XCTAssertEqual(exact.column("label")?.distinct, 5000)
    }

    /// A column that looks numeric for more than 1,024 distinct values and then has text is counted
    /// exactly by the file API (second pass), approximately by the streaming API.
    func testLateTextColumn() throws {
        var text = "v\n"
        for i in 0..<3000 { text += "\(i % 2000)\n" }
        text += "zzz\n"
        let path = try TableTestSupport.temp(text)
        let p = try TableProfiler.profile(path: path)
        let v = try XCTUnwrap(p.column("v"))
        XCTAssertEqual(v.type, .text)
        XCTAssertEqual(v.distinct, 2001)
        XCTAssertNil(v.approximation)
        XCTAssertEqual(v.top?.first, CategoryCount(value: "0", count: 2))
        XCTAssertNil(v.mean)

        let streaming = TableProfiler(columns: ["v"])
        for line in text.split(separator: "\n").dropFirst() { streaming.add(row: [String(line)]) }
        let s = streaming.finish()
        XCTAssertEqual(s.column("v")?.type, .text)
        XCTAssertEqual(s.column("v")?.approximation?.topApproximate, true)
    }

    func testStreamingMatchesFile() throws {
        let path = try TableTestSupport.fixture("profile_tricky.csv").path
        let fromFile = try TableProfiler.profile(path: path)
        let profiler = TableProfiler(columns: try TableReader.columns(path: path))
        try TableReader.forEachRecord(path: path) { profiler.add($0) }
        var streamed = profiler.finish()
        streamed.format = fromFile.format
        XCTAssertEqual(streamed, fromFile)
    }

    func testNATokensAndMixedTypes() throws {
        let path = try TableTestSupport.temp("a,b,c,d\nNA,1,True,2024-01-01\n2,true,x,2024-01-02\n-,3,,5\n")
        var read = TableReadOptions()
        read.naTokens = ["NA", "-"]
        let p = try TableProfiler.profile(path: path, read: read)
        XCTAssertEqual(p.column("a")?.missing, 2)
        XCTAssertEqual(p.column("a")?.type, .integer)
        XCTAssertEqual(p.column("a")?.std, nil)            // one value
        XCTAssertEqual(p.column("b")?.type, .text)          // numbers mixed with booleans
        XCTAssertEqual(p.column("c")?.type, .text)
        XCTAssertEqual(p.column("d")?.type, .text)          // dates mixed with a number
        let plain = try TableProfiler.profile(path: path)
        XCTAssertEqual(plain.column("a")?.missing, 0)
        XCTAssertEqual(plain.column("a")?.type, .text)
    }

    func testJSONLinesProfile() throws {
        let path = try TableTestSupport.temp("{\"x\": 1, \"s\": \"a\"}\n{\"x\": 3, \"s\": \"a\"}\n{\"s\": \"b\", \"t\": \"2024-05-01T10:00:00Z\"}\n", ext: "jsonl")
        let p = try TableProfiler.profile(path: path)
        XCTAssertEqual(p.rowCount, 3)
        XCTAssertEqual(p.format, .jsonLines)
        XCTAssertEqual(p.column("x")?.mean, 2)
        XCTAssertEqual(p.column("x")?.missing, 1)
        XCTAssertEqual(p.column("s")?.top, [CategoryCount(value: "a", count: 2), CategoryCount(value: "b", count: 1)])
        XCTAssertEqual(p.column("t")?.type, .datetime)
        XCTAssertEqual(p.column("t")?.maxText, "2024-05-01T10:00:00Z")
    }

    func testHeaderOnlyFileHasNoRows() throws {
        let p = try TableProfiler.profile(path: try TableTestSupport.temp("\u{FEFF}a,b\r\n"))
        XCTAssertEqual(p.rowCount, 0)
        XCTAssertEqual(p.columns.map(\.name), ["a", "b"])
        XCTAssertEqual(p.columns.map(\.count), [0, 0])
        XCTAssertEqual(p.columns.map(\.type), [.float, .float])
    }

    func testLenientProfileReportsSkippedRows() throws {
        let path = try TableTestSupport.temp("a,b\n1,2\n3\n4,5\n")
        var read = TableReadOptions()
        read.lenient = true
        let p = try TableProfiler.profile(path: path, read: read)
        XCTAssertEqual(p.rowCount, 2)
        XCTAssertEqual(p.skipped?.count, 1)
        XCTAssertEqual(p.skipped?.first.first?.line, 3)
        XCTAssertEqual(p.column("a")?.mean, 2.5)
    }
}
