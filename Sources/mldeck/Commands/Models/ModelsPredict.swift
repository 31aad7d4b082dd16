import ArgumentParser
import DeckEngine
import DeckInput
import DeckML
import DeckStore
import Foundation

/// `mldeck models predict NAME[@V|@ALIAS] FILE [--out FILE] [--lenient] [--json]`: wiring around
/// DeckEngine's ``ModelScorer``.
struct ModelsPredict: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "predict", abstract: "Score a CSV file with a model version (its stored preprocessing); labels come back as the original classes.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "NAME, NAME@VERSION or NAME@ALIAS (default alias: production, else the latest).", completion: NameCompletion.models) var reference: String
    @Argument(help: "The data file (CSV, TSV or JSON Lines).") var file: String
    @Option(name: .long, help: "Write the predictions to this CSV file instead of standard output.") var out: String?
    @Flag(name: .long, help: "Score text in a numeric column as missing too, with a warning per value (a category the model never saw always is, as by mldeck serve).")
    var lenient = false
    @Flag(name: .long, help: "Replace the --out file if it exists.") var force = false

    func run() throws {
        // What the input is, before the model is loaded: a FIFO or a device would never end.
        try InputFile.checkRegular(file)
        let store = try global.openStore()
        // Checked before the (slow) scoring, so an existing file is refused at once.
        if let out { _ = try SafeOutput.prepare(out, kind: .file, force: force, workspaceState: store.workspace.stateDirectory) }
        var ref = try ModelReference(parsing: reference)
        if !reference.contains("@"), (try? store.modelVersion(model: ref.model, alias: "production")) ?? nil != nil {
            ref = ModelReference(model: ref.model, selector: .alias("production"))
        }
        let version = try store.modelVersion(ref)
        let model = try LoadedModel.load(store: store, version: version)
        let table = try DataTable.load(path: file)
        let scored = try ModelScorer(model: model).score(table, lenient: lenient)
        for warning in scored.warnings { FileHandle.standardError.write(Data("warning: \(file): \(warning) (scored as missing)\n".utf8)) }
        let predictions = scored.predictions, idColumn = scored.idColumn
        if output.json {
            struct Out: Encodable { var model: String; var ids: [String]?; var predictions: ModelPredictions; var warnings: [ScoringProblem] }
            return try JSONOutput.print(Out(model: version.reference, ids: scored.ids, predictions: predictions, warnings: scored.warnings))
        }
        var lines: [String] = []
        var header: [String] = idColumn.map { [$0] } ?? []
        header.append("prediction")
        if let classes = predictions.classes { header += classes.map { "probability_\($0)" } }
        lines.append(header.map(CSVText.quote).joined(separator: ","))
        for r in 0..<table.rowCount {
            var row: [String] = []
            if let ids = scored.ids { row.append(ids[r]) }
            if let labels = predictions.labels { row.append(labels[r]) } else { row.append(Self.regressionText(predictions.values[r])) }
            if let probabilities = predictions.probabilities { row += probabilities[r].map { String(format: "%.6f", $0) } }
            lines.append(row.map(CSVText.quote).joined(separator: ","))
        }
        let text = lines.joined(separator: "\n") + "\n"
        if let out {
            try SafeOutput.write(Data(text.utf8), to: out, force: force, workspaceState: store.workspace.stateDirectory)
            FileHandle.standardError.write(Data("wrote \(table.rowCount) predictions of \(version.reference) to \(out)\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

extension ModelsPredict {
    /// XGBoost predicts in single precision: the shortest text that reads back as the same
    /// `Float` (`12.5`, not `12.500000953674316`).
    static func regressionText(_ value: Double) -> String {
        let single = Float(value)
        return Double(single) == value || value.isNaN ? "\(single)" : "\(value)"
    }
}
