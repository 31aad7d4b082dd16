@testable import DeckStore
import XCTest

/// The run filter compiler takes its SQLite-only SQL (GLOB, mldeck_num) from the dialect, so a
/// second database's dialect gets none of it.
final class SQLDialectTests: XCTestCase {
    /// PostgreSQL's spelling, as a PostgreSQL implementation would give it.
    struct PostgresLikeDialect: SQLDialect {
        func caseSensitiveLike(_ sql: String, pattern: String, negated: Bool) -> (sql: String, argument: SQLArgument) {
            ("(\(sql) \(negated ? "NOT " : "")LIKE ?)", .text(pattern))
        }
        func caseInsensitiveLike(_ sql: String, negated: Bool) -> String { "(\(sql) \(negated ? "NOT " : "")ILIKE ?)" }
        func hasPrefix(_ sql: String, _ prefix: String) -> (sql: String, argument: SQLArgument) { ("starts_with(\(sql), ?)", .text(prefix)) }
        func textAsNumber(_ sql: String) -> String { "mldeck_number(\(sql))" }
        func page(limit: Int?, offset: Int) -> String { (limit.map { " LIMIT \($0)" } ?? "") + (offset > 0 ? " OFFSET \(offset)" : "") }
        func indexHint(_ index: String) -> String { "" }
    }

    let filters = [
        "params.model LIKE 'xg%'", "tags.note NOT LIKE '%x'", "name ILIKE 'Run%'", "dataset = 'churn'",
        "parent = '3f2a'", "sweep != '3f2a'", "params.depth > 4", "metrics.auc > params.threshold",
    ]

    func compile(_ filter: String, _ dialect: any SQLDialect) throws -> (String, [SQLArgument]) {
        let compiler = RunFilterCompiler(keyID: { _ in 7 }, expressionText: filter, now: 0, dialect: dialect)
        let (sql, arguments) = try compiler.compile(try FilterExpression.parse(filter))
        return (sql, arguments)
    }

    func testSQLiteOnlySQLComesFromTheDialect() throws {
        var sqlite = "", other = ""
        for filter in filters {
            sqlite += try compile(filter, SQLiteDialect()).0 + "\n"
            let (sql, arguments) = try compile(filter, PostgresLikeDialect())
            other += sql + "\n"
            XCTAssertEqual(sql.filter { $0 == "?" }.count, arguments.count, sql)
        }
        for word in ["GLOB", "mldeck_num(", "INDEXED BY", "LIMIT -1"] {
            XCTAssertFalse(other.contains(word), "\(word) leaked into another dialect:\n\(other)")
        }
        XCTAssertTrue(sqlite.contains("GLOB") && sqlite.contains("mldeck_num("), sqlite)
        XCTAssertTrue(other.contains("starts_with(") && other.contains("ILIKE") && other.contains("mldeck_number("), other)
        XCTAssertEqual(SQLiteDialect().page(limit: nil, offset: 5), " LIMIT -1 OFFSET 5")
        XCTAssertEqual(PostgresLikeDialect().page(limit: nil, offset: 5), " OFFSET 5")
    }

    /// The case-sensitive LIKE binds the LIKE pattern as the dialect wants it (SQLite: as a GLOB).
    func testPatternsAreBoundInTheDialectsForm() throws {
        XCTAssertEqual(try compile("params.model LIKE 'xg%'", SQLiteDialect()).1, [.text("xg*")])
        XCTAssertEqual(try compile("params.model LIKE 'xg%'", PostgresLikeDialect()).1, [.text("xg%")])
        XCTAssertEqual(try compile("dataset = 'churn'", PostgresLikeDialect()).1, [.text("churn"), .text("churn@")])
    }
}
