import DeckStore
import Foundation

/// Decides, for one trigger, what the runner sees now and whether that is a firing. Pure apart
/// from the reads it is given: the engine records the outcome (state and firing in one transaction).
struct TriggerEvaluator {
    /// What a check found.
    struct Outcome: Equatable {
        /// The state to record, nil when nothing changed worth a write.
        var state: TriggerStateRecord?
        var firing: TriggerFiring?
        /// Said in the log when set (a missed schedule that is not replayed, …).
        var note: String?
    }

    /// A schedule firing checked later than this after its time is "missed" (the runner was down).
    var lateTolerance: Double = 90

    /// What `definition` sees at `now`, given its recorded `state` and what `observe` reports
    /// (dataset version, code hash or newest alert id; nil when there is nothing to see).
    func evaluate(_ definition: TriggerDefinition, state: TriggerStateRecord?, now: Double,
                  observe: () throws -> Observation) rethrows -> Outcome {
        switch definition.kind {
        case .manual: return Outcome()
        case .schedule(let cron, let zone, let catchUp):
            return schedule(definition, cron: cron, zone: zone, catchUp: catchUp, state: state, now: now)
        case .datasetUpdate, .codeChange, .drift, .quality:
            let seen = try observe()
            return watermark(definition, seen: seen, state: state, now: now)
        }
    }

    /// What the runner sees of a watched thing.
    enum Observation: Equatable {
        /// Nothing to watch (no registry dataset, no alerts yet, code hash unreadable).
        case nothing
        /// A dataset version number.
        case version(name: String, number: Int)
        /// A code hash.
        case hash(String)
        /// The newest alert id and the alerts after the recorded one (fetched by the engine).
        case alerts(newest: Int64, new: [TriggerAlert])
    }

    func watermark(_ d: TriggerDefinition, seen: Observation, state: TriggerStateRecord?, now: Double) -> Outcome {
        let text: String
        switch seen {
        case .nothing: return Outcome()
        case .version(let name, let n): text = "\(name)@\(n)"
        case .hash(let h): text = h
        case .alerts(let newest, _): text = String(newest)
        }
        var next = TriggerStateRecord(pipeline: d.pipeline, triggerKey: d.key, lastSeen: text, checkedAt: now)
        guard let state, let last = state.lastSeen else {
            // First sight: a baseline, not a firing (starting a runner does not retrain on what is already there).
            return Outcome(state: next, note: "\(d.pipeline): \(d.summary): watching from \(Self.short(text))")
        }
        guard last != text else { return Outcome() }
        next.lastFiredAt = state.lastFiredAt; next.lastReason = state.lastReason
        let reason: String
        switch seen {
        case .version(let name, let n):
            let before = Int(last.split(separator: "@").last ?? "") ?? 0
            guard n > before else { return Outcome(state: next) }   // a version removed: follow it, no firing
            reason = "new dataset version \(name)@\(n)"
        case .hash(let h): reason = "pipeline code changed (\(Self.short(last)) → \(Self.short(h)))"
        case .alerts(let newest, let new):
            guard newest > (Int64(last) ?? 0) else { return Outcome(state: next) }
            reason = new.last.map { "alert #\($0.id): \($0.summary)" } ?? "\(d.on) alert #\(newest)"
        case .nothing: return Outcome()
        }
        return Outcome(state: next, firing: TriggerFiring(kind: d.on, reason: reason, at: now, debounce: d.debounce))
    }

    func schedule(_ d: TriggerDefinition, cron: CronExpression, zone: TimeZone, catchUp: Bool, state: TriggerStateRecord?, now: Double) -> Outcome {
        var next = TriggerStateRecord(pipeline: d.pipeline, triggerKey: d.key, lastSeen: nil, checkedAt: now,
                                      lastFiredAt: state?.lastFiredAt, lastReason: state?.lastReason)
        guard let state else { return Outcome(state: next, note: "\(d.pipeline): \(d.summary): first check") }
        guard let latest = Self.latestFiring(cron, zone: zone, after: state.checkedAt, upTo: now) else {
            // Nothing due: record the check only now and then (a write per tick is not needed).
            return now - state.checkedAt >= 60 ? Outcome(state: next) : Outcome()
        }
        let when = TriggerDefinition.timeText(latest, zone: zone)
        let late = now - latest
        if late <= lateTolerance {
            return Outcome(state: next, firing: TriggerFiring(kind: "schedule", reason: "schedule \(cron.text) at \(when)", at: now, debounce: d.debounce))
        }
        guard catchUp else {
            next.lastSeen = nil
            return Outcome(state: next, note: "\(d.pipeline): \(d.summary): missed \(when) while no runner was up; not replayed (catch_up is off)")
        }
        return Outcome(state: next, firing: TriggerFiring(kind: "schedule", reason: "schedule \(cron.text) at \(when), missed while no runner was up (catch_up)",
                                                           at: now, debounce: d.debounce))
    }

    /// The last firing time of `cron` in (`after`, `upTo`], nil when none.
    static func latestFiring(_ cron: CronExpression, zone: TimeZone, after: Double, upTo: Double) -> Double? {
        var from = after
        // A runner that was down for long: only the last day can hold the latest firing of a
        // frequent schedule; start there so this stays quick (one year of minutes is 525,600).
        if upTo - from > 86400 * 2, let probe = cron.nextFiring(after: Date(timeIntervalSince1970: upTo - 86400), timeZone: zone),
           probe.timeIntervalSince1970 <= upTo {
            from = upTo - 86400
        }
        var latest: Double?
        var count = 0
        while count < 100_000, let t = cron.nextFiring(after: Date(timeIntervalSince1970: from), timeZone: zone)?.timeIntervalSince1970, t <= upTo {
            latest = t; from = t; count += 1
        }
        return latest
    }

    static func short(_ text: String) -> String { text.count > 20 ? String(text.prefix(12)) : text }
}
