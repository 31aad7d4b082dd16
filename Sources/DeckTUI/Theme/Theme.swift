/// A complete set of styles, one per ``ThemeSlot``. Built from the built-in default plus a
/// ``ThemeDefinition``'s overrides, then ``resolved(for:)`` to the terminal's colour depth.
public struct Theme: Sendable, Equatable {
    public let name: String
    /// The depth the colours have been degraded to (`trueColor` for an unresolved theme).
    public let depth: ColorDepth
    private var styles: [Style]

    /// Creates a theme from explicit styles; slots not given are plain.
    public init(name: String, styles: [ThemeSlot: Style], depth: ColorDepth = .trueColor) {
        self.name = name
        self.depth = depth
        self.styles = ThemeSlot.allCases.map { styles[$0] ?? .plain }
    }

    private init(name: String, depth: ColorDepth, styleArray: [Style]) {
        self.name = name; self.depth = depth; self.styles = styleArray
    }

    /// `base` with a definition's overrides applied (slots it does not set keep `base`'s style).
    public init(_ definition: ThemeDefinition, base: Theme = .defaultTheme) {
        var arr = base.styles
        for (slot, o) in definition.overrides { arr[slot.index] = o.applied(to: arr[slot.index]) }
        self.init(name: definition.name, depth: base.depth, styleArray: arr)
    }

    /// The style for a slot.
    @inline(__always)
    public subscript(_ slot: ThemeSlot) -> Style { styles[slot.index] }

    /// The theme with every colour degraded to `depth`. At `.monochrome` colours are dropped and
    /// each slot's ``ThemeSlot/monochromeAttributes`` are added, so selection and status stay visible.
    public func resolved(for depth: ColorDepth) -> Theme {
        var arr = styles
        for slot in ThemeSlot.allCases {
            let s = styles[slot.index]
            if depth == .monochrome {
                arr[slot.index] = Style(attributes: s.attributes.union(slot.monochromeAttributes))
            } else {
                arr[slot.index] = Style(fg: depth.degrade(s.fg), bg: depth.degrade(s.bg), attributes: s.attributes)
            }
        }
        return Theme(name: name, depth: depth, styleArray: arr)
    }

    /// The theme as theme-file text (every slot, `FG on BG ATTRS`), e.g. for a user to start from.
    public func fileText() -> String {
        var out = "name = \(name)\n"
        for slot in ThemeSlot.allCases {
            let s = self[slot]
            var v = s.fg.description
            if s.bg != .terminalDefault { v += " on \(s.bg)" }
            if !s.attributes.isEmpty { v += " \(s.attributes)" }
            out += "\(slot.rawValue) = \(v)\n"
        }
        return out
    }
}
