import ArgumentParser
import DeckStore
import Foundation

/// `mldeck gc [--dry-run] [--grace SECONDS] [--json]`
struct GcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc", abstract: "Remove orphaned objects, stale temporary files and cached exports of removed versions.",
        discussion: "Waits for running dataset adds. Orphans younger than the grace period are kept, in case another writer is about to record them.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .long, help: "Only say what would be removed.") var dryRun = false
    @Option(name: .long, help: "Keep orphans younger than this many seconds (default 900).") var grace: Double = GarbageCollector.defaultGrace

    func run() throws {
        let store = try global.openStore()
        let report = try GarbageCollector(store: store).collect(dryRun: dryRun, grace: grace) {
            FileHandle.standardError.write(Data("mldeck gc: waiting for a dataset add to finish…\n".utf8))
        }
        if output.json { return try JSONOutput.print(report) }
        let verb = dryRun ? "Would remove" : "Removed"
        print("\(verb) \(report.removedObjects) orphaned objects (\(Formatting.bytes(report.removedBytes))), \(report.removedTemporaryFiles) stale temporary files, \(report.removedCacheEntries) cached exports.")
        if report.keptRecentOrphans > 0 {
            print("Kept \(report.keptRecentOrphans) orphans younger than \(Formatting.duration(grace)) (a write may be about to record them; --grace 0 removes them).")
        }
    }
}
