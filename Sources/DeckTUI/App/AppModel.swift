/// The dashboard's state and key handling, with no terminal: panes (each a stack of views),
/// the overlay (help, command line, dialog), toasts, read-only mode and the theme.
///
/// `send(_:)` is the reducer: state + key → new state (+ effects applied, events queued in
/// ``outbox``). ``render(into:)`` draws the whole screen onto a canvas. ``AppRunner`` connects both
/// to the real terminal; tests drive them directly.
@MainActor
public final class AppModel {
    /// What is drawn over the panes.
    public enum Overlay {
        case none
        case help(HelpOverlay)
        case commandLine(CommandLineState)
        case dialog(ModalDialog, then: @MainActor (ModalDialog.Outcome) -> Effect?)
    }

    public private(set) var panes: [any Pane]
    /// Views pushed on top of each pane (the pane itself is the root, not in here).
    public private(set) var stacks: [[any View]]
    public private(set) var activePane: Int = 0
    public internal(set) var overlay: Overlay = .none
    public private(set) var toasts: [Toast] = []
    public var readOnly: Bool
    /// The theme in use, already resolved for ``colorDepth``. Set it with ``setTheme(_:)``.
    public private(set) var theme: Theme { didSet { needsRedraw = true } }
    /// The theme as loaded, before degradation to the terminal's colours.
    public private(set) var baseTheme: Theme
    /// The terminal's colour depth (set by the runner); changing it re-resolves the theme.
    public var colorDepth: ColorDepth = .trueColor { didSet { theme = baseTheme.resolved(for: colorDepth) } }
    public var workspace: String { didSet { needsRedraw = true } }
    public var badges: [Badge] = [] { didSet { needsRedraw = true } }
    public var size: Size { didSet { if oldValue != size { needsRedraw = true } } }
    /// Below this the screen shows "needs W×H" instead of the panes.
    public var minimumSize = Size(width: 60, height: 12)
    public private(set) var quitRequested = false
    /// Set by any change; the runner redraws and clears it.
    public var needsRedraw = true
    /// Events for the application (see ``Effect/emit(_:)``), in order. ``onEvent`` sees them first.
    public private(set) var outbox: [AppEvent] = []
    /// Handles emitted events; its result is applied. When nil events stay in ``outbox``.
    public var onEvent: ((AppEvent) -> Effect?)?
    /// Extra `:` commands (the built-ins are `q`/`quit`, `help`, and each pane's command names).
    public var commands: [AppCommand] = []
    /// Command-line history, newest last.
    public private(set) var commandHistory: [String] = []
    /// Background work that reports to the app between keys (the store writes' toasts and busy
    /// mark, see ``PaneContext/attach(to:)``); each returns whether a redraw is needed.
    public var backgroundSources: [@MainActor () -> Bool] = []
    /// Shown at the right of the footer while a write is in flight (`⟳ promoting churn-model v3…`).
    public var busyStatus: String? { didSet { if oldValue != busyStatus { needsRedraw = true } } }
    /// Global keys the application adds (the launcher's `L`), after the built-in ones.
    public var extraGlobalBindings: [KeyBinding] = []
    /// When `q` or `:q` quits: a sentence that makes quitting ask first (runs started here are
    /// still in flight), or nil to quit at once. Ctrl-C always quits at once.
    public var quitWarning: (() -> String?)?
    /// Tab x ranges from the last render (screen coordinates on row 0), for mouse clicks.
    var headerHits = HeaderHitAreas()
    /// The tabs' x ranges on row 0 (from the last render).
    var tabRanges: [Range<Int>] { headerHits.tabs }

    public init(panes: [any Pane], workspace: String = "", theme: Theme = .defaultTheme,
                readOnly: Bool = false, size: Size = Size(width: 100, height: 30)) {
        precondition(!panes.isEmpty, "the dashboard needs at least one pane")
        self.panes = panes
        self.stacks = panes.map { _ in [] }
        self.workspace = workspace
        self.baseTheme = theme
        self.theme = theme.resolved(for: .trueColor)
        self.readOnly = readOnly
        self.size = size
    }

    // MARK: - Queries

    /// The view receiving keys: the top of the active pane's stack.
    public var topView: any View { stacks[activePane].last ?? panes[activePane] }

    /// Titles from the pane down to the top view.
    public var breadcrumb: [String] { [panes[activePane].title] + stacks[activePane].map(\.title) }

    /// Whether the screen is smaller than ``minimumSize``.
    public var isTooSmall: Bool { size.width < minimumSize.width || size.height < minimumSize.height }

