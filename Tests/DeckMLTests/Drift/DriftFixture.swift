import DeckML
import Foundation
import XCTest

/// The committed drift fixtures (scripts/fixtures/make_drift_fixtures.py: SciPy and Evidently 0.7).
enum DriftFixture {
    static func expected() throws -> [String: Any] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "drift_expected", withExtension: "json", subdirectory: "Fixtures/drift"),
                                "missing fixture drift_expected.json")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func table(_ name: String) throws -> DataTable {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures/drift"), "missing \(name).csv")
        return try DataTable.load(path: url.path)
    }

    static func cases() throws -> [[String: Any]] {
        try XCTUnwrap(try expected()["cases"] as? [[String: Any]])
    }

    /// A number of the fixture: JSON numbers, or "inf"/"nan" strings.
    static func number(_ value: Any?) -> Double? {
        if let d = value as? Double { return d }
        if let i = value as? Int { return Double(i) }
        if let s = value as? String {
            switch s {
            case "inf": return .infinity
            case "-inf": return -.infinity
            case "nan": return .nan
            default: return nil
            }
        }
        return nil
    }

    /// The generated KS samples: x_i = scale·((mult·i + add) mod modulus)/modulus + shift.
    static func generated(_ spec: [String: Any]) throws -> [Double] {
        let n = try XCTUnwrap(spec["n"] as? Int), mult = try XCTUnwrap(spec["mult"] as? Int)
        let add = try XCTUnwrap(spec["add"] as? Int), modulus = try XCTUnwrap(spec["modulus"] as? Int)
        let scale = try XCTUnwrap(number(spec["scale"])), shift = try XCTUnwrap(number(spec["shift"]))
        return (0..<n).map { i in
            let k = (UInt64(mult) &* UInt64(i) &+ UInt64(add)) % UInt64(modulus)
            return scale * (Double(k) / Double(modulus)) + shift
        }
    }

    /// Evidently's display names of the tests.
    static func test(evidentlyMethod name: String) -> DriftTest? {
        DriftTest.allCases.first { $0.displayName == name }
    }
}

/// `actual` within `tolerance` of `expected`, relative to max(1, |expected|); infinities and NaN must match.
func assertClose(_ actual: Double?, _ expected: Double?, _ tolerance: Double, _ what: @autoclosure () -> String,
                 file: StaticString = #filePath, line: UInt = #line) {
    guard let expected else { return }
    guard let actual else { return XCTFail("\(what()): no value, expected \(expected)", file: file, line: line) }
    if expected.isNaN { return XCTAssertTrue(actual.isNaN, "\(what()): \(actual), expected NaN", file: file, line: line) }
    if expected.isInfinite { return XCTAssertEqual(actual, expected, "\(what())", file: file, line: line) }
    XCTAssertLessThanOrEqual(abs(actual - expected), tolerance * max(1, abs(expected)),
                             "\(what()): \(actual) vs \(expected)", file: file, line: line)
}
