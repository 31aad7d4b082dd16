import Foundation

/// Turns a ``FilterExpression`` into SQL over `runs r` (joined with `experiments e`).
///
/// Metrics compare by their latest value (as MLflow); params and tags compare as text with a
/// quoted value and as numbers with a number (`params.max_depth > 4`); times compare with ISO
/// dates (`start_time > '2026-11-01'`) or MLflow's milliseconds since 1970; `duration` is seconds.
struct RunFilterCompiler {
    /// Finds the id of a param/metric/tag key; nil when no run has ever used it.
    let keyID: (String) throws -> Int64?
    let expressionText: String
    let now: Double
    /// The database's spelling of pattern matching, text-to-number and the like.
    var dialect: any SQLDialect = SQLiteDialect()

    enum FieldKind { case number, text, time }

    /// The filter as one parenthesised SQL condition and its bound arguments. Chains of AND / OR
    /// come out flat (`(a OR b OR c)`) and `NOT NOT x` as `x`, so the SQL nests no deeper than the
    /// filter's parentheses: SQLite's parser has a fixed stack.
    func compile(_ e: FilterExpression) throws -> (sql: String, arguments: [SQLArgument]) {
        var args: [SQLArgument] = []
        let (sql, precedence) = try build(e, &args)
        return (precedence == .atom ? sql : "(\(sql))", args)
    }

    /// An error at `column` (the field's or value's place in the filter; 1 when the expression
    /// was built without positions).
    func error(_ message: String, at column: Int?) -> FilterError {
        FilterError(message, column: column ?? 1, expression: expressionText)
    }

    /// How loosely a piece of SQL binds: whether it needs parentheses inside a tighter operator.
    enum Precedence: Int, Comparable {
        case or, and, not, atom
        static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
    }

    /// The operands of a chain of one operator (`a OR (b OR c)` → a, b, c), in order.
    static func chain(_ e: FilterExpression, isOr: Bool) -> [FilterExpression] {
        var out: [FilterExpression] = []
        var pending = [e]
        while let next = pending.popLast() {
            switch next {
            case .or(let a, let b) where isOr: pending.append(b); pending.append(a)
            case .and(let a, let b) where !isOr: pending.append(b); pending.append(a)
            default: out.append(next)
            }
        }
        return out
    }

    /// Operands joined flat, in parenthesised groups of at most ``chunk``: SQLite parses a flat
    /// chain into an expression tree as deep as the chain, and refuses trees deeper than 1,000.
    static func joinChunked(_ parts: [String], separator: String) -> String {
        guard parts.count > chunk else { return parts.joined(separator: separator) }
        let groups = stride(from: 0, to: parts.count, by: chunk).map {
            "(" + parts[$0..<min($0 + chunk, parts.count)].joined(separator: separator) + ")"
        }
        return joinChunked(groups, separator: separator)
    }

    static let chunk = 200

    func build(_ e: FilterExpression, _ args: inout [SQLArgument]) throws -> (String, Precedence) {
        switch e {
        case .and, .or:
            let isOr: Bool
            if case .or = e { isOr = true } else { isOr = false }
            let own: Precedence = isOr ? .or : .and
            var parts: [String] = []
            for operand in Self.chain(e, isOr: isOr) {
                let (sql, precedence) = try build(operand, &args)
                parts.append(precedence < own ? "(\(sql))" : sql)
            }
            return (Self.joinChunked(parts, separator: isOr ? " OR " : " AND "), own)
        case .not:
            // NOT NOT x is x, also in SQL's three-valued logic.
            var inner = e, negated = false
            while case .not(let next) = inner { inner = next; negated.toggle() }
            let (sql, precedence) = try build(inner, &args)
            guard negated else { return (sql, precedence) }
            return ("NOT " + (precedence == .atom ? sql : "(\(sql))"), .not)
        default:
            return (try buildCondition(e, &args), .atom)
        }
    }

