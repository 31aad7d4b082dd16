/// How a cell is drawn: foreground, background and attributes.
/// Widgets get styles from a ``Theme`` by semantic slot (`theme[.selection]`) rather than
/// inventing colours.
public struct Style: Hashable, Sendable, CustomStringConvertible {
    public var fg: Color
    public var bg: Color
    public var attributes: TextAttributes

    public init(fg: Color = .terminalDefault, bg: Color = .terminalDefault, attributes: TextAttributes = []) {
        self.fg = fg; self.bg = bg; self.attributes = attributes
    }

    /// Terminal default colours, no attributes.
    public static let plain = Style()

    /// This style with extra attributes.
    public func adding(_ attrs: TextAttributes) -> Style {
        var s = self; s.attributes.formUnion(attrs); return s
    }

    /// This style with another background (e.g. a row highlight under coloured text).
    public func withBackground(_ bg: Color) -> Style {
        var s = self; s.bg = bg; return s
    }

    /// `overlay`'s colours where they are not the terminal default, and both attribute sets.
    public func merged(with overlay: Style) -> Style {
        Style(fg: overlay.fg == .terminalDefault ? fg : overlay.fg,
              bg: overlay.bg == .terminalDefault ? bg : overlay.bg,
              attributes: attributes.union(overlay.attributes))
    }

    public var description: String { "fg=\(fg) bg=\(bg) \(attributes)" }
}
