import DeckStore
import Foundation

/// The columns `runs list` prints: attributes, `metrics.X`, `params.X`, `tags.X`.
enum RunColumns {
    static let attributeNames = ["id", "name", "experiment", "status", "start", "duration", "pipeline", "dataset", "trigger", "parent"]

    /// The default columns: the attributes plus up to four metrics and three params seen on the page.
    static func defaults(for rows: [RunRow]) -> [String] {
        var metricKeys: [String: Int] = [:], paramKeys: [String: Int] = [:]
        for row in rows {
            for key in row.metrics.keys { metricKeys[key, default: 0] += 1 }
            for key in row.params.keys { paramKeys[key, default: 0] += 1 }
        }
        func top(_ counts: [String: Int], _ n: Int, rank: (String) -> Int = { _ in 0 }) -> [String] {
            counts.sorted { (rank($1.key), $0.value, $1.key) > (rank($0.key), $1.value, $0.key) }.prefix(n).map(\.key)
                .sorted { (rank($0), $0) < (rank($1), $1) }
        }
        return ["id", "name", "status", "start", "duration"] + top(metricKeys, 4, rank: curveRank).map { "metrics.\($0)" }
            + top(paramKeys, 3).map { "params.\($0)" }
    }

    /// Evaluated metrics (`auc`, `rmse`, …) come before per-round training curves
    /// (`train-logloss`, `validation-auc`, `test-auc`), which describe training rather than the model.
    static func curveRank(_ key: String) -> Int {
        let lower = key.lowercased()
        return ["train-", "validation-", "valid-", "test-", "eval-"].contains { lower.hasPrefix($0) } ? 1 : 0
    }

    static func header(_ column: String) -> String {
        for prefix in ["metrics.", "params.", "tags."] where column.hasPrefix(prefix) { return String(column.dropFirst(prefix.count)) }
        return column.uppercased()
    }

    static func isNumeric(_ column: String) -> Bool { column.hasPrefix("metrics.") || column == "duration" }

    static func cell(_ column: String, _ row: RunRow) -> String {
        let run = row.run
        switch column {
        case "id": return String(run.id.prefix(8))
        case "name": return run.name
        case "experiment": return run.experiment
        case "status": return run.status.rawValue
        case "start": return Formatting.time(run.startTime)
        case "duration": return Formatting.duration(run.duration())
        case "pipeline": return run.pipeline ?? "-"
        case "dataset": return run.lineage.datasetVersion ?? "-"
        case "trigger": return run.lineage.trigger ?? "-"
        case "parent": return run.lineage.parentRunID.map { String($0.prefix(8)) } ?? "-"
        default:
            if column.hasPrefix("metrics.") { return row.metrics[String(column.dropFirst(8))].map(Formatting.number) ?? "-" }
            if column.hasPrefix("params.") { return row.params[String(column.dropFirst(7))] ?? "-" }
            if column.hasPrefix("tags.") { return row.tags[String(column.dropFirst(5))] ?? "-" }
            return "?"
        }
    }
}
