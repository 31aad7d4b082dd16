import ArgumentParser
import DeckEngine
import DeckStore
import Foundation

/// The columns `runs list` prints: run attributes (``RunAttribute``), `metrics.X`, `params.X`, `tags.X`.
enum RunColumns {
    /// Checks `--columns`: each is a column attribute or a `metrics.`/`params.`/`tags.` key.
    static func validate(_ columns: [String]) throws {
        let names = RunAttribute.allCases.filter(\.isColumn).map(\.fieldName)
        for column in columns {
            if ["metrics.", "params.", "tags."].contains(where: { column.hasPrefix($0) && column.count > $0.count }) { continue }
            if let a = RunAttribute(named: column), a.isColumn { continue }
            let hint = Suggestion.closest(to: column, in: names).map { "did you mean '\($0)'? " } ?? ""
            throw ValidationError("--columns: no column '\(column)'; \(hint)columns: \(names.joined(separator: ", ")), metrics.KEY, params.KEY, tags.KEY")
        }
    }

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
        return ["run_id", "name", "status", "start_time", "duration"] + top(metricKeys, 4, rank: curveRank).map { "metrics.\($0)" }
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
        return (RunAttribute(named: column)?.title ?? column).uppercased()
    }

    static func isNumeric(_ column: String) -> Bool { column.hasPrefix("metrics.") || RunAttribute(named: column) == .duration }

    static func cell(_ column: String, _ row: RunRow) -> String {
        if column.hasPrefix("metrics.") { return row.metrics[String(column.dropFirst(8))].map(Formatting.number) ?? "-" }
        if column.hasPrefix("params.") { return row.params[String(column.dropFirst(7))] ?? "-" }
        if column.hasPrefix("tags.") { return row.tags[String(column.dropFirst(5))] ?? "-" }
        let now = Date().timeIntervalSince1970
        return RunAttribute(named: column)?.text(of: row.run, now: now, withSeconds: true) ?? "-"
    }

}
