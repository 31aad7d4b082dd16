import DeckStore

/// MLflow's limits on what a run may log, checked as its server checks them: over-long keys are
/// a 400, over-long param and tag values are cut to the limit (MLflow's default,
/// `MLFLOW_TRUNCATE_LONG_VALUES`).
enum MLflowLimits {
    static let key = 250
    static let paramValue = 6000
    static let tagValue = 8000
    static let batchMetrics = 1000
    static let batchParams = 100
    static let batchTags = 100
    static let batchTotal = 1000
    static let maxResults = 50_000

    /// Refuses an empty or over-long key, or one with characters MLflow refuses (`..`, a leading `/`).
    static func checkKey(_ key: String, what: String) throws(MLflowError) {
        guard !key.isEmpty else { throw .invalid("Invalid \(what) name: ''. Names may not be empty.") }
        let bytes = key.utf8
        // The common key (short, no '.' or '/') is settled without counting characters or splitting.
        if bytes.count <= Self.key && !bytes.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "/") }) { return }
        guard key.count <= Self.key else {
            throw .invalid("\(what.capitalized) '\(key.prefix(40))…' had length \(key.count), which exceeded length limit of \(Self.key)")
        }
        if key.hasPrefix("/") || key.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0 == "." }) {
            throw .invalid("Invalid \(what) name: '\(key.prefix(60))'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '\(key.prefix(60))'")
        }
    }

    /// `value` cut to `limit` characters.
    static func truncated(_ value: String, to limit: Int) -> String {
        value.count <= limit ? value : String(value.prefix(limit))
    }

    /// A `max_results` within MLflow's bound (50,000).
    static func maxResults(_ given: Int64?, default value: Int) throws(MLflowError) -> Int {
        guard let given else { return value }
        guard given > 0 else { throw .invalid("Invalid value \(given) for parameter 'max_results' supplied: it must be positive") }
        guard given <= Int64(maxResults) else {
            throw .invalid("Invalid value \(given) for parameter 'max_results' supplied. It must be at most \(maxResults), but got value \(given)")
        }
        return Int(given)
    }
}

/// MLflow's experiment filter (`name LIKE 'churn%'`, `tags.team = 'ml'`), evaluated with
/// MLDeck's filter language.
enum ExperimentFilter {
    struct Context: FilterContext {
        let name: String
        let tags: [String: String]
        /// Registered models (which keep no tags here) read a missing tag as '', so the client's own
        /// clause `tag.`mlflow.prompt.is_prompt` != 'true'` holds as in MLflow.
        var missingTagIsEmpty = false
        func value(of field: FilterField) -> FilterValue? {
            switch field.namespace {
            case "tags", "tag": return tags[field.name].map(FilterValue.string) ?? (missingTagIsEmpty ? .string("") : nil)
            case "attributes" where field.name == "name" || field.name == "experiment": return .string(name)
            default: return nil
            }
        }
    }

    static func matches(_ filter: String, name: String, tags: [String: String], missingTagIsEmpty: Bool = false) throws -> Bool {
        let expression: FilterExpression
        do { expression = try FilterExpression.parse(filter) } catch { throw MLflowError.invalid("Invalid filter '\(filter)': \(error)") }
        return FilterEvaluator().evaluate(expression, in: Context(name: name, tags: tags, missingTagIsEmpty: missingTagIsEmpty))
    }
}
