/// A value bound to a placeholder of generated SQL (the compiler never writes a value into the
/// SQL text itself).
enum SQLArgument: Sendable, Equatable {
    case real(Double)
    case text(String)
}

/// The pieces of SQL that differ between databases, for the run filter compiler and the run
/// listing. Generated SQL uses `?` placeholders in argument order; an implementation whose driver
/// numbers them (PostgreSQL's `$1`) renumbers them in order (no value is ever written inline).
protocol SQLDialect: Sendable {
    /// A case-sensitive `LIKE` (`%` any run, `_` one character) of `sql` against `pattern`,
    /// with the one argument to bind.
    func caseSensitiveLike(_ sql: String, pattern: String, negated: Bool) -> (sql: String, argument: SQLArgument)
    /// A case-insensitive `LIKE` of `sql` against one bound pattern.
    func caseInsensitiveLike(_ sql: String, negated: Bool) -> String
    /// True when `sql` (text, maybe NULL) starts with `prefix`, with the one argument to bind.
    func hasPrefix(_ sql: String, _ prefix: String) -> (sql: String, argument: SQLArgument)
    /// The number a text expression holds, or NULL when it holds none (`'4'` → 4, `'x'` → NULL).
    func textAsNumber(_ sql: String) -> String
    /// ` LIMIT … OFFSET …` for a page (empty for neither).
    func page(limit: Int?, offset: Int) -> String
    /// An index hint after a table name (empty where the planner takes no hints).
    func indexHint(_ index: String) -> String
}

/// SQLite's dialect: `GLOB` for case-sensitive matching (SQLite's `LIKE` ignores ASCII case), the
/// `mldeck_num` function registered on every connection (``SQLFunctions``), `LIMIT -1` for an
/// offset without a limit, and `INDEXED BY` to pin the `(key, value)` index walks.
struct SQLiteDialect: SQLDialect {
    func caseSensitiveLike(_ sql: String, pattern: String, negated: Bool) -> (sql: String, argument: SQLArgument) {
        ("(\(negated ? "NOT " : "")\(sql) GLOB ?)", .text(LikePattern.glob(fromLike: pattern)))
    }

    func caseInsensitiveLike(_ sql: String, negated: Bool) -> String { "(\(sql) \(negated ? "NOT " : "")LIKE ?)" }

    func hasPrefix(_ sql: String, _ prefix: String) -> (sql: String, argument: SQLArgument) {
        ("\(sql) GLOB ?", .text(LikePattern.globEscaped(prefix) + "*"))
    }

    func textAsNumber(_ sql: String) -> String { "mldeck_num(\(sql))" }

    func page(limit: Int?, offset: Int) -> String {
        var sql = ""
        if let limit { sql += " LIMIT \(limit)" } else if offset > 0 { sql += " LIMIT -1" }
        if offset > 0 { sql += " OFFSET \(offset)" }
        return sql
    }

    func indexHint(_ index: String) -> String { " INDEXED BY \(index)" }
}
