import ArgumentParser
import DeckBench
import Foundation

/// `mldeck bench [SUITE…] [--json] [--keep DIR]`
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run the benchmark suites (use a release build).",
        discussion: "Suites: \(BenchSuites.order.joined(separator: ", ")). Prints figures with targets and ratios to the alternatives; exits 0 whether or not targets are met, 1 when a suite failed (the other suites still run and print).")

    @Argument(help: "Suites to run (default: all).") var suites: [String] = []
    @Flag(name: .long, help: "Print one JSON array of figures.") var json = false
    @Option(name: .long, help: "Build the benchmark workspaces in DIR and keep them.") var keep: String?

    func validate() throws {
        for suite in suites where BenchSuites.all[suite] == nil {
            throw ValidationError("unknown suite '\(suite)' (available: \(BenchSuites.all.keys.sorted().joined(separator: ", ")))")
        }
    }

    func run() throws {
        let chosen = suites.isEmpty ? BenchSuites.order.filter { BenchSuites.all[$0] != nil } : suites
        let directory = keep ?? NSTemporaryDirectory() + "mldeck-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: directory) } }
        #if DEBUG
        FileHandle.standardError.write(Data("mldeck bench: this is a debug build; figures will be several times slower (make bench uses a release build)\n".utf8))
        #endif
        let outcome = BenchRunner.run(chosen.compactMap { BenchSuites.all[$0] }, in: directory,
                                      log: { name, line in FileHandle.standardError.write(Data("[\(name)] \(line)\n".utf8)) },
                                      finished: { found in if !json { print(BenchReport.table(found)) } })
        if json { print(try JSONOutput.string(outcome.figures)) }
        if !outcome.failures.isEmpty { throw BenchSuitesFailed(outcome.failures) }
    }
}

/// Text rendering of figures.
enum BenchReport {
    static func table(_ figures: [BenchFigure]) -> String {
        var table = TextTable(headers: ["SUITE", "FIGURE", "VALUE", "TARGET", "MET", "REFERENCE", "RATIO"])
        table.rightAligned = [2, 3, 6]
        for f in figures {
            let target = f.target.map { (f.better == .higher ? "≥ " : "≤ ") + Formatting.number($0) } ?? "-"
            table.add([f.suite, f.name, Formatting.number(f.value) + " " + f.unit, target, f.meetsTarget ? "yes" : "NO",
                       f.referenceValue.map { Formatting.number($0) } ?? "-", f.ratio.map { String(format: "%.1f×", $0) } ?? "-"])
        }
        return table.render()
    }
}
