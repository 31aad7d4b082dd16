import ArgumentParser
import DeckEngine
import DeckStore

/// `mldeck runs compare RUN RUN… [--json]`
struct RunsCompare: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compare", abstract: "Compare runs: params that differ, metrics side by side, best per metric.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Two or more runs.", completion: NameCompletion.runs) var runs: [String]
    @Flag(name: .long, help: "Show params that are the same too.") var allParams = false

    func validate() throws {
        guard runs.count >= 2 else { throw ValidationError("give at least two runs to compare") }
    }

    func run() throws {
        let store = try global.openStore()
        let details = try runs.map { try store.runDetails($0) }
        var comparison = RunComparison(details)
        let evaluations = details.map { EvaluationSummary.load(from: store, artifacts: $0.artifacts) }
        if evaluations.contains(where: { $0 != nil }) { comparison.evaluations = evaluations }
        if output.json { return try JSONOutput.print(comparison) }
        var table = TextTable(headers: [""] + details.map { "\($0.run.id.prefix(8)) \($0.run.name)" })
        table.add(["status"] + details.map(\.run.status.rawValue))
        table.add(["duration"] + details.map { Formatting.duration($0.run.duration()) })
        let params = allParams ? comparison.allParamKeys : comparison.differingParams
        if !params.isEmpty { table.add(["params" + (allParams ? "" : " (differing)")] + details.map { _ in "" }) }
        for key in params { table.add(["  " + key] + details.map { $0.params[key] ?? "-" }) }
        if !comparison.metrics.isEmpty { table.add(["metrics (last; * best)"] + details.map { _ in "" }) }
        for m in comparison.metrics {
            table.add(["  " + m.key] + m.values.enumerated().map { i, v in
                guard let v else { return "-" }
                return Formatting.number(v) + (m.best.contains(i) ? " *" : "")
            })
        }
        print(table.render())
        if comparison.evaluations != nil { EvaluationFormatting.comparison(details: details, evaluations: evaluations).forEach { print($0) } }
    }
}

/// What `runs compare` computes: differing params and each metric's best run.
struct RunComparison: Encodable {
    struct Metric: Encodable {
        var key: String
        var values: [Double?]
        /// Indices of the best runs: lowest for loss-like names (``DeckStore/isLossLike(_:)``, the rule `models promote --best-by` uses), else highest.
        var best: [Int]
        var higherIsBetter: Bool
        enum CodingKeys: String, CodingKey { case key, values, best, higherIsBetter = "higher_is_better" }
    }
    var runs: [String]
    var differingParams: [String]
    var allParamKeys: [String]
    var params: [String: [String?]]
    var metrics: [Metric]
    /// Each run's evaluation (confusion matrix, AUC, importance), in `runs` order; nil when no run has one.
    var evaluations: [EvaluationSummary?]?

    enum CodingKeys: String, CodingKey { case runs, differingParams = "differing_params", params, metrics, evaluations }

    init(_ details: [RunDetails]) {
        runs = details.map(\.run.id)
        allParamKeys = Set(details.flatMap(\.params.keys)).sorted()
        differingParams = allParamKeys.filter { key in Set(details.map { $0.params[key] ?? "\u{0}" }).count > 1 }
        params = Dictionary(uniqueKeysWithValues: allParamKeys.map { key in (key, details.map { $0.params[key] }) })
        let metricKeys = Set(details.flatMap { $0.metrics.map(\.key) }).sorted()
        metrics = metricKeys.map { key in
            let values = details.map { d in d.metrics.first { $0.key == key }?.last }
            let higher = !DeckStore.isLossLike(key)
            let present = values.compactMap { $0 }.filter { !$0.isNaN }
            let target = higher ? present.max() : present.min()
            let best = target.map { t in values.indices.filter { values[$0] == t } } ?? []
            return Metric(key: key, values: values, best: best, higherIsBetter: higher)
        }
    }
}
