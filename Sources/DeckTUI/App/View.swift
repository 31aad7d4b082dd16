/// Something that fills the content area: a pane's main screen or a detail pushed on top of it.
///
/// Views are immediate-mode: `render` draws the whole view from the view's state each frame
/// (only changed cells reach the terminal). Keys come to the top view first; return nil for a
/// key you do not use and the app applies its global keys (`q`, `?`, `:`, `1`–`6`, Tab, Esc).
@MainActor
public protocol View: AnyObject {
    /// Shown in the breadcrumb (`Runs › run 42 › log`).
    var title: String { get }
    /// The view's keys: shown in the footer and help; refused when disabled or dangerous in
    /// read-only mode (the app checks this before calling ``handle(_:)``).
    var bindings: [KeyBinding] { get }
    /// Draws into the content area (`region` is local: 0,0 is its top-left corner).
    func render(into region: Region, theme: Theme)
    /// Handles a key that no binding's action takes: text typed into a field the view captures,
    /// mouse input (positions local to the content area), keys declared without an action.
    /// Returns nil when the key is not used, otherwise the effects to apply (`.redraw` when only
    /// the view's state changed). Declared keys belong in ``bindings`` with their action.
    func handle(_ key: Key) -> Effect?
    /// Called between keys on the UI thread (every ~50 ms): pull new data here and return true
    /// when the view must be redrawn.
    func tick() -> Bool
    /// Whether the view is capturing text (a filter being typed): global single-letter keys
    /// (`q`, `?`, `:`, digits) then go to the view and Esc is the only way out.
    var capturesText: Bool { get }
    /// Waits for the view's queries in flight and applies their answers (headless runs and
    /// tests; the live dashboard never waits: answers are applied by ``tick()``).
    func waitForLoad()
}

extension View {
    public var bindings: [KeyBinding] { [] }
    public func tick() -> Bool { false }
    public var capturesText: Bool { false }
    public func waitForLoad() {}
    public func handle(_ key: Key) -> Effect? { nil }
}

/// What came of a key sent to a view.
public enum KeyOutcome {
    /// The view used the key; apply the effect.
    case effect(Effect)
    /// The key's binding is disabled (or dangerous in read-only mode): show the reason.
    case refused(String)
    /// The view has nothing to do with the key: the app's global keys get it.
    case unused
}

extension View {
    /// Sends `key` to the view as the app does: the binding that answers to it runs its action
    /// (or is refused with its reason); keys declared without an action, and undeclared keys
    /// (text being typed, the mouse), go to ``handle(_:)``.
    public func perform(_ key: Key, readOnly: Bool = false) -> KeyOutcome {
        if let binding = bindings.binding(for: key) {
            if let reason = binding.refusal(readOnly: readOnly) { return .refused(reason) }
            if let action = binding.action { return action().map(KeyOutcome.effect) ?? .unused }
        }
        return handle(key).map(KeyOutcome.effect) ?? .unused
    }
}

/// A top-level pane (Runs, Datasets, …): a view with a tab title and `:` command names.
@MainActor
public protocol Pane: View {
    /// The tab label (`Runs`).
    var tabTitle: String { get }
    /// Names that switch to this pane from the command line (`runs`, `run`).
    var commandNames: [String] { get }
}

extension Pane {
    public var tabTitle: String { title }
    public var commandNames: [String] { [tabTitle.lowercased()] }
}
