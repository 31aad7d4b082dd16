import ArgumentParser
import DeckEngine
import DeckStore
import Foundation

/// `mldeck import mlflow SOURCE`: wiring around DeckEngine's ``MLflowImporter``.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Bring another tracker's history into the workspace.",
        subcommands: [MLflow.self])

    struct MLflow: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mlflow", abstract: "Import an MLflow tracking store or server: experiments, runs, metric histories, artifacts, registered models.",
            discussion: """
            SOURCE is sqlite:///mlflow.db (MLflow's URI; sqlite:////abs/path for an absolute path), an mlruns folder, or a tracking server's http(s):// URL (MLFLOW_TRACKING_TOKEN is sent as a bearer token). Model versions registered from MLflow 3 logged models (models:/m-…) come with their files, kept among the artifacts of the run that logged them under models/<model_id>/. Runs keep their MLflow ids: importing again adds nothing, and an interrupted import picks up where it stopped. Prints what was imported and what was skipped, and why.
            """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "sqlite:///PATH, an mlruns folder, or http(s)://HOST:PORT") var source: String
        @Option(help: "Runs written per transaction (a killed import redoes the batch it was in).") var batch: Int = 500

        func run() throws {
            guard batch >= 1 else { throw ValidationError("--batch must be at least 1, not \(batch)") }
            let store = try global.openStore()
            try store.requireWritable()
            let reader = try MLflowSource.reader(for: source)
            let bar = ProgressLine(label: "importing runs")
            let importer = MLflowImporter(store: store, reader: reader) { done, total in bar.update(done, of: total) }
            importer.batchSize = batch
            let summary: MLflowImportSummary
            do { summary = try importer.run() } catch { bar.finish(); throw error }
            bar.finish()
            if output.json { return try JSONOutput.print(summary) }
            print(ImportSummaryText.render(summary))
        }
    }
}

/// The summary of `mldeck import mlflow`, as text.
enum ImportSummaryText {
    static func render(_ s: MLflowImportSummary) -> String {
        var lines = ["imported from \(s.source):",
                     "  experiments  \(s.experiments) (\(s.experimentsCreated) new)",
                     "  runs         \(s.runsImported) imported, \(s.runsAlreadyPresent) already in the workspace (of \(s.runs))",
                     "  metrics      \(s.metricPoints) points",
                     "  artifacts    \(s.artifacts) files, \(Formatting.bytes(s.artifactBytes))",
                     "  models       \(s.modelsCreated) new; versions \(s.versionsImported) imported, \(s.versionsAlreadyPresent) already there; aliases \(s.aliasesSet) set"]
        if s.skipped.isEmpty {
            lines.append("skipped nothing")
        } else {
            lines.append("skipped \(s.skipped.count):")
            for skip in s.skipped.prefix(50) { lines.append("  \(skip.what): \(skip.reason)") }
            if s.skipped.count > 50 { lines.append("  … and \(s.skipped.count - 50) more (--json lists them all)") }
        }
        return lines.joined(separator: "\n")
    }
}
