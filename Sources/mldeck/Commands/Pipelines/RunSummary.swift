import DeckEngine
import DeckStore
import Foundation

/// The one-screen summary after `mldeck run`, and its JSON form.
enum RunSummary {
    struct JSON: Encodable {
        var runID: String
        var status: RunStatus
        var reason: String?
        var durationSeconds: Double
        var steps: [RunStepRecord]
        var metrics: [String: Double]
        var productionMetrics: [String: Double]?
        var registered: [String]
        var deployed: [String]
        var notices: [String]

        enum CodingKeys: String, CodingKey {
            case runID = "run_id", status, reason, durationSeconds = "duration_s", steps, metrics
            case productionMetrics = "production_metrics", registered, deployed, notices
        }
    }

    static func json(_ o: PipelineOutcome) -> JSON {
        JSON(runID: o.runID, status: o.status, reason: o.reason, durationSeconds: (o.duration * 1000).rounded() / 1000, steps: o.steps,
             metrics: o.metrics, productionMetrics: o.productionMetrics, registered: o.registered, deployed: o.deployed, notices: o.notices)
    }

    static func text(_ o: PipelineOutcome) -> String {
        var lines: [String] = []
        lines.append("")
        lines.append("run \(o.runID.prefix(8))  \(o.status.rawValue)  in \(Formatting.duration(o.duration))\(o.reason.map { "  (\($0))" } ?? "")")
        var table = TextTable(headers: ["  STEP", "KIND", "STATUS", "TIME", "NOTE"])
        table.rightAligned = [3]
        for s in o.steps {
            let note = s.cacheHit ? "from cache" : (s.reason ?? "")
            table.add(["  " + s.name, s.kind, s.status.rawValue, s.duration().map(Formatting.duration) ?? "-", String(note.prefix(90))])
        }
        lines.append(table.render())
        if !o.metrics.isEmpty {
            lines.append("")
            var metrics = TextTable(headers: ["  METRIC", "THIS RUN"] + (o.productionMetrics != nil ? ["PRODUCTION (same rows)"] : []))
            metrics.rightAligned = [1, 2]
            for (k, v) in o.metrics.sorted(by: { $0.key < $1.key }) {
                var row = ["  " + k, Formatting.number(v)]
                if let p = o.productionMetrics { row.append(p[k].map(Formatting.number) ?? "-") }
                metrics.add(row)
            }
            lines.append(metrics.render())
        }
        for r in o.registered { lines.append("registered \(r)") }
        for d in o.deployed { lines.append("deployed   \(d)") }
        lines.append("details: mldeck runs show \(o.runID.prefix(8))")
        return lines.joined(separator: "\n")
    }
}
