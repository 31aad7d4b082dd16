import Foundation
import XCTest

/// Loads a committed fixture JSON from the test bundle's `Fixtures` folder.
func loadMetricsFixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
                            "fixture \(name).json missing")
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

struct ClassificationFixture: Decodable {
    struct Case: Decodable {
        let name: String
        let classCount: Int?
        let labels: [Int]
        let probabilities: [Double]
        let expected: [String: Double?]
        let confusionMatrix: [[Int]]
    }
    let sklearn: String
    let cases: [Case]
}

struct RegressionFixture: Decodable {
    struct Case: Decodable {
        let name: String
        let targets: [Double]
        let predictions: [Double]
        let expected: [String: Double]
    }
    let sklearn: String
    let cases: [Case]
}

/// Asserts every expected metric (a null expectation means the metric must be absent) to `tolerance`.
func assertMetrics(_ actual: [String: Double], _ expected: [String: Double?], tolerance: Double = 1e-9,
                   context: String, file: StaticString = #filePath, line: UInt = #line) {
    for (name, value) in expected {
        if let value {
            guard let got = actual[name] else {
                XCTFail("\(context): metric \(name) missing", file: file, line: line)
                continue
            }
            XCTAssertEqual(got, value, accuracy: tolerance * max(1, abs(value)), "\(context): \(name)", file: file, line: line)
        } else {
            XCTAssertNil(actual[name], "\(context): \(name) should be undefined", file: file, line: line)
        }
    }
}
