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
