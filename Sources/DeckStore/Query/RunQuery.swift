import Foundation
import GRDB

/// One sort key of a run listing: a field and a direction. Runs missing the field sort last.
public struct RunOrder: Sendable, Hashable {
    public var field: FilterField
    public var descending: Bool

    public init(field: FilterField, descending: Bool) { self.field = field; self.descending = descending }

    /// Parses `metrics.auc DESC, params.depth` (MLflow's `order_by` form).
    public static func parseList(_ text: String) throws -> [RunOrder] {
        try text.split(separator: ",").map { part in
            var words = part.split(separator: " ").map(String.init)
            var descending = false
            if let last = words.last?.uppercased(), last == "DESC" || last == "ASC", words.count > 1 {
                descending = last == "DESC"; words.removeLast()
            }
            let fieldText = words.joined(separator: " ")
            // Reuse the filter grammar for the field: parse "FIELD IS NULL" and take its field.
            guard case .isNull(let field, _) = try FilterExpression.parse(fieldText + " IS NULL") else {
                throw FilterError("expected a field to order by", column: 1, expression: text)
            }
            return RunOrder(field: field, descending: descending)
        }
    }
}

/// What `mldeck runs list` asks for.
public struct RunQuery: Sendable {
    /// A filter expression (MLflow's syntax plus OR, NOT and parentheses).
    public var filter: String?
    /// Sort keys; newest first when empty.
    public var orderBy: [RunOrder]
    public var limit: Int?
    public var offset: Int
    public var experiment: String?
    /// Only runs with this parent (sweeps).
    public var parentRunID: String?
    public var deleted: DeletedRuns

    public enum DeletedRuns: Sendable { case exclude, include, only }

    public init(filter: String? = nil, orderBy: [RunOrder] = [], limit: Int? = nil, offset: Int = 0,
                experiment: String? = nil, parentRunID: String? = nil, deleted: DeletedRuns = .exclude) {
        self.filter = filter; self.orderBy = orderBy; self.limit = limit; self.offset = offset
        self.experiment = experiment; self.parentRunID = parentRunID; self.deleted = deleted
    }
}

/// A run with its params, latest metric values and tags: one line of a listing.
public struct RunRow: Codable, Sendable, Equatable {
    public var run: RunRecord
    public var params: [String: String]
    public var metrics: [String: Double]
    public var tags: [String: String]
    /// The summaries behind `metrics`, sorted by key, with the step and time of each latest
    /// value (MLflow's search answers carry them); not part of the encoded row.
    public var metricSummaries: [MetricSummary] = []

    enum ExtraKeys: String, CodingKey { case params, metrics, tags }

    public init(run: RunRecord, params: [String: String], metrics: [String: Double], tags: [String: String]) {
        self.run = run; self.params = params; self.metrics = metrics; self.tags = tags
    }

    public init(from decoder: Decoder) throws {
        run = try RunRecord(from: decoder)
        let c = try decoder.container(keyedBy: ExtraKeys.self)
        params = try c.decode([String: String].self, forKey: .params)
        metrics = try c.decode([String: Double].self, forKey: .metrics)
        tags = try c.decode([String: String].self, forKey: .tags)
    }

    /// The run's fields flattened with `params`, `metrics` and `tags` beside them.
    public func encode(to encoder: Encoder) throws {
        try run.encode(to: encoder)
        var c = encoder.container(keyedBy: ExtraKeys.self)
        try c.encode(params, forKey: .params)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(tags, forKey: .tags)
    }
}

extension DeckStore {
    /// Lists runs matching `query`: filtered and ordered in SQL, then params, metrics and tags
    /// are fetched for the returned page only.
    ///
    /// Ordered by a metric, the listing walks the `(key, value)` index in order and stops once the
    /// page is full, so the first page of 100,000 runs costs a few hundred lookups, not a sort.
    /// Runs without that metric follow, as they always sort last.
    public func listRuns(_ query: RunQuery) throws -> [RunRow] {
        do { return try listRunsUnmapped(query) } catch let error as DatabaseError { throw RunQueryError(error, filter: query.filter) }
    }

