import DeckStore
import Foundation
import XCTest

/// One cell of the crash matrix: an operation killed at a failpoint, what the store looked like
/// afterwards, and whether the operation then succeeded when run again.
struct CrashCell {
    var operation: String
    var point: String
    /// `killed` when the process died by SIGKILL at the point, else how it ended.
    var process: String
    /// What was checked in the store after the kill (`fsck clean, listings ok, …`) or what failed.
    var store: String
    var retry: String

    var passed: Bool { process == "killed" && !store.contains("FAIL") && retry == "ok" }

    /// The table for FUZZING.md and the closing note.
    static func table(_ cells: [CrashCell]) -> String {
        var lines = ["| operation | failpoint | process | store after the kill | retried |", "| --- | --- | --- | --- | --- |"]
        for c in cells { lines.append("| \(c.operation) | `\(c.point)` | \(c.process) | \(c.store) | \(c.retry) |") }
        return lines.joined(separator: "\n")
    }
}

/// Runs `mldeck` with a failpoint armed and reports how it ended.
enum Failpoints {
    /// Runs `arguments` with `MLDECK_FAILPOINT=point`: `killed` when it died by SIGKILL.
    static func run(_ arguments: [String], point: String, in workspace: URL) throws -> (ending: String, stderr: String) {
        let process = CLI.start(arguments, in: workspace, environment: ["MLDECK_FAILPOINT": point])
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (ending(process), String(decoding: errData, as: UTF8.self))
    }

    static func ending(_ process: Process) -> String {
        if process.terminationReason == .uncaughtSignal {
            return process.terminationStatus == SIGKILL ? "killed" : "signal \(process.terminationStatus)"
        }
        return "exit \(process.terminationStatus)"
    }

    /// `fsck` clean and every listing answering; failures are spelled `FAIL …`. `allowRunning`:
    /// a run may still be RUNNING (a child the killed process started goes on).
    static func checkStore(_ workspace: URL, allowRunning: Bool = false, model: String? = "shop-churn") throws -> [String] {
        var notes: [String] = []
        let fsck = try CLI.run(["fsck"], in: workspace)
        notes.append(fsck.status == 0 ? "fsck clean" : "FAIL fsck \(fsck.status): \(fsck.stdout.suffix(300)) \(fsck.stderr.suffix(300))")
        var failed: [String] = []
        for listing in [["datasets", "list"], ["models", "list"], ["runs", "list"]] + (model.map { [["models", "show", $0]] } ?? []) {
            let r = try CLI.run(listing + ["--json"], in: workspace)
            if r.status != 0 { failed.append("\(listing.joined(separator: " ")): \(r.stderr.prefix(200))") }
        }
        notes.append(failed.isEmpty ? "listings ok" : "FAIL listings: \(failed.joined(separator: "; "))")
        let runs = (try? CLI.json(["runs", "list"], in: workspace) as? [[String: Any]]) ?? []
        let running = runs.filter { $0["status"] as? String == "RUNNING" }.count
        if running > 0 && !allowRunning { notes.append("FAIL \(running) run(s) left RUNNING") }
        return notes
    }

    static func store(_ workspace: URL) throws -> DeckStore {
        try DeckStore.open(Workspace(root: workspace), reapDeadRuns: false)
    }
}
