import XCTest
@testable import DeckML

final class DataTableTests: XCTestCase {
    /// A column is found by name whether or not it sits at the position given as a hint.
    func testIndexWithAPositionHintFindsTheNamedColumnAnywhere() {
        let table = DataTable(names: ["a", "b", "c"], types: [.float, .float, .float],
                              columns: [.numeric([1]), .numeric([2]), .numeric([3])])
        XCTAssertEqual(table.index(of: "b", expectedAt: 1), 1)
        XCTAssertEqual(table.index(of: "b", expectedAt: 0), 1, "a wrong hint falls back to the names")
        XCTAssertEqual(table.index(of: "c", expectedAt: 7), 2, "a hint past the end too")
        XCTAssertEqual(table.index(of: "a", expectedAt: -1), 0)
        XCTAssertNil(table.index(of: "z", expectedAt: 0))
    }

    func testTrickyFixtureColumnsAndEncodings() throws {
        let t = try DataTable.load(path: try TableTestSupport.fixture("profile_tricky.csv").path)
        XCTAssertEqual(t.rowCount, 10)
        XCTAssertEqual(t.names, ["id", "name", "comment", "score", "ratio", "flag", "when", "city"])
        XCTAssertEqual(t.types, [.integer, .text, .text, .integer, .float, .boolean, .datetime, .categorical])
        let score = try XCTUnwrap(t["score"]?.numbers)
        XCTAssertEqual(score.filter { !$0.isNaN }, [10, 7, 10, -4, 0, 10, 7, 3])
        XCTAssertEqual(score.filter(\.isNaN).count, 2)
        XCTAssertEqual(t["ratio"]?.numbers?[5], 250)
        XCTAssertEqual(t["flag"]?.numbers?.prefix(4), [1, 0, 1, 0])
        XCTAssertEqual(t["when"]?.numbers?[0], 1_704_412_800)          // 2024-01-05T00:00:00Z
        XCTAssertEqual(t["when"]?.numbers?[6], 1_709_247_600)          // 2024-03-01T00:00:00+01:00
        guard case .categorical(let codes, let cats)? = t["city"] else { return XCTFail("city") }
        XCTAssertEqual(cats, ["Zürich", "Paris", "Köln"])             // first appearance
        XCTAssertEqual(codes, [0, 1, 0, 1, 0, 2, 1, -1, 0, 1])
        XCTAssertEqual(t["comment"]?.text(at: 1), "line one\r\nline two")
        XCTAssertNil(t["comment"]?.text(at: 2))
    }

    /// Numeric columns agree with pandas' sums (via the profile fixture's means) and categorical
    /// columns with its value counts.
    func testWaChurnAgreesWithPandas() throws {
        struct Col: Decodable { var name: String; var count: Int; var mean: Double?; var value_counts: [String: Int]? }
        struct Fx: Decodable { var rows: Int; var columns: [Col] }
        let fx = try JSONDecoder().decode(Fx.self, from: Data(contentsOf: try TableTestSupport.fixture("profile_wa_churn.json")))
        let t = try DataTable.load(path: TableTestSupport.sharedData("wa_churn.csv"))
        XCTAssertEqual(t.rowCount, fx.rows)
        for ref in fx.columns {
            let col = try XCTUnwrap(t[ref.name], ref.name)
            switch col {
            case .numeric(let v):
                let present = v.filter { !$0.isNaN }
                XCTAssertEqual(present.count, ref.count, ref.name)
                let mean = present.reduce(0, +) / Double(present.count)
                XCTAssertEqual(mean, ref.mean ?? .nan, accuracy: 1e-9 * max(1, abs(ref.mean ?? 0)), ref.name)
            case .categorical(let codes, let cats):
                var counts: [String: Int] = [:]
                for c in codes where c >= 0 { counts[cats[Int(c)], default: 0] += 1 }
                XCTAssertEqual(counts, ref.value_counts, ref.name)
            }
        }
    }

    /// A column that looks numeric for thousands of rows and then holds text is coded as text for
    /// every row (second pass), with two lanes and small chunks.
    func testLateTextColumnIsRecoded() throws {
        var text = "n,v\n"
        for i in 0..<6000 { text += "\(i),\(i % 1500)\n" }
        text += "6000,abc\n6001,\n"
        var o = TableReadOptions()
        o.chunkSize = 1 << 14
        o.threads = 2
        let t = try DataTable.load(path: try TableTestSupport.temp(text), options: o)
        XCTAssertEqual(t.types, [.integer, .text])
        XCTAssertEqual(t.rowCount, 6002)
        guard case .categorical(let codes, let cats)? = t["v"] else { return XCTFail("v") }
        XCTAssertEqual(cats.count, 1501)
        XCTAssertEqual(cats[Int(codes[1501])], "1")
        XCTAssertEqual(cats[Int(codes[6000])], "abc")
        XCTAssertEqual(codes[6001], -1)
        XCTAssertEqual(t["n"]?.numbers?.last, 6001)
    }

    func testJSONLinesLoad() throws {
        let path = try TableTestSupport.temp("{\"a\": 1, \"b\": \"x\"}\n{\"b\": \"y\", \"c\": true}\n{\"a\": 2.5, \"c\": false, \"b\": null}\n", ext: "jsonl")
        let t = try DataTable.load(path: path)
        XCTAssertEqual(t.names, ["a", "b", "c"])
        XCTAssertEqual(t.types, [.float, .text, .boolean])
        XCTAssertEqual(t["a"]?.numbers?.map { $0.isNaN ? -1 : $0 }, [1, -1, 2.5])
        XCTAssertEqual(t["c"]?.numbers?.map { $0.isNaN ? -1 : $0 }, [-1, 1, 0])
        XCTAssertEqual(t["b"], .categorical(codes: [0, 1, -1], categories: ["x", "y"]))
    }
}