    func listRunsUnmapped(_ query: RunQuery) throws -> [RunRow] {
        try database.read { db in
            let (whereSQL, args, expression) = try whereClauseAndFilter(query, in: db)
            let ranges = expression.map(MetricRange.conjuncts) ?? []
            let dialect = SQLiteDialect()
            let compiler = RunFilterCompiler(keyID: { try self.keyCache.existingID(for: $0, in: db) },
                                             expressionText: "", now: Date().timeIntervalSince1970, dialect: dialect)
            let base = "SELECT \(Self.runColumns) FROM runs r JOIN experiments e ON e.id = r.experiment_id"
            // The ORDER BY of `keys` (runs missing a key last, then newest first) and the joins it
            // reads: each param, tag or metric key is joined once by its (run_id, key_id) key rather
            // than looked up by a subquery in both of its terms (half the time of sorting 100,000
            // runs by a param, which has no value index since v10).
            func orderClause(_ keys: ArraySlice<RunOrder>, _ orderArgs: inout [SQLArgument]) throws -> (joins: String, order: String) {
                var joins = ""
                var terms: [String] = []
                for (i, key) in zip(keys.indices, keys) {
                    let sql: String
                    if let joined = try KeyValueColumn(field: key.field, alias: "o\(i)", keyID: { try keyCache.existingID(for: $0, in: db) }) {
                        joins += joined.join
                        sql = joined.column
                    } else {
                        sql = try compiler.fieldSQL(key.field, &orderArgs).0
                    }
                    // A key no run has: the same NULL for every run orders nothing (and would
                    // keep SQLite from walking the start-time index).
                    if sql == "NULL" { continue }
                    terms += ["(\(sql)) IS NULL", "\(sql) \(key.descending ? "DESC" : "ASC")"]
                }
                return (joins, (terms + ["r.start_time DESC", "r.id DESC"]).joined(separator: ", "))
            }
            func page(_ limit: Int?, _ offset: Int) -> String { dialect.page(limit: limit, offset: offset) }

            // Drive from the most selective metric range when it is small: seek those runs by id.
            var driver = ""
            var driverArgs: [SQLArgument] = []
            var smallest = Int.max
            for range in ranges {
                guard let keyID = try keyCache.existingID(for: range.key, in: db) else { continue }
                let count = try range.count(keyID: keyID, cap: 20_000, dialect: dialect, in: db)
                if count < 20_000 && count < smallest {
                    smallest = count
                    driver = " AND r.id IN (SELECT run_id FROM metric_summary m\(dialect.indexHint("metric_summary_by_value")) WHERE m.key_id = \(keyID) AND \(range.condition(alias: "m")))"
                    driverArgs = range.arguments
                }
            }
            var runs: [RunRecord]
            let first = query.orderBy.first
            let walkable = first.flatMap { KeyValueWalk(field: $0.field) }
            let sameKeyRange = walkable?.table == "metric_summary" && ranges.contains { $0.key == first?.field.name }
            if let first, let walk = walkable, sameKeyRange || smallest >= 2_000,
               let keyID = try keyCache.existingID(for: first.field.name, in: db) {
                // Part 1: runs that have the key, walked through its (key_id, value) index in order.
                var orderArgs: [SQLArgument] = []
                let (restJoins, rest) = try orderClause(query.orderBy.dropFirst(), &orderArgs)
                let direction = first.descending ? "DESC" : "ASC"
                // A range on the same metric (`metrics.m > 0.99 … order by metrics.m`) bounds the walk.
                let sameKey = walk.table == "metric_summary" ? ranges.filter { $0.key == first.field.name } : []
                let bounds = sameKey.map { " AND " + $0.condition(alias: "o") }.joined()
                let boundArgs = sameKey.flatMap(\.arguments)
                let withKey = """
                    SELECT \(Self.runColumns) FROM \(walk.table) o\(dialect.indexHint(walk.index))
                    CROSS JOIN runs r ON r.id = o.run_id JOIN experiments e ON e.id = r.experiment_id\(restJoins)
                    WHERE o.key_id = \(keyID) AND o.\(walk.column) IS NOT NULL\(bounds) AND \(whereSQL)
                    ORDER BY o.\(walk.column) \(direction), \(rest)
                    """
                runs = try Row.fetchAll(db, sql: withKey + page(query.limit, query.offset),
                                        arguments: Self.bind(boundArgs + args + orderArgs)).compactMap(listedRunRecord)
                if sameKey.isEmpty && (query.limit == nil || runs.count < query.limit!) {
                    // Part 2: runs without the key come last.
                    var skipped = 0
                    if query.offset > 0 && runs.isEmpty {
                        skipped = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(withKey))", arguments: Self.bind(boundArgs + args + orderArgs)) ?? 0
                    }
                    let missing = "\(base)\(restJoins) WHERE \(whereSQL) AND NOT EXISTS (SELECT 1 FROM \(walk.table) m WHERE m.run_id = r.id AND m.key_id = \(keyID) AND m.\(walk.column) IS NOT NULL) ORDER BY \(rest)"
                    let remaining = query.limit.map { $0 - runs.count }
                    let offset = runs.isEmpty ? max(0, query.offset - skipped) : 0
                    runs += try Row.fetchAll(db, sql: missing + page(remaining, offset),
                                             arguments: Self.bind(args + orderArgs)).compactMap(listedRunRecord)
                }
            } else {
                var orderArgs: [SQLArgument] = []
                let (joins, order) = try orderClause(query.orderBy[...], &orderArgs)
                runs = try Row.fetchAll(db, sql: "\(base)\(joins) WHERE \(whereSQL)\(driver) ORDER BY \(order)" + page(query.limit, query.offset),
                                        arguments: Self.bind(args + driverArgs + orderArgs)).compactMap(listedRunRecord)
            }
            let ids = runs.map(\.rowID)
            let params = try keyValues(table: "params", runs: ids, in: db)
            let tags = try keyValues(table: "tags", runs: ids, in: db)
            let metrics = try metricSummaries(runs: ids, in: db)
            return runs.map { run in
                let summaries = metrics[run.rowID] ?? []
                var row = RunRow(run: run, params: params[run.rowID] ?? [:],
                                 metrics: Dictionary(summaries.map { ($0.key, $0.last) }, uniquingKeysWith: { a, _ in a }),
                                 tags: tags[run.rowID] ?? [:])
                row.metricSummaries = summaries
                return row
            }
        }
    }

    /// How many runs match `query` (its limit and offset are ignored).
    public func countRuns(_ query: RunQuery) throws -> Int {
        do {
            return try database.read { db in
                let (whereSQL, args) = try whereClause(query, in: db)
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE \(whereSQL)",
                                        arguments: Self.bind(args)) ?? 0
            }
        } catch let error as DatabaseError { throw RunQueryError(error, filter: query.filter) }
    }

    func whereClause(_ query: RunQuery, in db: Database) throws -> (String, [SQLArgument]) {
        let (sql, args, _) = try whereClauseAndFilter(query, in: db)
        return (sql, args)
    }

    func whereClauseAndFilter(_ query: RunQuery, in db: Database) throws -> (String, [SQLArgument], FilterExpression?) {
        var clauses: [String] = []
        var args: [SQLArgument] = []
        switch query.deleted {
        case .exclude: clauses.append("r.deleted = 0")
        case .only: clauses.append("r.deleted = 1")
        case .include: break
        }
        if let experiment = query.experiment { clauses.append("e.name = ?"); args.append(.text(experiment)) }
        if let parent = query.parentRunID {
            clauses.append("r.parent_run_id = (SELECT id FROM runs WHERE uuid = ?)"); args.append(.text(parent))
        }
        var parsed: FilterExpression?
        if let filter = query.filter, !filter.allSatisfy(\.isWhitespace) {
            let expression = try FilterExpression.parse(filter)
            parsed = expression
            let compiler = RunFilterCompiler(keyID: { try self.keyCache.existingID(for: $0, in: db) },
                                             expressionText: filter, now: Date().timeIntervalSince1970, dialect: SQLiteDialect())
            let (sql, filterArgs) = try compiler.compile(expression)
            clauses.append(sql); args += filterArgs
        }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), args, parsed)
    }
}