    /// A single condition, in parentheses.
    func buildCondition(_ e: FilterExpression, _ args: inout [SQLArgument]) throws -> String {
        switch e {
        case .and, .or, .not:
            let (sql, _) = try build(e, &args)
            return "(\(sql))"
        case .isNull(let field, let negated):
            let (sql, _) = try fieldSQL(field, &args)
            return "(\(sql) IS \(negated ? "NOT " : "")NULL)"
        case .truthy(let field):
            throw error("'\(field)' needs a comparison, such as \(field) = 'x'", at: field.column)
        case .isIn(let field, let list, let negated):
            let (sql, kind) = try fieldSQL(field, &args)
            var placeholders: [String] = []
            for (i, value) in list.enumerated() {
                let at = i < field.valueColumns.count ? field.valueColumns[i] : field.column
                let (p, v) = try literal(value, for: kind, field: field, numericText: true, at: at)
                placeholders.append(p); args.append(v)
            }
            return "(\(sql) \(negated ? "NOT " : "")IN (\(placeholders.joined(separator: ", "))))"
        case .compareFields(let left, let op, let right):
            guard ![.like, .ilike, .notLike, .notILike].contains(op) else { throw error("LIKE compares a field with a quoted pattern", at: right.column) }
            var (a, kindA) = try fieldSQL(left, &args)
            var (b, kindB) = try fieldSQL(right, &args)
            if kindA != kindB {
                if kindA == .text { a = dialect.textAsNumber(a); kindA = .number }
                if kindB == .text { b = dialect.textAsNumber(b); kindB = .number }
            }
            return "(\(a) \(op.rawValue) \(b))"
        case .compare(let field, let op, let value):
            if let sql = datasetByName(field, op, value, &args) { return sql }
            if let sql = runByIDPrefix(field, op, value, &args) { return sql }
            var (sql, kind) = try fieldSQL(field, &args)
            switch op {
            case .like, .notLike:
                guard case .string(let pattern) = value else { throw error("LIKE needs a quoted pattern", at: field.valueColumns.first ?? field.column) }
                let (match, argument) = dialect.caseSensitiveLike(sql, pattern: pattern, negated: op == .notLike)
                args.append(argument)
                return match
            case .ilike, .notILike:
                guard case .string(let pattern) = value else { throw error("ILIKE needs a quoted pattern", at: field.valueColumns.first ?? field.column) }
                args.append(.text(pattern))
                return dialect.caseInsensitiveLike(sql, negated: op == .notILike)
            default:
                if kind == .text, case .number = value { sql = dialect.textAsNumber(sql); kind = .number }
                let (placeholder, bound) = try literal(value, for: kind, field: field, numericText: false,
                                                       at: field.valueColumns.first ?? field.column)
                args.append(bound)
                // `status = 'RUNNING'` (or QUEUED) also states the term of the partial index on
                // active runs (`runs_active`, v8), which SQLite uses only when a query says it.
                if op == .equal, field.namespace == "attributes", field.name == "status", case .text(let status) = bound,
                   status == RunStatus.running.rawValue || status == RunStatus.queued.rawValue {
                    return "(\(sql) = \(placeholder) AND r.status IN ('RUNNING','QUEUED'))"
                }
                return "(\(sql) \(op.rawValue) \(placeholder))"
            }
        }
    }

    /// `dataset = 'churn'` names the data set, so it matches every version of it (`churn@1`,
    /// `churn@2`, …); `dataset = 'churn@2'` still matches that version only.
    func datasetByName(_ field: FilterField, _ op: FilterOperator, _ value: FilterValue, _ args: inout [SQLArgument]) -> String? {
        guard field.namespace == "attributes", field.name == "dataset", op == .equal || op == .notEqual,
              case .string(let name) = value, !name.contains("@") else { return nil }
        args.append(.text(name))
        let (versions, argument) = dialect.hasPrefix("r.dataset_version", name + "@")
        args.append(argument)
        let match = "(r.dataset_version = ? OR \(versions))"
        return op == .equal ? match : "(NOT \(match))"
    }

    /// `parent = 'ID'` and `sweep = 'ID'` take a run id or a unique-enough prefix of one (as
    /// `runs show` does): `parent = '3f2a'` matches the children of the run whose id starts 3f2a.
    func runByIDPrefix(_ field: FilterField, _ op: FilterOperator, _ value: FilterValue, _ args: inout [SQLArgument]) -> String? {
        guard field.namespace == "attributes", ["parent", "sweep"].contains(field.name), op == .equal || op == .notEqual,
              case .string(let id) = value, let column = try? fieldSQL(field, &args).0 else { return nil }
        let (match, argument) = dialect.hasPrefix(column, id.lowercased())
        args.append(argument)
        return op == .equal ? "(\(match))" : "(\(column) IS NULL OR NOT \(match))"
    }

