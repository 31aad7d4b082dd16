import DeckStore
import Foundation

/// What `mldeck triggers list` shows for each trigger: its last firing, its next firing and why.
public struct TriggerStatus: Sendable, Equatable, Encodable {
    public var pipeline: String
    public var index: Int
    public var on: String
    /// `schedule 0 3 * * * (UTC)`, `dataset-update`, …
    public var trigger: String
    public var debounce: Double
    public var lastFiredAt: Double?
    public var lastReason: String?
    /// The run of the newest firing and its status (`RUNNING`, `FAILED`, …).
    public var lastRunID: String?
    public var lastRunStatus: String?
    /// `IDLE`, `PENDING` (its debounce is running), `QUEUED` (waits for the pipeline's running
    /// triggered run to end), `RUNNING` (its run is going).
    public var state: String
    /// When it fires next, when that is known (schedules, pending firings).
    public var nextAt: Double?
    /// Why / on what it fires next.
    public var next: String

    enum CodingKeys: String, CodingKey {
        case pipeline, index, on, trigger, debounce, state, next
        case lastFiredAt = "last_fired_at", lastReason = "last_reason", lastRunID = "last_run_id", lastRunStatus = "last_run_status", nextAt = "next_at"
    }
}

/// Builds ``TriggerStatus`` rows from `mldeck.yaml` and the recorded trigger state.
public enum TriggerStatusReport {
    public static func build(config: WorkspaceConfig, store: any TriggerEngine.Store, now: Date = Date(),
                             localTimeZone: TimeZone = .current, recentLimit: Int = 500) throws -> [TriggerStatus] {
        var states: [String: TriggerStateRecord] = [:]
        for s in try store.triggerStates() { states[s.pipeline + "\u{0}" + s.triggerKey] = s }
        let recent = try store.recentTriggerFirings(limit: recentLimit)
        return TriggerDefinition.all(in: config, localTimeZone: localTimeZone).map { d in
            let state = states[d.pipeline + "\u{0}" + d.key]
            let mine = recent.filter { $0.pipeline == d.pipeline && $0.triggerKey == d.key }
            let newest = mine.first
            var row = TriggerStatus(pipeline: d.pipeline, index: d.index, on: d.on, trigger: d.summary, debounce: d.debounce,
                                    lastFiredAt: state?.lastFiredAt, lastReason: state?.lastReason,
                                    lastRunID: mine.first { $0.runID != nil }?.runID, lastRunStatus: nil, state: "IDLE", next: "")
            if let id = row.lastRunID, let run = try? store.resolveRun(id) { row.lastRunStatus = run.status.rawValue }
            if let open = newest, open.status != .finished {
                switch open.status {
                case .pending:
                    let running = recent.first { $0.pipeline == d.pipeline && ($0.status == .started || $0.status == .launching) }
                    if let running {
                        row.state = "QUEUED"
                        row.next = "queued: waits for triggered run \(running.runID.map { String($0.prefix(8)) } ?? "?") of \(d.pipeline) to end (\(open.reason))"
                    } else {
                        row.state = "PENDING"; row.nextAt = open.dueAt
                        row.next = "starts when its \(Int(d.debounce)) s debounce ends (\(open.count) firing(s) coalesced: \(open.reason))"
                    }
                    return row
                case .launching, .started:
                    row.state = "RUNNING"
                    row.next = "its run \(open.runID.map { String($0.prefix(8)) } ?? "") is going; a new firing waits for it"
                    return row
                case .finished: break
                }
            }
            switch d.kind {
            case .schedule(let cron, let zone, let catchUp):
                row.nextAt = cron.nextFiring(after: now, timeZone: zone)?.timeIntervalSince1970
                row.next = row.nextAt.map { "at \(TriggerDefinition.timeText($0, zone: zone)) (cron \(cron.text))" } ?? "never"
                if catchUp { row.next += "; a schedule missed while no runner is up runs once when one starts" }
            case .datasetUpdate(let named):
                let reference = named ?? config.pipeline(d.pipeline)?.dataset
                if let reference, !FileDatasetSource.looksLikePath(reference) {
                    let name = String(reference.split(separator: "@", maxSplits: 1).first ?? "")
                    row.next = "when a version of dataset \(name) newer than \(state?.lastSeen ?? "the current one") is registered"
                } else {
                    row.next = "never: the pipeline's dataset is not a registry dataset"
                }
            case .codeChange: row.next = "when the pipeline's definition or its steps' deps change" + (state == nil ? "" : " (hash \(TriggerEvaluator.short(state?.lastSeen ?? "")))")
            case .drift(let m), .quality(let m):
                let after = state?.lastSeen.flatMap { $0 == "0" ? nil : " (newer than alert #\($0))" } ?? ""
                row.next = "on a new \(d.on) alert (warning or critical) on \(m)\(after)"
            case .manual: row.next = "never (manual)"
            }
            if state == nil, d.on != "manual" { row.next += "; not checked yet: start `mldeck agent` (or the dashboard)" }
            return row
        }
    }
}
