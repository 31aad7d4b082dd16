import GRDB

/// A top-level `metrics.KEY <op> number` conjunct of a filter: a range on the
/// `metric_summary(key_id, last)` index that the listing can walk instead of scanning runs.
struct MetricRange {
    var key: String
    var op: FilterOperator
    var value: Double

    /// The conjuncts of `expression` joined by AND at the top level that are metric ranges.
    static func conjuncts(of expression: FilterExpression) -> [MetricRange] {
        switch expression {
        case .and(let a, let b): return conjuncts(of: a) + conjuncts(of: b)
        case .compare(let field, let op, .number(let value)) where field.namespace == "metrics":
            guard [.equal, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) else { return [] }
            return [MetricRange(key: field.name, op: op, value: value)]
        default: return []
        }
    }

    /// `o.last > ?` for a summary row aliased `alias`; the value is bound as ``arguments``.
    func condition(alias: String) -> String { "\(alias).last \(op.rawValue) ?" }

    /// The value bound to the `?` of ``condition(alias:)``.
    var arguments: [SQLArgument] { [.real(value)] }

    /// How many runs fall in the range, counting at most `cap`.
    func count(keyID: Int64, cap: Int, dialect: any SQLDialect, in db: Database) throws -> Int {
        let table = "metric_summary\(dialect.indexHint("metric_summary_by_value"))"
        let sql = "SELECT COUNT(*) FROM (SELECT 1 FROM \(table) WHERE key_id = \(keyID) AND \(condition(alias: "metric_summary"))\(dialect.page(limit: cap, offset: 0)))"
        return try Int.fetchOne(db, sql: sql, arguments: DeckStore.bind(arguments)) ?? 0
    }
}
