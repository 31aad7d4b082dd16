import DeckStore
@testable import DeckTUI
import XCTest

/// The dashboard's `/` filter uses the same bounded parser and query: hostile filters show an
/// error in the pane with a column, and the background query never shows SQL.
final class RunsFilterLimitTests: XCTestCase {
    func testDeepAndHugeFiltersShowCleanErrors() throws {
        let store = try makeTestStore()
        _ = try seedRuns(store)
        MainActor.assumeIsolated { Self.check(store) }
    }

    @MainActor
    static func check(_ store: DeckStore) {
        let source = RunsSource(store: store)
        source.setQuery(.init(filter: String(repeating: "(", count: 30_000) + "metrics.auc > 1" + String(repeating: ")", count: 30_000)))
        let deepError = source.error
        XCTAssertEqual(deepError?.column, 65)
        XCTAssertTrue(deepError?.message.contains("nests deeper than 64 levels") ?? false, "\(String(describing: deepError))")
        source.setQuery(.init(filter: "metrics.auc < 1e400"))
        let numberError = source.error
        XCTAssertEqual(numberError?.column, 15)

        // 45 NOTs and 500 ORs reach the database and come back.
        source.setQuery(.init(filter: String(repeating: "NOT ", count: 45) + "metrics.auc > 2"))
        var error = source.error
        XCTAssertNil(error)
        source.waitForResults()
        error = source.error
        XCTAssertNil(error)
        source.setQuery(.init(filter: (0..<500).map { "metrics.auc = \($0)" }.joined(separator: " OR ")))
        source.waitForResults()
        error = source.error
        XCTAssertNil(error)

        // Nesting the database cannot take is an error without SQL.
        var deep = "metrics.auc > 0.3"
        for i in 0..<60 { deep = "(params.depth = '\(i)' \(i % 2 == 0 ? "OR" : "AND") \(deep))" }
        source.setQuery(.init(filter: deep))
        source.waitForResults()
        if let error = source.error {
            XCTAssertFalse(error.message.contains("SELECT"), error.message)
            XCTAssertTrue(error.message.contains("too complex"), error.message)
        }
    }
}
