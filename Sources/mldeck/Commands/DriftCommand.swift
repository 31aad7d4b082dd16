import ArgumentParser
import DeckEngine
import DeckML
import DeckStore
import Foundation

/// `mldeck drift REFERENCE CURRENT [--json] [--columns a,b] [--test COL=TEST …] [--drift-share X]`
struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift", abstract: "Compare two tables column by column: which features drifted.",
        discussion: """
        Each side is a CSV/TSV/JSON Lines file or a dataset version (NAME@VERSION) of the workspace.
        Tests are chosen per column as Evidently does by default: with at most 1,000 reference rows,
        Kolmogorov-Smirnov for numbers with more than 5 distinct values, else chi-square (Z-test for
        at most 2 values), drift at p < 0.05; with more, normed Wasserstein for such numbers, else
        Jensen-Shannon, drift at ≥ 0.1. The dataset drifts when the share of drifted columns reaches
        --drift-share. Tests: ks, wasserstein, psi, jensenshannon, chisquare, z.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The reference table (e.g. the training data).", valueName: "reference")) var reference: String
    @Argument(help: ArgumentHelp("The current table (e.g. recent inputs).", valueName: "current")) var current: String
    @Option(name: .long, help: ArgumentHelp("Only these columns (comma-separated).", valueName: "a,b")) var columns: String?
    @Option(name: .customLong("test"), help: ArgumentHelp("A column's test, optionally with its threshold: COL=TEST or COL=TEST:THRESHOLD (repeatable).", valueName: "col=test"))
    var tests: [String] = []
    @Option(name: .customLong("drift-share"), help: "The share of drifted columns at which the dataset drifts (default 0.5).")
    var driftShare: Double = 0.5

    func validate() throws {
        guard driftShare.isFinite, driftShare > 0, driftShare <= 1 else {
            throw ValidationError("--drift-share must be a number in (0, 1], got \(driftShare)")
        }
        _ = try DriftCommandOptions.perColumn(tests)
    }

    func run() throws {
        var options = DriftOptions(driftShare: driftShare)
        if let columns {
            options.columns = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        options.perColumn = try DriftCommandOptions.perColumn(tests)
        let r = try DriftSource(parsing: reference), c = try DriftSource(parsing: current)
        let store = (r.needsWorkspace || c.needsWorkspace) ? try global.openStore() : nil
        let report = try DriftReportBuilder.report(reference: r, current: c, store: store, options: options)
        if output.json { return try JSONOutput.print(report) }
        print(DriftText.render(report, reference: r.description, current: c.description))
    }
}

/// Parsing of `--test COL=TEST[:THRESHOLD]`.
enum DriftCommandOptions {
    static func perColumn(_ values: [String]) throws -> [String: DriftOptions.Column] {
        var out: [String: DriftOptions.Column] = [:]
        for value in values {
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--test takes COL=TEST, got '\(value)'") }
            let spec = parts[1].split(separator: ":", maxSplits: 1).map(String.init)
            guard let test = DriftTest(name: spec.first ?? "") else {
                throw ValidationError("--test \(value): unknown test '\(spec.first ?? "")' (tests: \(DriftTest.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            var threshold: Double?
            if spec.count == 2 {
                guard let t = Double(spec[1]), t.isFinite, t >= 0 else { throw ValidationError("--test \(value): the threshold must be a number ≥ 0") }
                threshold = t
            }
            out[parts[0]] = DriftOptions.Column(test: test, threshold: threshold)
        }
        return out
    }
}

/// The text form of a ``DriftReport``: one row per column, then the dataset verdict.
enum DriftText {
    static func render(_ report: DriftReport, reference: String, current: String) -> String {
        var table = TextTable(headers: ["COLUMN", "TYPE", "TEST", "SCORE", "THRESHOLD", "DRIFTED", "MISSING"])
        table.rightAligned = [3, 4]
        for c in report.columns {
            let score = c.score.map(number) ?? "-"
            let missing = c.currentMissingShare == c.referenceMissingShare
                ? percent(c.currentMissingShare) : percent(c.referenceMissingShare) + " → " + percent(c.currentMissingShare)
            var drifted = c.drifted ? "✗ drift" : "✓"
            if let note = c.note { drifted = "- (\(note))" }
            if !c.unseenCategories.isEmpty { drifted += " (new: \(c.unseenCategories.prefix(3).joined(separator: ", "))\(c.unseenCategories.count > 3 ? ", …" : ""))" }
            table.add([c.column, c.type.rawValue, c.test.rawValue, score,
                       (c.test == .ks ? "p ≤ " : c.test.isPValue ? "p < " : "≥ ") + number(c.threshold), drifted, missing])
        }
        var out = ["\(reference) (\(report.referenceRows) rows) → \(current) (\(report.currentRows) rows)", "", table.render(), ""]
        if !report.notCompared.isEmpty {
            out.append("Not compared (free text or untyped): \(report.notCompared.joined(separator: ", "))")
        }
        let verdict = report.datasetDrift ? "DRIFT" : "no drift"
        out.append("Dataset: \(verdict) — \(report.driftedColumns) of \(report.columns.count) columns drifted (share \(number(report.shareDrifted)), drift at ≥ \(number(report.driftShare)))")
        return out.joined(separator: "\n")
    }

    static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x != 0 && abs(x) < 0.0001 { return String(format: "%.2e", x) }
        return String(format: "%.4f", x)
    }

    static func percent(_ x: Double) -> String { x == 0 ? "0%" : String(format: "%.1f%%", x * 100) }
}