    /// Global bindings (shown in the footer after the view's own), each with its action. A view's
    /// binding for the same key wins; when its action has nothing to do, the global one runs.
    public var globalBindings: [KeyBinding] {
        var b = [
            KeyBinding("?", "Show keys", footer: "help", group: "Global", shownInFooter: true) { [weak self] in
                self?.showHelp()
            },
            KeyBinding(":", "Command line (:runs, :theme NAME, :q)", footer: "cmd", group: "Global", shownInFooter: true) { [weak self] in
                guard let self else { return nil }
                self.overlay = .commandLine(CommandLineState(history: self.commandHistory))
                return .redraw
            },
            KeyBinding("q", "Quit", footer: "quit", group: "Global", shownInFooter: true) { .quit },
            KeyBinding("ctrl-c", "Quit (works everywhere, also over dialogs)", group: "Global") { .quit },
            KeyBinding("tab", "Next pane", group: "Global") { [weak self] in
                guard let self else { return nil }
                return .switchPane((self.activePane + 1) % self.panes.count)
            },
            KeyBinding("shift-tab", "Previous pane", group: "Global") { [weak self] in
                guard let self else { return nil }
                return .switchPane((self.activePane - 1 + self.panes.count) % self.panes.count)
            },
        ]
        for (i, p) in panes.enumerated() where i < 9 {
            b.append(KeyBinding(.char(Character(String(i + 1))), "Go to \(p.tabTitle)", group: "Panes") { .switchPane(i) })
        }
        b += extraGlobalBindings
        if !stacks[activePane].isEmpty {
            b.insert(KeyBinding("esc", "Back", footer: "back", group: "Global", shownInFooter: true) { .pop }, at: 0)
        }
        return b
    }

    /// The view's bindings followed by the global ones.
    public var allBindings: [KeyBinding] { topView.bindings + globalBindings }

    /// The newest toast still showing, if any.
    public var currentToast: Toast? { toasts.last }

    /// Whether the command line is open.
    public var isCommandLineOpen: Bool { if case .commandLine = overlay { return true }; return false }
    public var isHelpOpen: Bool { if case .help = overlay { return true }; return false }
    public var isDialogOpen: Bool { if case .dialog = overlay { return true }; return false }

    // MARK: - The reducer

    /// Handles one key.
    public func send(_ key: Key) {
        needsRedraw = true
        if key == .resize { return }
        // Ctrl-C quits from any state, before overlays see keys (its global binding lists it).
        if key == .ctrl("c") { quitRequested = true; return }
        switch overlay {
        case .dialog(var dialog, let then):
            if let outcome = dialog.handle(key) {
                overlay = .none
                if let e = then(outcome) { apply(e) }
            } else {
                overlay = .dialog(dialog, then: then)
            }
            return
        case .help(var help):
            switch key {
            case .escape, .char("?"), .char("q"), .enter: overlay = .none
            default: _ = help.handle(key); overlay = .help(help)
            }
            return
        case .commandLine(var line):
            let outcome = line.handle(key, completer: complete)
            switch outcome {
            case .submit(let text)?:
                overlay = .none
                if !text.isEmpty { commandHistory.append(text); runCommand(text) }
            case .cancel?: overlay = .none
            case nil: overlay = .commandLine(line)
            }
            return
        case .none:
            break
        }
        if isTooSmall {
            if key == .char("q") { quitRequested = true }
            return
        }
        var key = key
        if case .mouse(let m) = key {
            if m.y == 0, let pane = headerHits.pane(at: m.x), pane < panes.count,
               m.kind == .press || m.kind == .click || m.kind == .doubleClick {
                switchPane(pane); return
            }
            let c = contentRect
            guard c.contains(Point(x: m.x, y: m.y)) else { return }
            key = .mouse(MouseEvent(m.kind, x: m.x - c.x, y: m.y - c.y))
        }
        let view = topView
        switch view.perform(key, readOnly: readOnly) {
        case .effect(let effect): apply(effect)
        case .refused(let reason): toast(Toast(reason, kind: .error, duration: 4))
        case .unused:
            if view.capturesText, case .char = key { return }
            if let global = globalBindings.binding(for: key) {
                if let reason = global.refusal(readOnly: readOnly) { toast(Toast(reason, kind: .error, duration: 4)); return }
                if let action = global.action, let e = action() { apply(e) }
            }
        }
    }

