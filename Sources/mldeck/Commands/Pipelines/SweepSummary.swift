import DeckEngine
import DeckStore
import Foundation

/// The end of `mldeck run --sweep/--trials`: how many children finished, the best child by the
/// pipeline's metric, what was registered, and the commands that show exactly this sweep.
enum SweepSummary {
    /// Children named in the printed `runs compare` line at most (the best ones when more).
    static let compareLimit = 12

    static func text(_ outcome: PipelineSweep.Outcome) -> String {
        let parent = String(outcome.parentRunID.prefix(8))
        let finished = outcome.runs.filter { $0.status == .finished }.count
        var lines = ["sweep \(parent) \(outcome.status.rawValue): \(finished) of \(outcome.runs.count) runs finished"]
        if let best = outcome.best {
            let direction = DeckStore.isLossLike(best.metric) ? "lower is better" : "higher is better"
            let params = best.params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.append("best: \(best.runID.prefix(8))  \(best.metric) \(Formatting.number(best.value)) (\(direction))  \(params)")
        } else if let metric = outcome.metric {
            lines.append("best: none (no child finished with \(metric))")
        }
        if !outcome.registered.isEmpty, let by = outcome.registrationRunID {
            lines.append("registered: \(outcome.registered.joined(separator: ", ")) (by run \(by.prefix(8)), whose parent is the best child)")
        }
        for notice in outcome.notices { lines.append("note: \(notice)") }
        let ids = ranked(outcome).prefix(compareLimit).map { String($0.prefix(8)) }
        if ids.count >= 2 {
            let which = outcome.runs.count > compareLimit ? "  # the \(compareLimit) best of \(outcome.runs.count)" : ""
            lines.append("compare: mldeck runs compare \(ids.joined(separator: " "))\(which)")
        }
        var list = "list:    mldeck runs list --filter \"parent = '\(parent)'\""
        if let metric = outcome.metric {
            list += " --order-by \"metrics.\(metric) \(DeckStore.isLossLike(metric) ? "ASC" : "DESC")\""
        }
        if outcome.runs.count > RunsList.defaultLimit { list += " --limit 0" }
        lines.append(list)
        return lines.joined(separator: "\n")
    }

    /// Child ids, best first by the sweep's metric (children without it last, in order).
    static func ranked(_ outcome: PipelineSweep.Outcome) -> [String] {
        guard let metric = outcome.metric else { return outcome.runs.map(\.id) }
        let lower = DeckStore.isLossLike(metric)
        let indexed = outcome.runs.enumerated().map { (index: $0.offset, id: $0.element.id, value: $0.element.metrics[metric]) }
        return indexed.sorted { a, b in
            switch (a.value, b.value) {
            case let (x?, y?) where x != y: return lower ? x < y : x > y
            case (nil, _?): return false
            case (_?, nil): return true
            default: return a.index < b.index
            }
        }.map(\.id)
    }

    struct Row: Encodable { var run_id: String; var params: [String: String]; var status: RunStatus; var metrics: [String: Double] }
    struct Best: Encodable { var run_id: String; var metric: String; var value: Double; var params: [String: String] }
    struct Out: Encodable {
        var parent_run_id: String; var status: RunStatus; var runs: [Row]; var metric: String?; var best: Best?
        var registered: [String]; var registration_run_id: String?; var notices: [String]
    }

    static func json(_ outcome: PipelineSweep.Outcome) -> Out {
        Out(parent_run_id: outcome.parentRunID, status: outcome.status,
            runs: outcome.runs.map { Row(run_id: $0.id, params: $0.params, status: $0.status, metrics: $0.metrics) },
            metric: outcome.metric,
            best: outcome.best.map { Best(run_id: $0.runID, metric: $0.metric, value: $0.value, params: $0.params) },
            registered: outcome.registered, registration_run_id: outcome.registrationRunID, notices: outcome.notices)
    }
}
