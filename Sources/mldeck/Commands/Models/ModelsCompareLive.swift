import ArgumentParser
import DeckEngine
import DeckStore
import Foundation

/// `mldeck models compare-live NAME [--limit N] [--json]`: wiring around DeckEngine's
/// ``LiveComparison`` over the prediction log's shadow answers.
struct ModelsCompareLive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-live",
        abstract: "Compare the shadow version with the primary on live traffic (mldeck serve NAME@ALIAS --shadow ALIAS2).",
        discussion: "Agreement on the rows both scored; accuracy and AUC (or MAE and RMSE) of each on the rows whose label came back through POST /feedback.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The model's name.", completion: NameCompletion.models) var model: String
    @Option(name: .long, help: "The newest rows to compare (default 100000).") var limit = 100_000

    func run() throws {
        guard limit > 0 else { throw ValidationError("--limit takes a positive row count") }
        let store = try global.openStore()
        _ = try store.modelVersions(model)  // an unknown model is an error naming the known ones
        let log = try PredictionLog.open(store.workspace)
        let comparison = LiveComparison.summarize(model: model, rows: try log.shadowPairs(model: model, limit: limit))
        if output.json { return try JSONOutput.print(comparison) }
        guard !comparison.pairs.isEmpty else {
            print("\(model): no shadow answers logged yet (serve it with mldeck serve \(model)@production --shadow staging)")
            return
        }
        func metrics(_ m: [String: Double]) -> String {
            m.isEmpty ? "-" : m.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: "  ")
        }
        var table = TextTable(headers: ["PRIMARY", "SHADOW", "ROWS", "AGREEMENT", "MEAN |Δ|", "LABELED", "PRIMARY QUALITY", "SHADOW QUALITY"])
        for p in comparison.pairs {
            table.add(["\(model)@\(p.primaryVersion)", "\(model)@\(p.shadowVersion)", "\(p.rows)",
                       p.agreement.map { String(format: "%.1f%%", $0 * 100) } ?? "-",
                       p.meanAbsoluteDifference.map { String(format: "%.4f", $0) } ?? "-", "\(p.labeled)", metrics(p.primary), metrics(p.shadow)])
        }
        print(table.render())
    }
}
