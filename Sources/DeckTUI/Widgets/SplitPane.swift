/// Splits a region in two with a divider line: side by side (`.horizontal`, a vertical `│`
/// divider) or stacked (`.vertical`, a horizontal `─` divider).
public struct SplitPane {
    public enum Orientation: Sendable { case horizontal, vertical }
    public var orientation: Orientation
    /// Share of the space given to the first part, 0…1.
    public var ratio: Double
    /// Minimum size of each part in cells.
    public var minimum: Int
    public var showDivider: Bool

    public init(_ orientation: Orientation, ratio: Double = 0.5, minimum: Int = 1, showDivider: Bool = true) {
        self.orientation = orientation; self.ratio = ratio; self.minimum = minimum; self.showDivider = showDivider
    }

    /// The two parts' rectangles (local to a region of `size`) and the divider's.
    public func layout(_ size: Size) -> (first: Rect, second: Rect, divider: Rect?) {
        let total = orientation == .horizontal ? size.width : size.height
        let div = showDivider ? 1 : 0
        let usable = max(0, total - div)
        var a = Int((Double(usable) * min(max(ratio, 0), 1)).rounded())
        if usable >= 2 * minimum { a = min(max(a, minimum), usable - minimum) }
        let b = usable - a
        switch orientation {
        case .horizontal:
            return (Rect(x: 0, y: 0, width: a, height: size.height),
                    Rect(x: a + div, y: 0, width: b, height: size.height),
                    div == 1 ? Rect(x: a, y: 0, width: 1, height: size.height) : nil)
        case .vertical:
            return (Rect(x: 0, y: 0, width: size.width, height: a),
                    Rect(x: 0, y: a + div, width: size.width, height: b),
                    div == 1 ? Rect(x: 0, y: a, width: size.width, height: 1) : nil)
        }
    }

    /// Draws the divider and returns the two sub-regions to render into.
    public func render(into region: Region, theme: Theme, focusedSecond: Bool? = nil) -> (Region, Region) {
        let (a, b, d) = layout(region.size)
        if let d {
            let style = theme[.border]
            if orientation == .horizontal { region.verticalLine(x: d.x, y: 0, length: d.height, style: style) }
            else { region.horizontalLine(y: d.y, x: 0, length: d.width, style: style) }
        }
        return (region.sub(a), region.sub(b))
    }
}
