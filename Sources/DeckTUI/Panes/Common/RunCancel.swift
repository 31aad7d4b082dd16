import DeckEngine
import DeckStore
import Foundation

/// Cancelling a running run from the dashboard (ctrl-k in Runs and in a run's view): a
/// dangerous confirmation, then ``DeckEngine/RunCanceller`` off the UI thread through the
/// context's writes (the run's owner is asked to stop and records `KILLED`).
@MainActor
enum RunCancel {
    /// Why ctrl-k does nothing for a run in `status`, or nil when it can be cancelled.
    static func disabledReason(_ status: RunStatus?) -> String? {
        guard let status else { return "no run selected" }
        return status.isFinal ? "the run has already ended (\(status.rawValue))" : nil
    }

    /// The binding, declared once for both places.
    static func binding(context: PaneContext, run: RunRecord?) -> KeyBinding {
        KeyBinding("ctrl-k", "Cancel the running run (it ends KILLED)", footer: "cancel run", group: "Runs",
                   shownInFooter: run.map { !$0.status.isFinal } ?? false, dangerous: true,
                   disabledReason: disabledReason(run?.status)) {
            guard let run else { return nil }
            return confirm(context: context, runID: run.id, name: run.name)
        }
    }

    /// Asks, then cancels.
    static func confirm(context: PaneContext, runID: String, name: String) -> Effect {
        let dialog = ModalDialog.confirm(title: "Cancel run \(name)?",
                                         body: "Stop run \(name) (\(runID.prefix(8))) and its steps? It ends KILLED.",
                                         confirmLabel: "Cancel run", dangerous: true)
        return .confirm(dialog) { outcome in
            guard outcome == .pressed("confirm") else { return nil }
            context.writes.perform("cancelling \(name)…", failure: "cannot cancel \(name)") { store in
                let ended = try RunCanceller.cancel(runID, store: store)
                return "run \(name) ended \(ended.status.rawValue)"
            }
            return .redraw
        }
    }
}
