import ArgumentParser
import DeckStore
import Foundation

/// `mldeck fsck [--json]`: exit 1 when an object is missing or corrupt or a record is damaged.
struct FsckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsck", abstract: "Verify the database, every record, every object's hash and every record's references.",
        discussion: "Reports what is missing, corrupt or orphaned. Exit status 1 when something is missing, corrupt or damaged (orphans alone are not damage: `mldeck gc` removes them).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .long, help: "Run SQLite's quick_check instead of the full integrity_check.") var quick = false

    func run() throws {
        let store = try global.openStore()
        let report = try StoreChecker(store: store).check(quick: quick)
        if output.json {
            try JSONOutput.print(report)
        } else {
            print(Self.render(report))
        }
        if !report.isHealthy { throw ExitCode(1) }
    }

    static func render(_ r: FsckReport) -> String {
        var out = [r.databaseProblems.isEmpty ? "Database: SQLite \(r.databaseCheck) ok." : "Database: SQLite \(r.databaseCheck) found problems:"]
        for p in r.databaseProblems { out.append("database \(p)") }
        out.append("Checked \(r.objectsChecked) objects (\(Formatting.bytes(r.bytesChecked))) against their SHA-256; records point to \(r.referencedObjects).")
        for p in r.missing { out.append("missing  \(p.object.prefix(12))  \(p.path)  (used by \(p.referencedBy.joined(separator: "; ")))") }
        for p in r.corrupt {
            if let reason = p.reason {
                out.append("corrupt  \(p.object.prefix(12))  \(p.path) \(reason)\(p.referencedBy.isEmpty ? " (orphan)" : "  (used by \(p.referencedBy.joined(separator: "; ")))")")
                continue
            }
            out.append("corrupt  \(p.object.prefix(12))  \(p.path) now hashes to \(p.actual?.prefix(12) ?? "?")\(p.referencedBy.isEmpty ? " (orphan)" : "  (used by \(p.referencedBy.joined(separator: "; ")))")")
        }
        for d in r.damaged { out.append("damaged  \(d.reference): \(d.reason)") }
        if r.orphanedCount > 0 { out.append("orphaned \(r.orphanedCount) objects (\(Formatting.bytes(r.orphanedBytes))) referenced by nothing; `mldeck gc` removes them") }
        if r.staleTemporaryFiles > 0 { out.append("stale    \(r.staleTemporaryFiles) temporary files older than an hour in .mldeck/tmp; `mldeck gc` removes them") }
        out.append(r.isHealthy ? "OK: nothing missing or corrupt." : "PROBLEMS: \(r.databaseProblems.isEmpty ? "" : "the database is damaged, ")\(r.missing.count) missing, \(r.corrupt.count) corrupt, \(r.damaged.count) damaged records.")
        return out.joined(separator: "\n")
    }
}
