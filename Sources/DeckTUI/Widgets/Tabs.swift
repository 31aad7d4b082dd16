/// A row of tabs: ` 1 Runs  2 Datasets ` with the active one highlighted.
public struct Tabs {
    public var titles: [String]
    public var active: Int
    /// Prefix each title with its number (1-based) as the key that selects it.
    public var numbered: Bool

    public init(titles: [String], active: Int, numbered: Bool = true) {
        self.titles = titles; self.active = active; self.numbered = numbered
    }

    /// The label of tab `i` as drawn.
    public func label(_ i: Int) -> String { numbered ? " \(i + 1) \(titles[i]) " : " \(titles[i]) " }

    /// Total width needed.
    public var width: Int { titles.indices.reduce(0) { $0 + label($1).displayWidth } }

    /// Draws on row 0; returns the x range of each tab (for mouse clicks).
    @discardableResult
    public func render(into region: Region, theme: Theme, background: Style? = nil) -> [Range<Int>] {
        var x = 0
        var ranges: [Range<Int>] = []
        for i in titles.indices {
            let text = label(i)
            var style = i == active ? theme[.tabActive] : theme[.tabInactive]
            if i != active, let bg = background?.bg, style.bg == .terminalDefault { style.bg = bg }
            let w = region.put(text, at: Point(x: x, y: 0), style: style)
            ranges.append(x..<(x + w))
            x += w
            if x >= region.width { break }
        }
        return ranges
    }

    /// Which tab a local x falls on, given the ranges `render` returned.
    public static func tab(atX x: Int, ranges: [Range<Int>]) -> Int? {
        ranges.firstIndex { $0.contains(x) }
    }
}
