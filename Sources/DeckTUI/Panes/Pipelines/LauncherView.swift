import DeckEngine
import DeckStore
import Foundation

/// The run launcher (`L` from anywhere, `:run`, `R` on a run, Enter on a pipeline): choose a
/// pipeline (←/→), edit its params (fields typed from their defaults, checked as typed), choose
/// the dataset version (←/→), Enter starts the run as a detached `mldeck run` process, and the
/// Runs pane then opens it with its live progress. Esc closes the form.
@MainActor
public final class LauncherView: View {
    public let title = "New run"
    public let context: PaneContext
    public let launches: RunLaunches
    public private(set) var form: LauncherForm?
    private let loader: PaneLoader<(LauncherChoices, LaunchPrefill?)>
    private let prefill: LaunchPrefill?

    public init(context: PaneContext, launches: RunLaunches, prefill: LaunchPrefill? = nil) {
        self.context = context; self.launches = launches; self.prefill = prefill
        loader = PaneLoader(label: "launcher", store: context.store) { store in
            var filled = prefill
            if let id = prefill?.fromRunID, let d = try? store.runDetails(id) {
                filled?.params = d.params
                filled?.dataset = d.run.lineage.datasetVersion
            }
            return (try LauncherChoices.load(from: store), filled)
        }
        loader.load()
    }

    /// Builds the form when the choices arrive.
    private func applyLoaded() -> Bool {
        guard loader.apply() else { return false }
        if let v = loader.value { form = LauncherForm(choices: v.0, prefill: v.1) }
        return true
    }

    public func tick() -> Bool { applyLoaded() }
    public func waitForLoad() {
        loader.waitForLoad()
        if let v = loader.value, form == nil { form = LauncherForm(choices: v.0, prefill: v.1) }
    }

    /// Params are typed here: every printable key goes to the focused field.
    public var capturesText: Bool { true }

    public var bindings: [KeyBinding] {
        let problem: String? = form == nil ? (loader.error == nil ? "reading mldeck.yaml…" : "no pipeline to run") : form?.problems.first
        return [
            KeyBinding("enter", "Start the run", footer: "start", group: "Launcher", shownInFooter: true, dangerous: true,
                       disabledReason: problem) { [unowned self] in self.start() },
            KeyBinding("esc", "Close the launcher", footer: "close", group: "Launcher", shownInFooter: true) { .pop },
            KeyBinding("tab", "Next field", footer: "next field", group: "Launcher", shownInFooter: true, also: [.down]) { [unowned self] in
                self.form?.moveFocus(by: 1); return .redraw
            },
            KeyBinding("shift-tab", "Previous field", group: "Launcher", also: [.up]) { [unowned self] in
                self.form?.moveFocus(by: -1); return .redraw
            },
            KeyBinding("right", "Next choice (pipeline, dataset version, true/false)", footer: "choose", group: "Launcher",
                       shownInFooter: true) { [unowned self] in self.form?.choose(by: 1); return .redraw },
            KeyBinding("left", "Previous choice", group: "Launcher") { [unowned self] in self.form?.choose(by: -1); return .redraw },
            KeyBinding("backspace", "Delete a character", group: "Launcher"),
        ]
    }

    /// Starts the run the form describes.
    func start() -> Effect? {
        guard let form else { return nil }
        switch form.launch() {
        case .failure(let e): return .error(e.message)
        case .success(let launch):
            launches.start(launch)
            return .batch([.pop, .info("starting \(launch.pipeline)…")])
        }
    }

    public func handle(_ key: Key) -> Effect? {
        switch key {
        case .backspace: form?.backspace(); return .redraw
        case .char(let c): form?.type(c); return .redraw
        case .mouse(let m) where m.kind == .press || m.kind == .click:
            // Rows: the pipeline on line 2, params from line 3, a blank line, the dataset.
            guard let form else { return nil }
            let row = m.y == 4 + form.fields.count ? form.datasetRow : m.y - 2
            guard (0...form.fields.count).contains(row) || row == form.datasetRow else { return nil }
            self.form?.focus(row: row)
            return .redraw
        default: return nil
        }
    }

    public func render(into region: Region, theme: Theme) {
        if let e = loader.error {
            region.put("Cannot read the pipelines: \(e)", at: .zero, style: theme[.error], maxWidth: region.width)
            return
        }
        guard let form else { region.put("Reading mldeck.yaml…", at: .zero, style: theme[.textDim]); return }
        guard let p = form.pipeline else {
            region.put("mldeck.yaml defines no pipeline: add one, then press L again", at: .zero, style: theme[.textDim]); return
        }
        region.put("Start a run · ↑/↓ field · ←/→ choose · type to edit · Enter start · Esc close", at: .zero, style: theme[.textDim],
                   maxWidth: region.width)
        let labelWidth = max(10, (form.fields.map(\.key.displayWidth).max() ?? 0) + 2)
        func row(_ y: Int, _ index: Int, _ label: String, _ value: String, _ note: String, noteSlot: ThemeSlot) {
            guard y < region.height else { return }
            let focused = form.focus == index
            let style = focused ? theme[.selection] : theme[.text]
            region.put((focused ? "▸ " : "  ") + label, at: Point(x: 0, y: y), style: focused ? theme[.title] : theme[.text])
            let x = labelWidth + 2
            let shown = " " + value + (focused && index > 0 && index < form.datasetRow ? "▏" : "") + " "
            let w = region.put(shown, at: Point(x: x, y: y), style: style, maxWidth: max(1, region.width - x))
            region.put(note, at: Point(x: x + w + 2, y: y), style: theme[noteSlot], maxWidth: max(0, region.width - x - w - 2))
        }
        row(2, 0, "pipeline", "‹ \(p.name) ›", "\(form.pipelines.count) in mldeck.yaml", noteSlot: .textDim)
        for (i, f) in form.fields.enumerated() {
            let note = f.error.map { "✗ " + $0 } ?? (f.changed ? "\(f.kind.rawValue) · was \(f.defaultValue)" : f.kind.rawValue)
            row(3 + i, i + 1, f.key, f.text, note, noteSlot: f.error != nil ? .error : (f.changed ? .diffChanged : .textDim))
        }
        row(4 + form.fields.count, form.datasetRow, "dataset", "‹ \(form.datasetText) ›",
            "\(p.datasetVersions.count) version\(p.datasetVersions.count == 1 ? "" : "s")", noteSlot: .textDim)
        if case .success(let launch) = form.launch() {
            region.put("$ " + PipelineLauncher.commandLine(launch), at: Point(x: 0, y: 6 + form.fields.count), style: theme[.textDim],
                       maxWidth: region.width)
        }
    }
}
