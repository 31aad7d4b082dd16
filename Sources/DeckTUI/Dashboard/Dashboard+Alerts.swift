import DeckEngine
import DeckStore
import Foundation

/// What the header counts, read off the UI thread.
struct BadgeCounts: Sendable {
    var running: Int
    /// Open alerts; nil when they could not be read.
    var openAlerts: Int?
    var newestOpen: AlertRecord?
}

/// The Alerts pane's wiring: `:ack ID [note…]` (what `a` opens), retraining from an alert, the
/// header's open-alert count and a toast when an alert opens while you look elsewhere.
extension Dashboard {
    func wireAlerts() {
        context.startRun = { [weak self] pipeline, reason in
            guard let self else { return nil }
            if self.app.readOnly { return .error("read-only mode: starting runs is disabled") }
            self.launches.start(PipelineLauncher.Launch(pipeline: pipeline, trigger: reason))
            return .info("starting \(pipeline) (\(reason))…")
        }
        app.commands.append(AppCommand("ack", summary: "Acknowledge an alert: :ack ID [note …]") { [weak self] args in
            self?.acknowledge(args)
        })
    }

    /// `:ack ID [note …]`: records the acknowledgement off the UI thread.
    func acknowledge(_ args: [String]) -> Effect? {
        if app.readOnly { return .error("read-only mode: acknowledging alerts is disabled") }
        guard let first = args.first, let id = Int64(first.trimmingCharacters(in: CharacterSet(charactersIn: "#"))) else {
            return .error(":ack needs an alert id, e.g. :ack 3 looked into it")
        }
        let note = args.dropFirst().joined(separator: " ")
        context.writes.perform("acknowledging alert #\(id)…", failure: "could not acknowledge alert #\(id)") { store in
            let a = try store.acknowledgeAlert(id: id, note: note.isEmpty ? nil : note)
            return "alert #\(a.id) acknowledged" + (note.isEmpty ? "" : ": \(note)")
        }
        return .redraw
    }

    /// Applies a new count; toasts an alert newer than any seen while Alerts is not on screen.
    func applyBadgeCounts(_ counts: BadgeCounts) -> Bool {
        var changed = false
        if counts.running != status.runningRuns || counts.openAlerts != status.openAlerts {
            status.runningRuns = counts.running
            status.openAlerts = counts.openAlerts
            app.badges = status.badges
            changed = true
        }
        if let newest = counts.newestOpen {
            if let seen = newestAlertSeen, newest.id > seen, !(app.topView === alerts) {
                let kind: Toast.Kind = newest.severity == .critical ? .error : .info
                app.toast(Toast("▲ \(newest.severity.rawValue) \(newest.kind.rawValue) alert on \(newest.subjectText): \(newest.driftedSummary) (5 opens Alerts)",
                                kind: kind, duration: 6))
                changed = true
            }
            newestAlertSeen = max(newestAlertSeen ?? newest.id, newest.id)
        } else if counts.openAlerts != nil, newestAlertSeen == nil {
            newestAlertSeen = 0
        }
        return changed
    }
}
