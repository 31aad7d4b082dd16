/// A key binding as data: what the key does, where it is listed, whether it is dangerous.
/// Views return their bindings; the app builds the footer hints and the `?` help from them, refuses
/// disabled keys with their reason, and in read-only mode refuses dangerous ones.
public struct KeyBinding: Sendable, Equatable {
    public var key: Key
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

    public init(_ key: Key, _ description: String, footer: String? = nil, group: String = "General",
                shownInFooter: Bool = false, dangerous: Bool = false, disabledReason: String? = nil) {
        self.key = key; self.description = description; self.footerLabel = footer ?? description
        self.group = group; self.shownInFooter = shownInFooter; self.dangerous = dangerous
        self.disabledReason = disabledReason
    }

    /// Convenience: the key given as text (`"ctrl-d"`, `"enter"`, `"s"`). Traps on a bad spelling
    /// (a programming error).
    public init(_ keySpec: String, _ description: String, footer: String? = nil, group: String = "General",
                shownInFooter: Bool = false, dangerous: Bool = false, disabledReason: String? = nil) {
        guard let key = Key(keySpec) else { preconditionFailure("bad key spelling '\(keySpec)'") }
        self.init(key, description, footer: footer, group: group, shownInFooter: shownInFooter,
                  dangerous: dangerous, disabledReason: disabledReason)
    }

    /// The reason this binding cannot run now, given read-only mode, or nil.
    public func refusal(readOnly: Bool) -> String? {
        if let disabledReason { return disabledReason }
        if readOnly && dangerous { return "read-only mode: '\(description)' is disabled" }
        return nil
    }
}
