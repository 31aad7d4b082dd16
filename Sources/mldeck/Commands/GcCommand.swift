import ArgumentParser
import DeckStore
import Foundation

/// `mldeck gc [--dry-run] [--grace SECONDS] [--retention R] [--json]`
struct GcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc", abstract: "Remove orphaned objects, stale temporary files and cached exports of removed versions; trim the prediction log.",
        discussion: "Waits for running dataset adds. Orphans younger than the grace period are kept, in case another writer is about to record them. The prediction log keeps at most --retention (default 1000000 rows and 30 days).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .long, help: "Only say what would be removed.") var dryRun = false
    @Option(name: .long, help: "Keep orphans younger than this many seconds (default 900).") var grace: Double = GarbageCollector.defaultGrace
    @Option(name: .long, help: "What the prediction log keeps: a row count, an age (30d, 12h) or both (1000000,30d).")
    var retention: String?

    func run() throws {
        let policy = try retention.map { try RetentionPolicy(parsing: $0) } ?? .default
        let store = try global.openStore()
        var report = try GarbageCollector(store: store).collect(dryRun: dryRun, grace: grace) {
            FileHandle.standardError.write(Data("mldeck gc: waiting for a dataset add to finish…\n".utf8))
        }
        if !dryRun && !store.isReadOnly && FileManager.default.fileExists(atPath: PredictionLog.url(in: store.workspace).path) {
            report.predictionLog = try PredictionLog.open(store.workspace).trim(policy)
        }
        if output.json { return try JSONOutput.print(report) }
        let verb = dryRun ? "Would remove" : "Removed"
        print("\(verb) \(report.removedObjects) orphaned objects (\(Formatting.bytes(report.removedBytes))), \(report.removedTemporaryFiles) stale temporary files, \(report.removedCacheEntries) cached exports.")
        if report.keptRecentOrphans > 0 {
            print("Kept \(report.keptRecentOrphans) orphans younger than \(Formatting.duration(grace)) (a write may be about to record them; --grace 0 removes them).")
        }
        if let trimmed = report.predictionLog {
            print("Trimmed the prediction log to \(policy): removed \(trimmed.removedPredictions) predictions and \(trimmed.removedFeedback) feedback labels.")
        }
    }
}
