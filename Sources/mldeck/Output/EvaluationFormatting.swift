import DeckEngine
import DeckStore
import Foundation

/// Text renderings of a run's evaluation for `runs show` and `runs compare`.
enum EvaluationFormatting {
    /// The confusion matrix as lines: a header of predicted classes, one line per actual class.
    static func confusionMatrix(_ summary: EvaluationSummary) -> [String] {
        guard let matrix = summary.confusionMatrix else { return [] }
        let names = summary.classes.map(Self.cell)
        var table = TextTable(headers: ["actual \\ predicted"] + names)
        table.rightAligned = Set(1...max(1, names.count))
        for (i, row) in matrix.enumerated() {
            table.add([i < names.count ? names[i] : "\(i)"] + row.map(String.init))
        }
        return table.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The `count` features with the most gain, one per line with its score.
    static func topFeatures(_ summary: EvaluationSummary, count: Int = 10) -> [String] {
        guard !summary.importance.isEmpty else { return [] }
        var table = TextTable(headers: ["FEATURE", "GAIN"])
        table.rightAligned = [1]
        for entry in summary.importance.prefix(count) { table.add([cell(entry.feature), gain(entry.score)]) }
        return table.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The section `runs show` prints: split and rows, the matrix, residuals, top features.
    static func section(_ summary: EvaluationSummary) -> [String] {
        var lines = ["Evaluation (step \(summary.step): \(summary.split) split, \(summary.rows) rows"
                     + (summary.threshold.map { ", threshold \(Formatting.number($0))" } ?? "") + ")"]
        let matrix = confusionMatrix(summary)
        if !matrix.isEmpty { lines += ["  Confusion matrix"] + matrix.map { "    " + $0 } }
        if let r = summary.residuals {
            lines.append("  Residuals (actual - predicted): mean \(Formatting.number(r.mean))  sd \(Formatting.number(r.standardDeviation))"
                         + "  min \(Formatting.number(r.min))  median \(Formatting.number(r.median))  max \(Formatting.number(r.max))")
        }
        let features = topFeatures(summary)
        if !features.isEmpty {
            let shown = min(10, summary.importance.count)
            lines += ["  Top features by gain (\(shown) of \(summary.importance.count))"] + features.map { "    " + $0 }
        }
        return lines
    }

    /// The evaluation part of `runs compare`: each run's AUC and confusion matrix, side by side.
    static func comparison(details: [RunDetails], evaluations: [EvaluationSummary?]) -> [String] {
        let blocks: [[String]] = zip(details, evaluations).map { d, e in
            var block = ["\(d.run.id.prefix(8)) \(cell(d.run.name))"]
            guard let e else { return block + ["no evaluation"] }
            block.append("auc \(e.auc.map(Formatting.number) ?? "-")  (\(e.split) split, \(e.rows) rows)")
            let matrix = confusionMatrix(e)
            block += matrix.isEmpty ? ["no confusion matrix (\(e.task))"] : matrix
            return block
        }
        return ["", "Evaluation"] + sideBySide(blocks).map { "  " + $0 }
    }

    /// A gain with four significant digits (gains of regression models run to 10¹²).
    static func gain(_ value: Double) -> String {
        abs(value) >= 1e6 ? String(format: "%.4g", value) : Formatting.number(value)
    }

    /// Blocks of lines placed next to each other, each padded to its widest line.
    static func sideBySide(_ blocks: [[String]], gap: Int = 4) -> [String] {
        let widths = blocks.map { $0.map(\.count).max() ?? 0 }
        let height = blocks.map(\.count).max() ?? 0
        return (0..<height).map { row in
            blocks.enumerated().map { i, block in
                let text = row < block.count ? block[row] : ""
                return text + String(repeating: " ", count: widths[i] - text.count + (i < blocks.count - 1 ? gap : 0))
            }.joined().replacingTrailingSpaces()
        }
    }

    /// A name from the data made safe to print: control characters shown as `?`, at most 40 characters.
    static func cell(_ text: String) -> String {
        let clean = String(text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? "?" : Character($0) })
        return clean.count > 40 ? String(clean.prefix(39)) + "…" : clean
    }
}
