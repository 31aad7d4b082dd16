import DeckEngine
import Foundation
import XCTest

/// `mldeck.yaml` is outside input: aliases that expand exponentially ("billion laughs"), deep
/// nesting and huge files are refused before anything is built, naming the file and the line.
final class ConfigLimitsTests: XCTestCase {
    /// Nine levels of nine aliases: 9⁹ (387 million) values from about 700 bytes.
    static let billionLaughs: String = {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(refs)]")
        }
        return "pipelines: {}\n" + lines.joined(separator: "\n") + "\n"
    }()

    func error(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> PipelineConfigError? {
        do { _ = try ConfigLoader.parse(yaml, file: "mldeck.yaml"); XCTFail("parsed", file: file, line: line) } catch let e as PipelineConfigError {
            return e
        } catch { XCTFail("\(type(of: error)): \(error)", file: file, line: line) }
        return nil
    }

    func testBillionLaughsIsRefusedQuicklyNamingFileAndLine() throws {
        let start = Date()
        let e = try XCTUnwrap(error(Self.billionLaughs))
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        XCTAssertTrue(e.description.hasPrefix("mldeck.yaml:"), e.description)
        XCTAssertTrue(e.message.contains("expands to more than"), e.message)
        let line = try XCTUnwrap(e.location?.line)
        XCTAssertTrue((7...11).contains(line), "line \(line): where the expansion passes the limit")
    }

    func testAFewAliasesStillWork() throws {
        let value = try ConfigLoader.parse("""
            defaults: &d {max_depth: 3, eta: 0.1}
            pipelines:
              p: {params: *d}
              q: {params: *d}
            """, file: "mldeck.yaml")
        XCTAssertEqual(value["pipelines"]?["q"]?["params"]?["eta"]?.text, "0.1")
    }

    func testDeepNestingIsRefused() throws {
        let flow = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let e = try XCTUnwrap(error("pipelines: {}\nx: \(flow)\n"))
        XCTAssertTrue(e.message.contains("nest deeper than 64 levels") || e.message.contains("not valid YAML"), e.message)
        XCTAssertEqual(e.location?.line, 2)
        var block = "pipelines: {}\n"
        for i in 0..<80 { block += String(repeating: "  ", count: i) + "k\(i):\n" }
        block += String(repeating: "  ", count: 80) + "leaf: 1\n"
        XCTAssertTrue(error(block)?.message.contains("nest deeper than 64 levels") ?? false)
    }

    func testHugeFilesAreRefused() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-huge-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(count: 5 << 20).write(to: url)
        XCTAssertThrowsError(try ConfigLoader.load(url)) { e in
            XCTAssertTrue("\(e)".contains("limited to 4 MiB"), "\(e)")
            XCTAssertTrue("\(e)".hasPrefix(url.path), "\(e)")
        }
    }
}