    /// The bound value for `value` compared with a field of `kind`; `column` is where the value is written.
    func literal(_ value: FilterValue, for kind: FieldKind, field: FilterField, numericText: Bool, at column: Int?) throws -> (String, SQLArgument) {
        switch (kind, value) {
        case (.number, .number(let n)): return ("?", .real(n))
        case (.number, .string(let s)):
            guard let n = Double(s) else { throw error("\(field) is a number; compare it with a number, not '\(s)'", at: column) }
            return ("?", .real(n))
        case (.number, .bool(let b)): return ("?", .real(b ? 1.0 : 0.0))
        case (.text, .string(let s)):
            return ("?", .text(field.namespace == "attributes" && field.name == "status" ? s.uppercased() : s))
        case (.text, .number(let n)):
            return numericText ? ("?", .text(FilterValue.number(n).description)) : ("?", .real(n))
        case (.text, .bool(let b)): return ("?", .text(b ? "true" : "false"))
        case (.time, .number(let ms)): return ("?", .real(ms / 1000))
        case (.time, .string(let s)):
            guard let seconds = Self.parseDate(s) else { throw error("'\(s)' is not a date (use 2026-11-28 or 2026-11-28T14:00:00Z)", at: column) }
            return ("?", .real(seconds))
        case (.time, .bool): throw error("\(field) is a time; compare it with a date", at: column)
        }
    }

    static func parseDate(_ text: String) -> Double? {
        if let t = try? JSONTime.decode(text) { return t }
        let day = Date.ISO8601FormatStyle().year().month().day()
        if let d = try? day.parse(text) { return d.timeIntervalSince1970 }
        let minute = Date.ISO8601FormatStyle(timeZone: .current).year().month().day().dateTimeSeparator(.space).time(includingFractionalSeconds: false)
        return (try? minute.parse(text))?.timeIntervalSince1970
    }

    func fieldSQL(_ field: FilterField, _ args: inout [SQLArgument]) throws -> (String, FieldKind) {
        switch field.namespace {
        case "metrics", "params", "tags":
            let kind: FieldKind = field.namespace == "metrics" ? .number : .text
            guard let id = try keyID(field.name), let (table, column) = KeyValueColumn.storage(of: field.namespace) else { return ("NULL", kind) }
            return ("(SELECT \(column) FROM \(table) WHERE run_id = r.id AND key_id = \(id))", kind)
        case "attributes":
            guard let attribute = RunAttribute(named: field.name) else { throw error("unknown attribute \(field.name)", at: field.column) }
            return (try attributeSQL(attribute), FieldKind(attribute.kind))
        default:
            throw error("'\(field)' only has a meaning in pipeline conditions, not when listing runs", at: field.column)
        }
    }

    /// The SQL of each run attribute (the table is ``RunAttribute``; this switch keeps every
    /// attribute's SQL beside the others and is exhaustive, so a new attribute cannot lack one).
    func attributeSQL(_ attribute: RunAttribute) throws -> String {
        switch attribute {
        case .status: return "r.status"
        case .name: return "r.name"
        case .id: return "r.uuid"
        case .experiment: return "e.name"
        case .pipeline: return "r.pipeline"
        case .dataset: return "r.dataset_version"
        case .trigger: return "r.trigger"
        case .command: return "r.command"
        // The id of the run's parent (a sweep's children have the sweep's run as parent).
        case .parent: return "(SELECT p.uuid FROM runs p WHERE p.id = r.parent_run_id)"
        // The id of the sweep a run belongs to: its own for a sweep's parent run, the
        // parent's for a child; NULL outside sweeps.
        case .sweep:
            guard let tag = try keyID("mldeck.sweep") else { return "NULL" }
            return "(CASE WHEN EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.parent_run_id AND t.key_id = \(tag)) "
                + "THEN (SELECT p.uuid FROM runs p WHERE p.id = r.parent_run_id) "
                + "WHEN EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.key_id = \(tag)) THEN r.uuid END)"
        case .startTime: return "r.start_time"
        case .endTime: return "r.end_time"
        case .duration: return "(COALESCE(r.end_time, \(now)) - r.start_time)"
        }
    }
}

extension RunFilterCompiler.FieldKind {
    init(_ kind: RunAttribute.Kind) {
        switch kind {
        case .text: self = .text
        case .number: self = .number
        case .time: self = .time
        }
    }
}
