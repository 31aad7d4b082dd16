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
    public func listRuns(_ query: RunQuery) throws -> [RunRow] {
        try database.read { db in
            let (whereSQL, args) = try whereClause(query, in: db)
            var order: [String] = []
            var orderArgs: [DatabaseValueConvertible?] = []
            let compiler = RunFilterCompiler(keyID: { try self.keyCache.existingID(for: $0, in: db) },
                                             expressionText: "", now: Date().timeIntervalSince1970)
            for key in query.orderBy {
                let (sql, _) = try compiler.fieldSQL(key.field, &orderArgs)
                order.append("(\(sql)) IS NULL")
                order.append("\(sql) \(key.descending ? "DESC" : "ASC")")
            }
            order.append("r.start_time DESC")
            order.append("r.id DESC")
            var sql = "SELECT \(Self.runColumns) FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE \(whereSQL) ORDER BY \(order.joined(separator: ", "))"
            if let limit = query.limit { sql += " LIMIT \(limit)" } else if query.offset > 0 { sql += " LIMIT -1" }
            if query.offset > 0 { sql += " OFFSET \(query.offset)" }
            let runs = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args + orderArgs)).map(Self.runRecord)
            let ids = runs.map(\.rowID)
            let params = try keyValues(table: "params", runs: ids, in: db)
            let tags = try keyValues(table: "tags", runs: ids, in: db)
            let metrics = try metricSummaries(runs: ids, in: db)
            return runs.map { run in
                RunRow(run: run, params: params[run.rowID] ?? [:],
                       metrics: Dictionary((metrics[run.rowID] ?? []).map { ($0.key, $0.last) }, uniquingKeysWith: { a, _ in a }),
                       tags: tags[run.rowID] ?? [:])
            }
        }
    }

    /// How many runs match `query` (its limit and offset are ignored).
    public func countRuns(_ query: RunQuery) throws -> Int {
        try database.read { db in
            let (whereSQL, args) = try whereClause(query, in: db)
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE \(whereSQL)",
                                    arguments: StatementArguments(args)) ?? 0
        }
    }

    func whereClause(_ query: RunQuery, in db: Database) throws -> (String, [DatabaseValueConvertible?]) {
        var clauses: [String] = []
        var args: [DatabaseValueConvertible?] = []
        switch query.deleted {
        case .exclude: clauses.append("r.deleted = 0")
        case .only: clauses.append("r.deleted = 1")
        case .include: break
        }
        if let experiment = query.experiment { clauses.append("e.name = ?"); args.append(experiment) }
        if let parent = query.parentRunID {
            clauses.append("r.parent_run_id = (SELECT id FROM runs WHERE uuid = ?)"); args.append(parent)
        }
        if let filter = query.filter, !filter.allSatisfy(\.isWhitespace) {
            let expression = try FilterExpression.parse(filter)
            let compiler = RunFilterCompiler(keyID: { try self.keyCache.existingID(for: $0, in: db) },
                                             expressionText: filter, now: Date().timeIntervalSince1970)
            let (sql, filterArgs) = try compiler.compile(expression)
            clauses.append(sql); args += filterArgs
        }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), args)
    }
}