    /// Applies an effect (also used by the runner for the results of events).
    public func apply(_ effect: Effect) {
        needsRedraw = true
        switch effect {
        case .redraw: break
        case .push(let v): stacks[activePane].append(v)
        case .pop: if !stacks[activePane].isEmpty { stacks[activePane].removeLast() }
        case .switchPane(let i): switchPane(i)
        case .quit:
            if let warning = quitWarning?() {
                let dialog = ModalDialog.confirm(title: "Quit?", body: warning, confirmLabel: "Quit")
                overlay = .dialog(dialog) { [weak self] outcome in
                    if outcome == .pressed("confirm") { self?.quitRequested = true }
                    return nil
                }
            } else {
                quitRequested = true
            }
        case .toast(let t): toast(t)
        case .confirm(let d, let then):
            if readOnly && d.dangerous {
                toast(Toast("read-only mode: '\(d.title)' is disabled", kind: .error, duration: 4))
            } else {
                overlay = .dialog(d, then: then)
            }
        case .emit(let e):
            if let onEvent { if let r = onEvent(e) { apply(r) } } else { outbox.append(e) }
        case .command(let text): runCommand(text)
        case .openCommandLine(let text):
            var line = CommandLineState(history: commandHistory)
            line.setText(text, completer: complete)
            overlay = .commandLine(line)
        case .batch(let es): for e in es { apply(e) }
        }
    }

    /// Opens the `?` cheatsheet of the current context's bindings.
    private func showHelp() -> Effect {
        overlay = .help(HelpOverlay(bindings: allBindings, readOnly: readOnly))
        return .redraw
    }

    /// Uses `theme`, degraded to ``colorDepth``.
    public func setTheme(_ theme: Theme) {
        baseTheme = theme
        self.theme = theme.resolved(for: colorDepth)
    }

    /// Shows a toast (replacing any older one with the same text).
    public func toast(_ t: Toast) {
        toasts.removeAll { $0.message == t.message }
        toasts.append(t)
        needsRedraw = true
    }

    /// Switches pane (out-of-range indices are ignored).
    public func switchPane(_ index: Int) {
        guard panes.indices.contains(index) else { return }
        activePane = index
        needsRedraw = true
    }

    /// Takes the queued events (when no ``onEvent`` handler is set).
    public func takeOutbox() -> [AppEvent] { defer { outbox = [] }; return outbox }

    /// Between keys: lets the visible view pull data, takes background reports, expires toasts.
    /// Returns whether a redraw is needed.
    ///
    /// Only the view on screen (the top of the active pane's stack) is ticked: a hidden pane or
    /// a view under another one does not reload on store changes; it sees the changed store
    /// version on its first tick after it shows again and reloads then.
    @discardableResult
    public func tick(now: Double = Toast.now()) -> Bool {
        var changed = false
        for source in backgroundSources where source() { changed = true }   // first: a write's store change reloads now
        if topView.tick() { changed = true }
        let before = toasts.count
        toasts.removeAll { $0.isExpired(at: now) }
        if toasts.count != before { changed = true }
        if changed { needsRedraw = true }
        return needsRedraw
    }

    // MARK: - Commands

    private var builtinCommands: [AppCommand] {
        var list: [AppCommand] = [
            AppCommand("q", summary: "Quit") { _ in .quit },
            AppCommand("quit", summary: "Quit") { _ in .quit },
            AppCommand("help", summary: "Show keys") { [weak self] _ in self?.showHelp() },
        ]
        for (i, p) in panes.enumerated() {
            for name in p.commandNames {
                list.append(AppCommand(name, summary: "Go to \(p.tabTitle)") { _ in .switchPane(i) })
            }
        }
        return list
    }

    /// Every command, user commands first (they win over built-ins of the same name).
    public var allCommands: [AppCommand] { commands + builtinCommands }

    /// Completion candidates for command-line text.
    public func complete(_ text: String) -> [String] {
        let trimmed = text.drop { $0 == " " }
        if let space = trimmed.firstIndex(of: " ") {
            let name = String(trimmed[..<space])
            let partial = String(trimmed[trimmed.index(after: space)...])
            guard let cmd = allCommands.first(where: { $0.name == name }) else { return [] }
            return cmd.completeArguments(partial).map { "\(name) \($0)" }
        }
        var seen = Set<String>()
        return allCommands.map(\.name).filter { $0.hasPrefix(trimmed) && seen.insert($0).inserted }
    }

    /// Runs a command line (`theme light`, `runs`, `q`).
    public func runCommand(_ text: String) {
        let words = text.split(separator: " ").map(String.init)
        guard let name = words.first else { return }
        guard let cmd = allCommands.first(where: { $0.name == name }) else {
            toast(Toast("unknown command ':\(name)' (Tab lists commands)", kind: .error, duration: 4))
            return
        }
        if let e = cmd.run(Array(words.dropFirst())) { apply(e) }
    }
}
