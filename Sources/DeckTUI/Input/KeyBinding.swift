/// A key binding as data: the key, what it does (its action), where it is listed, whether it is
/// dangerous, and why it is disabled. Each key of a context is declared once, here: the app runs
/// the action of the binding that matches a key, builds the footer hints and the `?` help from
/// the same list, refuses disabled keys with their reason, and in read-only mode refuses
/// dangerous ones. (lazygit's shape: a binding carries its handler and its disabled reason.)
///
/// A binding without an action only documents a key that the view handles itself in
/// ``View/handle(_:)``: a text field's editing keys while it captures text, or mouse input.
public struct KeyBinding: Sendable {
    public var key: Key
    /// Other keys that do the same (`↓` beside `j`); listed after the key in help.
    public var alternateKeys: [Key]
    /// What the key does, for the help overlay (`Start a run from the selected pipeline`).
    public var description: String
    /// Short label for the footer (`new run`); defaults to `description`.
    public var footerLabel: String
    /// Heading it is listed under in help (`Navigation`, `Runs`, `Global`).
    public var group: String
    public var shownInFooter: Bool
    /// Changes or deletes something (kill a run, promote a model): refused in read-only mode,
    /// and should ask for confirmation.
    public var dangerous: Bool
    /// Why the key does nothing right now (shown instead of running it), or nil when enabled.
    public var disabledReason: String?
    /// What the key does. It returns the effects to apply, or nil when the key has nothing to do
    /// in the current state (the app then tries its global keys, e.g. Esc goes back).
    public var action: (@MainActor @Sendable () -> Effect?)?

    public init(_ key: Key, _ description: String, footer: String? = nil, group: String = "General",
                shownInFooter: Bool = false, dangerous: Bool = false, disabledReason: String? = nil,
                also alternateKeys: [Key] = [], action: (@MainActor @Sendable () -> Effect?)? = nil) {
        self.key = key; self.alternateKeys = alternateKeys; self.description = description
        self.footerLabel = footer ?? description
        self.group = group; self.shownInFooter = shownInFooter; self.dangerous = dangerous
        self.disabledReason = disabledReason; self.action = action
    }

    /// Convenience: the key given as text (`"ctrl-d"`, `"enter"`, `"s"`). Traps on a bad spelling
    /// (a programming error).
    public init(_ keySpec: String, _ description: String, footer: String? = nil, group: String = "General",
                shownInFooter: Bool = false, dangerous: Bool = false, disabledReason: String? = nil,
                also alternateKeys: [Key] = [], action: (@MainActor @Sendable () -> Effect?)? = nil) {
        guard let key = Key(keySpec) else { preconditionFailure("bad key spelling '\(keySpec)'") }
        self.init(key, description, footer: footer, group: group, shownInFooter: shownInFooter,
                  dangerous: dangerous, disabledReason: disabledReason, also: alternateKeys, action: action)
    }

    /// Whether `key` triggers this binding (its key or one of its alternates).
    public func matches(_ key: Key) -> Bool { self.key == key || alternateKeys.contains(key) }

    /// Every key this binding answers to, the main one first.
    public var allKeys: [Key] { [key] + alternateKeys }

    /// How the keys are written in help (`j ↓`).
    public var keysText: String { allKeys.map(\.description).joined(separator: " ") }

    /// The reason this binding cannot run now, given read-only mode, or nil.
    public func refusal(readOnly: Bool) -> String? {
        if let disabledReason { return disabledReason }
        if readOnly && dangerous { return "read-only mode: '\(description)' is disabled" }
        return nil
    }
}

extension KeyBinding: Equatable {
    /// Bindings are equal when everything but the action is (actions are closures).
    public static func == (a: KeyBinding, b: KeyBinding) -> Bool {
        a.key == b.key && a.alternateKeys == b.alternateKeys && a.description == b.description
            && a.footerLabel == b.footerLabel && a.group == b.group && a.shownInFooter == b.shownInFooter
            && a.dangerous == b.dangerous && a.disabledReason == b.disabledReason
    }
}

extension Array where Element == KeyBinding {
    /// The first binding that answers to `key`.
    public func binding(for key: Key) -> KeyBinding? { first { $0.matches(key) } }

    /// Keys declared by more than one binding of this list (a context must declare each key once).
    public var duplicateKeys: [Key] {
        var seen = Set<Key>(), dup: [Key] = []
        for k in flatMap(\.allKeys) where !seen.insert(k).inserted && !dup.contains(k) { dup.append(k) }
        return dup
    }
}
