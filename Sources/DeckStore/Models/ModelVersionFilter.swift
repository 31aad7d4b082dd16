import Foundation

/// A filter over model versions (`models promote --where`, the `select` step's `where:`), in the
/// one filter language of MLDeck (``FilterExpression``):
///
/// - `metrics.X` (numbers), `params.X` and `tags.X` (text; compared as numbers with a number);
/// - `version` (a number: `version >= 3`), `task`, `run_id`, `framework`;
/// - `dataset`: a name matches every version trained on that dataset (`dataset = 'churn'`), a
///   `NAME@N` one dataset version (`dataset = 'churn@2'`).
///
/// Fields that mean nothing for a model version (`production.…`, `status`) and comparisons of a
/// number with text are refused when the filter is made, with the column, as the run filter does.
public struct ModelVersionFilter: Sendable, CustomStringConvertible {
    /// Attributes of a model version that may be written bare.
    public static let attributes: Set<String> = ["version", "task", "dataset", "run_id", "framework"]
    static let numericAttributes: Set<String> = ["version"]

    /// The filter as written.
    public let text: String
    let expression: FilterExpression

    /// Parses and checks `text`; throws ``FilterError`` naming the column.
    public init(_ text: String) throws {
        self.text = text
        let parsed = try FilterExpression.parse(text, attributes: Self.attributes)
        try Self.check(parsed, text: text)
        expression = Self.rewriteDatasets(parsed)
    }

    public var description: String { text }

    /// True when `version` matches (a comparison with a value the version does not have is false).
    public func matches(_ version: ModelVersionRecord) -> Bool {
        FilterEvaluator().evaluate(expression, in: Context(version: version))
    }

    // MARK: Checks

    static func check(_ e: FilterExpression, text: String) throws {
        func fail(_ message: String, _ column: Int?) -> FilterError { FilterError(message, column: column ?? 1, expression: text) }
        func checkField(_ field: FilterField) throws {
            guard ["metrics", "params", "tags", "attributes"].contains(field.namespace) else {
                throw fail("'\(field)' has no meaning for a model version; use metrics.NAME, params.NAME, tags.NAME, dataset or version", field.column)
            }
        }
        func isNumeric(_ field: FilterField) -> Bool {
            field.namespace == "metrics" || (field.namespace == "attributes" && numericAttributes.contains(field.name))
        }
        func checkValue(_ field: FilterField, _ value: FilterValue, at column: Int?) throws {
            guard isNumeric(field), case .string(let s) = value, Double(s) == nil else { return }
            throw fail("\(field.namespace == "attributes" ? field.name : field.description) is a number; compare it with a number, not '\(s)'", column)
        }
        switch e {
        case .and(let a, let b), .or(let a, let b):
            try check(a, text: text); try check(b, text: text)
        case .not(let inner): try check(inner, text: text)
        case .compare(let field, let op, let value):
            try checkField(field)
            if ![.like, .ilike, .notLike, .notILike].contains(op) { try checkValue(field, value, at: field.valueColumns.first ?? field.column) }
        case .compareFields(let a, _, let b): try checkField(a); try checkField(b)
        case .isIn(let field, let values, _):
            try checkField(field)
            for (i, value) in values.enumerated() {
                try checkValue(field, value, at: i < field.valueColumns.count ? field.valueColumns[i] : field.column)
            }
        case .isNull(let field, _): try checkField(field)
        case .truthy(let field):
            try checkField(field)
            throw fail("'\(field)' needs a comparison, such as \(field.namespace == "attributes" ? field.name : field.description) = 'x'", field.column)
        }
    }

    // MARK: Datasets by name

    /// `dataset = 'churn'` (no `@`) compares the dataset's name, so it matches every version of it.
    static func rewriteDatasets(_ e: FilterExpression) -> FilterExpression {
        func byName(_ field: FilterField, _ value: FilterValue) -> FilterField? {
            guard field.namespace == "attributes", field.name == "dataset", case .string(let s) = value, !s.contains("@") else { return nil }
            var named = field
            named.name = datasetName
            return named
        }
        switch e {
        case .and(let a, let b): return .and(rewriteDatasets(a), rewriteDatasets(b))
        case .or(let a, let b): return .or(rewriteDatasets(a), rewriteDatasets(b))
        case .not(let inner): return .not(rewriteDatasets(inner))
        case .compare(let field, let op, let value) where op == .equal || op == .notEqual:
            return byName(field, value).map { .compare($0, op, value) } ?? e
        case .isIn(let field, let values, let negated) where field.namespace == "attributes" && field.name == "dataset":
            let each = values.map { value in FilterExpression.compare(byName(field, value) ?? field, .equal, value) }
            guard var any = each.first else { return e }
            for next in each.dropFirst() { any = .or(any, next) }
            return negated ? .not(any) : any
        default: return e
        }
    }

    /// The hidden field a name-only `dataset` comparison reads (the parser never yields it).
    static let datasetName = "dataset name"

    /// A model version seen by the filter.
    struct Context: FilterContext {
        let version: ModelVersionRecord

        func value(of field: FilterField) -> FilterValue? {
            switch field.namespace {
            case "metrics": return version.metrics[field.name].map { .number($0) }
            case "params": return version.params[field.name].map { .string($0) }
            case "tags": return version.tags[field.name].map { .string($0) }
            case "attributes":
                switch field.name {
                case "version": return .number(Double(version.version))
                case "task": return version.task.map { .string($0) }
                case "dataset": return version.datasetReference.map { .string($0) }
                case ModelVersionFilter.datasetName: return version.datasetName.map { .string($0) }
                case "run_id": return version.runID.map { .string($0) }
                case "framework": return .string(version.framework)
                default: return nil
                }
            default: return nil
            }
        }
    }
}
