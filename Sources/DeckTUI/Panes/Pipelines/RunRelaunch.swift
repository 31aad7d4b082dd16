import DeckStore

/// `R` on a run (Runs pane, run view): opens the launcher with the run's pipeline, params and
/// dataset version filled in.
@MainActor
enum RunRelaunch {
    static func binding(context: PaneContext, run: RunRecord?) -> KeyBinding {
        let reason: String? = {
            guard let run else { return "no run selected" }
            guard run.pipeline != nil else { return "this run was not started from a pipeline (mldeck track): nothing to re-run" }
            return context.openLauncher == nil ? "no launcher in this dashboard" : nil
        }()
        return KeyBinding("R", "Re-run: the launcher with this run's params", footer: "re-run", group: "Runs",
                          dangerous: true, disabledReason: reason) {
            guard let run, let pipeline = run.pipeline else { return nil }
            return context.openLauncher?(LaunchPrefill(pipeline: pipeline, fromRunID: run.id))
        }
    }
}
