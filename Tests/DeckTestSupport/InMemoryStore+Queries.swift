import DeckStore
import Foundation

/// Run listings in memory: the filter is parsed by DeckStore's parser and evaluated by its
/// in-memory ``FilterEvaluator`` (the SQLite store compiles it to SQL instead). Times compare as
/// MLflow's milliseconds since 1970 only (not as date strings), and `sweep` is not known: enough
/// for the engine's own queries (`lastRun(ofPipeline:)`, metric and param filters).
extension InMemoryStore {
    public func listRuns(_ query: RunQuery) throws -> [RunRow] {
        var rows = try matching(query)
        rows.sort { a, b in
            for key in query.orderBy {
                let x = Self.value(of: key.field, in: a), y = Self.value(of: key.field, in: b)
                switch (x, y) {
                case (nil, nil): continue
                case (nil, _): return false          // missing values sort last
                case (_, nil): return true
                case (let x?, let y?):
                    if x == y { continue }
                    return key.descending ? Self.less(y, x) : Self.less(x, y)
                }
            }
            return (a.run.startTime, a.run.id) > (b.run.startTime, b.run.id)
        }
        let page = rows.dropFirst(query.offset)
        return Array(query.limit.map { page.prefix($0) } ?? page)
    }

    public func countRuns(_ query: RunQuery) throws -> Int { try matching(query).count }

    func matching(_ query: RunQuery) throws -> [RunRow] {
        let expression = try query.filter.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : try FilterExpression.parse($0) }
        let evaluator = FilterEvaluator()
        return locked {
            runs.values.compactMap { stored -> RunRow? in
                let run = stored.record
                switch query.deleted {
                case .exclude where run.deleted, .only where !run.deleted: return nil
                default: break
                }
                if let experiment = query.experiment, run.experiment != experiment { return nil }
                if let parent = query.parentRunID, run.lineage.parentRunID != parent { return nil }
                let summaries = stored.series.keys.sorted().compactMap { key in Self.summary(key: key, of: stored.series[key] ?? []) }
                var row = RunRow(run: run, params: stored.params, metrics: Dictionary(summaries.map { ($0.key, $0.last) }, uniquingKeysWith: { a, _ in a }),
                                 tags: stored.tags)
                row.metricSummaries = summaries
                if let expression, !evaluator.evaluate(expression, in: RowContext(row: row)) { return nil }
                return row
            }
        }
    }

    static func value(of field: FilterField, in row: RunRow) -> FilterValue? { RowContext(row: row).value(of: field) }

    static func less(_ a: FilterValue, _ b: FilterValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        default: return a.description < b.description
        }
    }

    /// A run's fields as the filter language names them.
    struct RowContext: FilterContext {
        let row: RunRow

        func value(of field: FilterField) -> FilterValue? {
            let run = row.run
            switch field.namespace {
            case "metrics": return row.metrics[field.name].map { .number($0) }
            case "params": return row.params[field.name].map { .string($0) }
            case "tags": return row.tags[field.name].map { .string($0) }
            case "attributes": return RunAttribute(named: field.name)?.filterValue(of: run, now: Date().timeIntervalSince1970)
            default: return nil
            }
        }
    }
}
