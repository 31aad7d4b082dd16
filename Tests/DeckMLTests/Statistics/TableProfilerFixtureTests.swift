import XCTest
@testable import DeckML

/// Compares `TableProfiler` with pandas' statistics (fixtures made by
/// scripts/fixtures/make_profile_fixtures.py).
final class TableProfilerFixtureTests: XCTestCase {
    struct Fixture: Decodable {
        var rows: Int
        var columns: [Column]
        var levels: [Double]
    }

    struct Column: Decodable {
        var name: String
        var pandas_dtype: String
        var count: Int
        var missing: Int
        var distinct: Int
        var min: Double?
        var max: Double?
        var mean: Double?
        var std: Double?
        var quantiles: [Double]?
        var histogram: HistogramFixture?
        var value_counts: [String: Int]?
        var min_text: String?
        var max_text: String?
    }

    struct HistogramFixture: Decodable {
        var counts: [Int]
        var edges: [Double]
    }

    private func loadFixture(_ name: String) throws -> Fixture {
        let url = try TableTestSupport.fixture(name)
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    private func assertClose(_ a: Double?, _ b: Double?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let a, let b else {
            XCTAssertEqual(a == nil, b == nil, "\(what): \(String(describing: a)) vs \(String(describing: b))", file: file, line: line)
            return
        }
        let tol = 1e-9 * max(1, abs(b))
        XCTAssertLessThanOrEqual(abs(a - b), tol, "\(what): \(a) vs pandas \(b)", file: file, line: line)
    }

    /// Compares every column of `profile` with the pandas fixture.
    private func compare(_ profile: TableProfile, _ fx: Fixture, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(profile.rowCount, fx.rows, file: file, line: line)
        XCTAssertEqual(profile.columns.map(\.name), fx.columns.map(\.name), file: file, line: line)
        for (col, ref) in zip(profile.columns, fx.columns) {
            let w = "column \(ref.name)"
            XCTAssertEqual(col.count, ref.count, "\(w) count", file: file, line: line)
            XCTAssertEqual(col.missing, ref.missing, "\(w) missing", file: file, line: line)
            XCTAssertEqual(col.distinct, ref.distinct, "\(w) distinct", file: file, line: line)
            XCTAssertEqual(col.nullable, ref.missing > 0, "\(w) nullable", file: file, line: line)
            XCTAssertNil(col.approximation, w, file: file, line: line)
            switch ref.pandas_dtype {
            case "int64":
                XCTAssertEqual(col.type, .integer, w, file: file, line: line)
            case "float64":
                XCTAssertTrue(col.type.isNumeric, "\(w) is \(col.type)", file: file, line: line)
            case "bool":
                XCTAssertEqual(col.type, .boolean, w, file: file, line: line)
            default:
                if ref.min_text == nil && col.type != .boolean {
                    XCTAssertTrue(col.type.isTextual, "\(w) is \(col.type)", file: file, line: line)
                }
            }
            if col.type.isNumeric {
                assertClose(col.min, ref.min, "\(w) min", file: file, line: line)
                assertClose(col.max, ref.max, "\(w) max", file: file, line: line)
                assertClose(col.mean, ref.mean, "\(w) mean", file: file, line: line)
                assertClose(col.std, ref.std, "\(w) std", file: file, line: line)
                let qs = col.quantiles?.map(\.value) ?? []
                XCTAssertEqual(col.quantiles?.map(\.q), fx.levels, w, file: file, line: line)
                for (i, q) in (ref.quantiles ?? []).enumerated() where i < qs.count {
                    assertClose(qs[i], q, "\(w) quantile \(fx.levels[i])", file: file, line: line)
                }
                XCTAssertEqual(col.histogram?.counts, ref.histogram?.counts, "\(w) histogram", file: file, line: line)
                for (e, r) in zip(col.histogram?.edges ?? [], ref.histogram?.edges ?? []) {
                    assertClose(e, r, "\(w) histogram edge", file: file, line: line)
                }
            } else if col.type != .datetime {
                let counts = Dictionary(uniqueKeysWithValues: (ref.value_counts ?? [:]).map { ($0.key.lowercased() == "true" || $0.key.lowercased() == "false" ? $0.key.lowercased() : $0.key, $0.value) })
                let top = col.top ?? []
                XCTAssertFalse(top.isEmpty, "\(w) top", file: file, line: line)
                XCTAssertEqual(top.first?.count, counts.values.max(), "\(w) top count", file: file, line: line)
                for t in top {
                    XCTAssertEqual(t.count, counts[t.value], "\(w) count of '\(t.value)'", file: file, line: line)
                }
                XCTAssertEqual(top.map(\.count), top.map(\.count).sorted(by: >), w, file: file, line: line)
            }
            if let mt = ref.min_text {
                XCTAssertEqual(col.type, .datetime, w, file: file, line: line)
                XCTAssertEqual(col.minText, mt, w, file: file, line: line)
                XCTAssertEqual(col.maxText, ref.max_text, w, file: file, line: line)
            }
        }
    }

    func testWaChurnMatchesPandas() throws {
        let p = try TableProfiler.profile(path: TableTestSupport.sharedData("wa_churn.csv"))
        compare(p, try loadFixture("profile_wa_churn.json"))
        XCTAssertEqual(p.column("churn")?.type, .categorical)
        XCTAssertEqual(p.column("total_charges")?.missing, 11)
    }

    func testAmesMatchesPandas() throws {
        let p = try TableProfiler.profile(path: TableTestSupport.sharedData("ames.csv"))
        compare(p, try loadFixture("profile_ames.json"))
    }

    /// The same statistics when read sequentially in small chunks (exercises merging of lanes).
    func testAmesSingleThreadedSmallChunksMatchesPandas() throws {
        var o = TableReadOptions()
        o.threads = 1
        o.chunkSize = 1 << 16
        compare(try TableProfiler.profile(path: TableTestSupport.sharedData("ames.csv"), read: o),
                try loadFixture("profile_ames.json"))
        o.threads = 2
        compare(try TableProfiler.profile(path: TableTestSupport.sharedData("ames.csv"), read: o),
                try loadFixture("profile_ames.json"))
    }

    func testTrickyCSVMatchesPandasAndInfersTypes() throws {
        let path = try TableTestSupport.fixture("profile_tricky.csv").path
        let p = try TableProfiler.profile(path: path)
        compare(p, try loadFixture("profile_tricky.json"))
        let types = Dictionary(uniqueKeysWithValues: p.columns.map { ($0.name, $0.type) })
        XCTAssertEqual(types, ["id": .integer, "name": .text, "comment": .text, "score": .integer, "ratio": .float,
                               "flag": .boolean, "when": .datetime, "city": .categorical])
        XCTAssertEqual(p.column("score")?.nullable, true)
        XCTAssertEqual(p.column("flag")?.top, [CategoryCount(value: "true", count: 5), CategoryCount(value: "false", count: 4)])
    }

    func testProfileJSONRoundTripsWithSnakeCaseKeys() throws {
        let path = try TableTestSupport.fixture("profile_tricky.csv").path
        let p = try TableProfiler.profile(path: path)
        let data = try p.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("\"row_count\":10"), text)
        XCTAssertTrue(text.contains("\"min_text\":\"2022-06-15\""), text)
        XCTAssertEqual(try TableProfile.decode(data), p)
    }
}
