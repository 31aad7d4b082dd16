import DeckEngine
import DeckStore
import Foundation

/// The dashboard as a workbench: Compare opened from Runs and Models, the launcher (`L` from
/// anywhere, `:run`, `R`, Enter on a pipeline), runs started here followed (opened when they
/// start, a toast when they end while you look elsewhere, named when quitting).
extension Dashboard {
    /// The index of a pane in the tabs.
    func index(of pane: any Pane) -> Int { app.panes.firstIndex { $0 === pane } ?? 0 }

    func wireWorkbench() {
        let compareIndex = index(of: compare)
        context.openCompare = { [weak self] items in
            guard let self else { return nil }
            self.compare.show(items)
            return .switchPane(compareIndex)
        }
        context.openLauncher = { [weak self] prefill in
            guard let self else { return nil }
            return .push(LauncherView(context: self.context, launches: self.launches, prefill: prefill))
        }
        app.extraGlobalBindings = [
            KeyBinding("L", "Launch a run: choose a pipeline, edit its params (also :run PIPELINE key=value)", footer: "launch",
                       group: "Global", dangerous: true) { [weak self] in
                self?.context.openLauncher?(nil)
            },
        ]
        app.commands.append(AppCommand("run", summary: "Start a run: :run PIPELINE key=value … (alone: the launcher)") { [weak self] args in
            self?.runCommand(args)
        })
        app.quitWarning = { [weak self] in self?.launches.quitWarning }
        app.backgroundSources.append { [weak self] in self?.takeLaunchReports() ?? false }
    }

    /// `:run` alone opens the launcher; `:run PIPELINE key=value …` starts the run.
    func runCommand(_ args: [String]) -> Effect? {
        if app.readOnly { return .error("read-only mode: starting runs is disabled") }
        guard let pipeline = args.first else { return context.openLauncher?(nil) }
        var params: [String: String] = [:]
        for pair in args.dropFirst() {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                return .error(":run \(pipeline): '\(pair)' is not key=value (e.g. :run \(pipeline) max_depth=8)")
            }
            params[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        launches.start(PipelineLauncher.Launch(pipeline: pipeline, params: params))
        return .info("starting \(pipeline)…")
    }

    /// Applies what the launches report: a started run opens in Runs (live progress), a failed
    /// start says why, a run that ended toasts unless its view is on screen.
    func takeLaunchReports() -> Bool {
        let reports = launches.take()
        for report in reports {
            switch report {
            case .started(let id, let name, _):
                app.apply(.switchPane(index(of: runs)))
                app.apply(.push(RunDetailView(context: context, runID: id, name: name)))
                context.storeChanged()
            case .failed(let message):
                app.toast(Toast(message, kind: .error, duration: 6))
            case .ended(let id, let name, let status):
                if let view = app.topView as? RunDetailView, view.runID == id { continue }
                app.toast(Toast("run \(name) ended \(status.rawValue)", kind: status == .finished ? .success : .error, duration: 5))
            }
        }
        return !reports.isEmpty
    }
}
