import ArgumentParser
import DeckEngine
import DeckStore
import Foundation

/// `mldeck runs show RUN [--json]`
struct RunsShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a run: params, metrics, tags, artifacts, lineage, log tail.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("Run id, unique id prefix, or name.", valueName: "run"), completion: NameCompletion.runs) var runReference: String
    @Option(name: .long, help: "Log lines to show.") var logLines = 20

    /// The JSON of `runs show`: the details plus every metric's full series and the log tail.
    struct Shown: Encodable {
        var details: RunDetails
        var series: [String: [SeriesPoint]]
        var logTail: [String]
        var steps: [RunStepRecord] = []
        var evaluation: EvaluationSummary?

        func encode(to encoder: Encoder) throws {
            try details.run.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(details.params, forKey: .params)
            try c.encode(details.tags, forKey: .tags)
            try c.encode(details.metrics, forKey: .metrics)
            try c.encode(series, forKey: .series)
            try c.encode(details.artifacts, forKey: .artifacts)
            try c.encode(logTail, forKey: .logTail)
            try c.encode(steps, forKey: .steps)
            try c.encodeIfPresent(evaluation, forKey: .evaluation)
        }
        enum Keys: String, CodingKey { case params, tags, metrics, series, artifacts, evaluation, logTail = "log_tail", steps }
    }

    func run() throws {
        let store = try global.openStore()
        let details = try store.runDetails(runReference)
        let handle = details.run.handle
        let tail = LogTail.lastLines(of: store.logURL(of: details.run.id), count: logLines)
        let steps = (try? store.runSteps(details.run.id)) ?? []
        let evaluation = EvaluationSummary.load(from: store, artifacts: details.artifacts)
        if output.json {
            var series: [String: [SeriesPoint]] = [:]
            for m in details.metrics { series[m.key] = try store.metricSeries(run: handle, key: m.key) }
            return try JSONOutput.print(Shown(details: details, series: series, logTail: tail, steps: steps, evaluation: evaluation))
        }
        let r = details.run
        print("Run \(r.id)  \(r.name)")
        print("  status      \(r.status.rawValue)\(r.statusReason.map { " (\($0))" } ?? "")")
        print("  experiment  \(r.experiment)")
        print("  started     \(Formatting.time(r.startTime))   duration \(Formatting.duration(r.duration()))")
        if let command = r.command { print("  command     \(command)") }
        if let pipeline = r.pipeline { print("  pipeline    \(pipeline)") }
        let l = r.lineage
        let lineage = [l.datasetVersion.map { "dataset \($0)" }, l.codeHash.map { "code \($0.prefix(12))" },
                       l.gitCommit.map { "git \($0.prefix(10))\(l.gitDirty == true ? "+dirty" : "")" },
                       l.parentRunID.map { "parent \($0.prefix(8))" }, l.trigger.map { "trigger \($0)" }].compactMap { $0 }
        if !lineage.isEmpty { print("  lineage     \(lineage.joined(separator: "  "))") }
        if !steps.isEmpty {
            print("\nSteps")
            var table = TextTable(headers: ["  STEP", "STATUS", "DURATION", "CACHED", "NOTE"])
            for step in steps {
                let status = step.status.rawValue + (step.attempts > 1 ? " (\(step.attempts) attempts)" : "")
                table.add(["  " + step.name, status, step.duration().map { Formatting.duration($0) } ?? "-",
                           step.cacheHit ? "yes" : "no", step.reason ?? ""])
            }
            print(table.render())
        }
        if !details.params.isEmpty {
            print("\nParams")
            for (k, v) in details.params.sorted(by: { $0.key < $1.key }) { print("  \(k) = \(v)") }
        }
        if !details.metrics.isEmpty {
            print("\nMetrics")
            var table = TextTable(headers: ["  KEY", "LAST", "STEP", "MIN", "MAX", "POINTS"])
            table.rightAligned = [1, 2, 3, 4, 5]
            for m in details.metrics {
                table.add(["  " + m.key, Formatting.number(m.last), String(m.lastStep), Formatting.number(m.min), Formatting.number(m.max), String(m.count)])
            }
            print(table.render())
        }
        if let evaluation {
            print("")
            EvaluationFormatting.section(evaluation).forEach { print($0) }
        }
        if !details.tags.isEmpty {
            print("\nTags")
            for (k, v) in details.tags.sorted(by: { $0.key < $1.key }) { print("  \(k) = \(v)") }
        }
        if !details.artifacts.isEmpty {
            print("\nArtifacts")
            for a in details.artifacts { print("  \(a.path)  \(Formatting.bytes(a.size))  \(a.object.hex.prefix(12))") }
        }
        if !tail.isEmpty {
            print("\nLog (last \(tail.count) lines)")
            for line in tail { print("  " + line) }
        }
    }
}

/// The last lines of a log file, read from its end.
enum LogTail {
    static func lastLines(of url: URL, count: Int) -> [String] {
        guard count > 0, let handle = FileHandle(forReadingAtPath: url.path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > 256 * 1024 ? size - 256 * 1024 : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return Array(lines.suffix(count))
    }
}
