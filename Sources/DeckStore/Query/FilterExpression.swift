/// A field a filter refers to: `metrics.auc`, `params.max_depth`, `tags.note`, `status`,
/// `production.metrics.auc`, `production.exists`.
public struct FilterField: Hashable, Sendable, CustomStringConvertible {
    /// The namespace: `metrics`, `params`, `tags`, `attributes`, or a prefixed one such as
    /// `production.metrics`; `production` for `production.exists`.
    public var namespace: String
    public var name: String
    /// Where the field was written in the filter (1-based column), when it came from the parser.
    /// Not part of equality: `metrics.auc` is the same field wherever it is written.
    public var column: Int?
    /// The 1-based columns of the values compared with this field in its condition (one for
    /// `=`, one per list item for `IN`), so errors found after parsing can point at the value.
    public var valueColumns: [Int] = []

    public init(namespace: String, name: String, column: Int? = nil) {
        self.namespace = namespace; self.name = name; self.column = column
    }

    public static func == (a: FilterField, b: FilterField) -> Bool { a.namespace == b.namespace && a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(namespace); hasher.combine(name) }

    public var description: String { "\(namespace).\(name)" }

    /// Run attributes that may be written bare (`status = 'FAILED'`): every spelling of ``RunAttribute``.
    public static let attributes: Set<String> = RunAttribute.spellings
    static let namespaceAliases: [String: String] = [
        "metrics": "metrics", "metric": "metrics", "params": "params", "param": "params",
        "tags": "tags", "tag": "tags", "attributes": "attributes", "attribute": "attributes",
        "attr": "attributes", "run": "attributes",
    ]
}

/// A literal in a filter.
public enum FilterValue: Hashable, Sendable, CustomStringConvertible {
    case number(Double)
    case string(String)
    case bool(Bool)

    public var description: String {
        switch self {
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .string(let s): return "'\(s)'"
        case .bool(let b): return b ? "TRUE" : "FALSE"
        }
    }
}

/// Comparison operators.
public enum FilterOperator: String, Sendable, Hashable {
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case like = "LIKE", ilike = "ILIKE", notLike = "NOT LIKE", notILike = "NOT ILIKE"
}

/// A parsed filter: MLflow's search syntax plus `OR`, `NOT` and parentheses.
public indirect enum FilterExpression: Hashable, Sendable {
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    case not(FilterExpression)
    case compare(FilterField, FilterOperator, FilterValue)
    /// Two fields compared (`metrics.auc > production.metrics.auc`).
    case compareFields(FilterField, FilterOperator, FilterField)
    case isIn(FilterField, [FilterValue], negated: Bool)
    case isNull(FilterField, negated: Bool)
    /// A bare field used as a condition (`production.exists`).
    case truthy(FilterField)

    /// Parses `text`; throws ``FilterError`` pointing at the offending column.
    public static func parse(_ text: String) throws -> FilterExpression {
        try FilterParser(source: text).parse()
    }

    /// Parses `text` with its own set of bare attributes (model versions have `version`, `task`, …
    /// where runs have `status`, `start_time`, …).
    public static func parse(_ text: String, attributes: Set<String>) throws -> FilterExpression {
        try FilterParser(source: text, attributes: attributes).parse()
    }

    /// Every field the expression mentions.
    public var fields: Set<FilterField> {
        switch self {
        case .and(let a, let b), .or(let a, let b): return a.fields.union(b.fields)
        case .not(let e): return e.fields
        case .compare(let f, _, _), .isIn(let f, _, _), .isNull(let f, _), .truthy(let f): return [f]
        case .compareFields(let a, _, let b): return [a, b]
        }
    }
}
