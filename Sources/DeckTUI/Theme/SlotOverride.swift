/// What a theme file says about one slot; unset parts fall back to the base theme.
public struct SlotOverride: Hashable, Sendable {
    public var fg: Color?
    public var bg: Color?
    public var attributes: TextAttributes?

    public init(fg: Color? = nil, bg: Color? = nil, attributes: TextAttributes? = nil) {
        self.fg = fg; self.bg = bg; self.attributes = attributes
    }

    /// `base` with the parts this override sets replaced.
    public func applied(to base: Style) -> Style {
        Style(fg: fg ?? base.fg, bg: bg ?? base.bg, attributes: attributes ?? base.attributes)
    }
}

/// A parsed theme file: a name and the slots it sets.
public struct ThemeDefinition: Sendable, Equatable {
    public var name: String
    public var overrides: [ThemeSlot: SlotOverride]
    public init(name: String, overrides: [ThemeSlot: SlotOverride] = [:]) {
        self.name = name; self.overrides = overrides
    }
}
