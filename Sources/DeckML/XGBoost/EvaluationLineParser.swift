/// Parses XGBoost's per-round evaluation line, `[3]\ttrain-logloss:0.41\tvalidation-auc:0.9`,
/// into `["train-logloss": 0.41, "validation-auc": 0.9]` without allocating per number.
public enum EvaluationLineParser {
    /// The metrics in `line`, keyed `set-metric`; fields that do not parse are skipped.
    public static func parse(_ line: String) -> [String: Double] {
        var metrics: [String: Double] = [:]
        for field in line.split(separator: "\t") {
            guard let colon = field.lastIndex(of: ":"), field.first != "[" else { continue }
            let name = field[field.startIndex..<colon]
            let number = field[field.index(after: colon)...]
            if let value = Double(number) {
                metrics[String(name)] = value
            }
        }
        return metrics
    }
}
