/// A status badge in the header (`● 2 running`); a click on it opens ``pane`` when set (the
/// running count opens Runs, the open alerts Alerts).
public struct Badge: Sendable, Equatable {
    public var text: String
    public var slot: ThemeSlot
    /// The pane index a click on the badge switches to.
    public var pane: Int?
    /// A shorter text drawn when the full one does not fit beside the tabs; nil: none.
    public var short: String?
    public init(_ text: String, slot: ThemeSlot = .badge, pane: Int? = nil, short: String? = nil) {
        self.text = text; self.slot = slot; self.pane = pane; self.short = short
    }
}

/// Where the header drew what a click can hit (x ranges on row 0).
public struct HeaderHitAreas: Equatable {
    public var tabs: [Range<Int>] = []
    /// Badges that link to a pane: their x range and the pane index.
    public var badgeLinks: [(range: Range<Int>, pane: Int)] = []

    public init(tabs: [Range<Int>] = [], badgeLinks: [(range: Range<Int>, pane: Int)] = []) {
        self.tabs = tabs; self.badgeLinks = badgeLinks
    }

    /// The pane a click at `x` opens: a tab's or a linked badge's.
    public func pane(at x: Int) -> Int? {
        tabs.firstIndex { $0.contains(x) } ?? badgeLinks.first { $0.range.contains(x) }?.pane
    }

    public static func == (a: HeaderHitAreas, b: HeaderHitAreas) -> Bool {
        a.tabs == b.tabs && a.badgeLinks.map(\.range) == b.badgeLinks.map(\.range) && a.badgeLinks.map(\.pane) == b.badgeLinks.map(\.pane)
    }
}

/// The top line: `┌ MLDeck ─ ~/churn ─── 1 Runs  2 Datasets … ─ ● 2 running ┐`, drawn as the
/// top edge of the screen frame.
public struct Header {
    public var appName: String
    public var workspace: String
    public var tabs: Tabs
    public var badges: [Badge]

    public init(appName: String = "MLDeck", workspace: String, tabs: Tabs, badges: [Badge] = []) {
        self.appName = appName; self.workspace = workspace; self.tabs = tabs; self.badges = badges
    }

    /// Draws on row 0; returns the tabs' and linked badges' x ranges (local) for mouse clicks.
    @discardableResult
    public func render(into region: Region, theme: Theme, box: BoxStyle = .single) -> HeaderHitAreas {
        guard region.width > 2 else { return HeaderHitAreas() }
        let border = theme[.border]
        region.horizontalLine(y: 0, x: 0, length: region.width, box.horizontal, style: border)
        region.set(box.topLeft, x: 0, y: 0, style: border)
        region.set(box.topRight, x: region.width - 1, y: 0, style: border)
        var x = 1
        x += region.put(" \(appName) ", at: Point(x: x, y: 0), style: theme[.title])
        // Badges from the right, each in full or in its short form while the tabs still fit
        // whole beside them; the leftmost go first on a narrow screen. When even the tabs do not
        // fit, badges stay as long as 4 columns are left after the name.
        var right = region.width - 2
        var badgeXs: [(Int, Badge, String)] = []
        let tabsRoom = tabs.width + 1
        let floor = x + 4 + tabsRoom <= right ? x + 1 + tabsRoom : x + 4
        for b in badges.reversed() {
            guard let text = [b.text, b.short].compactMap({ $0 }).first(where: { right - ($0.displayWidth + 2) >= floor }) else { break }
            let w = text.displayWidth + 2
            right -= w
            badgeXs.append((right, b, text))
            right -= 1
        }
        var links: [(range: Range<Int>, pane: Int)] = []
        for (bx, b, text) in badgeXs {
            let w = region.put(" \(text) ", at: Point(x: bx, y: 0), style: theme[b.slot])
            if let pane = b.pane { links.append((bx..<(bx + w), pane)) }
        }
        // Tabs, right-aligned before the badges when they fit, else after the name.
        let tabsW = tabs.width
        let wsText = " " + workspace + " "
        var tabsX = right - tabsW - 1
        let wsRoom = tabsX - (x + 2)
        if wsRoom >= 6 && !workspace.isEmpty {
            region.put(wsText, at: Point(x: x + 1, y: 0), style: theme[.header], maxWidth: wsRoom)
        } else {
            tabsX = max(x + 1, tabsX)
        }
        let tabRegion = region.sub(Rect(x: tabsX, y: 0, width: max(0, right - tabsX), height: 1))
        let tabRanges = tabs.render(into: tabRegion, theme: theme).map { ($0.lowerBound + tabsX)..<($0.upperBound + tabsX) }
        return HeaderHitAreas(tabs: tabRanges, badgeLinks: links)
    }
}