extension DeckStore {
    /// GRDB's arguments for the values a compiled filter binds.
    static func bind(_ arguments: [SQLArgument]) -> StatementArguments {
        StatementArguments(arguments.map { argument -> DatabaseValueConvertible in
            switch argument {
            case .real(let value): return value
            case .text(let value): return value
            }
        })
    }
}

/// A sort key read from a per-run key/value table through a `LEFT JOIN` on its `(run_id, key_id)` key.
struct KeyValueColumn {
    /// ` LEFT JOIN table alias ON …`.
    var join: String
    /// `alias.value` or `alias.last`.
    var column: String

    /// Params, tags and metrics whose key exists; nil otherwise (a missing key sorts as NULL).
    init?(field: FilterField, alias: String, keyID: (String) throws -> Int64?) throws {
        guard let (table, column) = Self.storage(of: field.namespace), let id = try keyID(field.name) else { return nil }
        join = " LEFT JOIN \(table) \(alias) ON \(alias).run_id = r.id AND \(alias).key_id = \(id)"
        self.column = "\(alias).\(column)"
    }

    /// The table and column holding a run's value of a key in `namespace` (the latest value for
    /// metrics); nil for namespaces that are not per-run key/value tables.
    static func storage(of namespace: String) -> (table: String, column: String)? {
        switch namespace {
        case "metrics": ("metric_summary", "last")
        case "params", "tags": (namespace, "value")
        default: nil
        }
    }
}

/// A per-run key/value table whose `(key_id, value)` index gives runs in the order of one key.
/// Only metrics (latest value) have one: params lost theirs in migration v10 (it cost a WAL page
/// per param key on every run created), so ordering by a param sorts.
struct KeyValueWalk {
    var table: String
    var index: String
    var column: String

    /// Metrics; nil for fields ordered by sorting.
    init?(field: FilterField) {
        switch field.namespace {
        case "metrics": (table, index, column) = ("metric_summary", "metric_summary_by_value", "last")
        default: return nil
        }
    }
}
