/// A virtualised table: only the visible rows are built, through `row(index) -> [TableCell]`,
/// so 100,000 rows cost the same as 30.
///
/// Layout: a one-column gutter (`●` for marked rows), the header (with ▲/▼ on the sort
/// column), then rows; the first `frozenColumns` stay put when scrolling sideways. Column widths
/// fit the header and the visible rows within each column's ``ColumnWidth``.
public struct Table {
    public var columns: [TableColumn]
    public var rowCount: Int
    public var row: (Int) -> [TableCell]
    public var frozenColumns: Int
    public var showHeader: Bool
    /// Whether the table has focus (an unfocused table draws its selection dimmed).
    public var focused: Bool
    /// Text shown when there are no rows.
    public var emptyText: String
    /// Each column's content width measured once by the caller (a cached table model): the
    /// visible cells are then not measured on every frame.
    public var contentWidths: [Int]?

    public init(columns: [TableColumn], rowCount: Int, frozenColumns: Int = 1, showHeader: Bool = true,
                focused: Bool = true, emptyText: String = "(nothing here)", row: @escaping (Int) -> [TableCell]) {
        self.columns = columns; self.rowCount = rowCount; self.row = row
        self.frozenColumns = frozenColumns; self.showHeader = showHeader; self.focused = focused
        self.emptyText = emptyText
    }

    /// Row index at a local y of the region last rendered with `state` (for mouse clicks), or nil.
    public func rowIndex(atLocalY y: Int, state: TableState) -> Int? {
        let r = state.top + y - (showHeader ? 1 : 0)
        return (y >= (showHeader ? 1 : 0) && r < rowCount) ? r : nil
    }

    /// Column widths for `available` columns (not counting the gutter), given the visible rows.
    ///
    /// Each column takes its content width (header and visible cells) within its ``ColumnWidth``.
    /// Spare room goes first to columns whose content was cut (a long metric name in its header,
    /// up to ``fullContentLimit``), then to flexible columns up to their maximum; what is left stays
    /// empty at the right rather than stretching a name column past its content.
    public func columnWidths(available: Int, visible: [[TableCell]], sort: TableSort?) -> [Int] {
        let natural = columns.enumerated().map { (i, c) -> Int in
            var n = c.title.displayWidth + (sort?.column == i ? 2 : 0)
            if let known = contentWidths, i < known.count { return max(n, known[i]) }
            for r in visible where i < r.count { n = max(n, r[i].naturalWidth) }
            return n
        }
        var widths = columns.indices.map { min(max(natural[$0], columns[$0].width.min), columns[$0].width.max) }
        var spare = available - (widths.reduce(0, +) + max(0, widths.count - 1))
        // 1. Cut content first, left to right (a fixed-width column stays as it is).
        for i in columns.indices where spare > 0 && natural[i] > widths[i] && columns[i].width.min < columns[i].width.max {
            let add = min(spare, min(natural[i], Self.fullContentLimit) - widths[i])
            if add > 0 { widths[i] += add; spare -= add }
        }
        // 2. Flexible columns by weight, each up to its maximum.
        var growable = columns.indices.filter { columns[$0].width.flex > 0 && widths[$0] < columns[$0].width.max }
        while spare > 0 && !growable.isEmpty {
            let totalFlex = growable.reduce(0) { $0 + columns[$1].width.flex }
            let round = spare
            for i in growable {
                let add = min(round * columns[i].width.flex / totalFlex, columns[i].width.max - widths[i])
                widths[i] += add; spare -= add
            }
            if let last = growable.last(where: { widths[$0] < columns[$0].width.max }) {   // the rounding remainder
                let add = min(spare, columns[last].width.max - widths[last])
                widths[last] += add; spare -= add
            }
            growable = growable.filter { widths[$0] < columns[$0].width.max }
        }
        return widths
    }

    /// How wide a column may grow to show its whole header or content when there is room.
    public static let fullContentLimit = 40

    /// Draws the table and updates `state` (selection clamped, scrolled into view).
    public func render(into region: Region, state: inout TableState, theme: Theme) {
        guard region.width > 1, region.height > 0 else { return }
        let bodyTop = showHeader ? 1 : 0
        let visibleRows = max(1, region.height - bodyTop)
        state.clamp(rowCount: rowCount, visibleRows: visibleRows)
        let first = state.top
        let last = min(rowCount, first + visibleRows)
        var visible: [[TableCell]] = []
        visible.reserveCapacity(last - first)
        for i in first..<max(first, last) { visible.append(row(i)) }

        let gutter = 1
        let avail = region.width - gutter
        let widths = columnWidths(available: avail, visible: visible, sort: state.sort)
        let frozen = min(frozenColumns, columns.count)
        let scrollable = columns.count - frozen
        if let c = state.revealColumn, c >= frozen, c < columns.count {
            state.columnOffset = Self.offset(revealing: c, from: state.columnOffset, widths: widths, frozen: frozen,
                                             width: region.width - gutter)
        }
        state.revealColumn = nil
        state.columnOffset = min(max(0, state.columnOffset), max(0, scrollable - 1))
        // Which columns are shown, left to right, and at which x.
        var placed: [(col: Int, x: Int, width: Int)] = []
        var x = gutter
        let order = Array(0..<frozen) + Array((frozen + state.columnOffset)..<columns.count)
        for c in order {
            if x >= region.width { break }
            let w = min(widths[c], region.width - x)
            placed.append((c, x, w))
            x += widths[c] + 1
        }
        let moreRight = x - 1 > region.width || placed.last.map { $0.col != columns.count - 1 } ?? false

        let base = theme[.text]
        region.fill(style: base)
        if showHeader {
            let hs = theme[.tableHeader]
            region.fill(Rect(x: 0, y: 0, width: region.width, height: 1), style: hs)
            for p in placed {
                var title = columns[p.col].title
                if let s = state.sort, s.column == p.col { title += s.ascending ? " ▲" : " ▼" }
                region.put(title, at: Point(x: p.x, y: 0), style: hs, width: p.width,
                           alignRight: columns[p.col].alignment == .right)
            }
            if state.columnOffset > 0 && frozen > 0, let f = placed.first(where: { $0.col >= frozen }) {
                region.set("‹", x: f.x - 1, y: 0, style: theme[.textDim])
            }
            if moreRight { region.set("›", x: region.width - 1, y: 0, style: theme[.textDim]) }
        }
        if rowCount == 0 {
            region.put(emptyText, at: Point(x: gutter, y: bodyTop), style: theme[.textDim])
            return
        }
        let sel = focused ? theme[.selection] : theme[.selection].adding(.dim)
        for (n, cells) in visible.enumerated() {
            let index = first + n
            let y = bodyTop + n
            let isSelected = index == state.selected
            let isMarked = state.marked.contains(index)
            let rowStyle = isSelected ? sel : base
            if isSelected { region.fill(Rect(x: 0, y: y, width: region.width, height: 1), style: sel) }
            if isMarked { region.set("●", x: 0, y: y, style: rowSlotStyle(theme[.marked], selected: isSelected, sel: sel)) }
            for p in placed where p.col < cells.count {
                let sub = region.sub(Rect(x: p.x, y: y, width: p.width, height: 1))
                switch cells[p.col] {
                case .text(let text, let slot):
                    var st = slot.map { theme[$0] } ?? rowStyle
                    if isMarked && slot == nil { st = theme[.marked] }
                    if isSelected || isMarked { st = rowSlotStyle(st, selected: isSelected, sel: sel) }
                    sub.put(text, at: .zero, style: st, width: p.width, alignRight: columns[p.col].alignment == .right)
                case .progress(let f, let label):
                    ProgressBar(fraction: f, label: label).render(into: sub, theme: theme,
                                                                  background: isSelected ? sel.bg : nil)
                }
            }
        }
    }

    /// The smallest sideways offset, no further left than needed, that shows scrollable column
    /// `c` whole in `width` columns (or as its first column when it is wider than the room).
    static func offset(revealing c: Int, from current: Int, widths: [Int], frozen: Int, width: Int) -> Int {
        var offset = min(max(0, current), c - frozen)
        let frozenWidth = widths.prefix(frozen).reduce(0) { $0 + $1 + 1 }
        func end(_ o: Int) -> Int { frozenWidth + widths[(frozen + o)...c].reduce(0) { $0 + $1 + 1 } - 1 }
        while offset < c - frozen && end(offset) > width { offset += 1 }
        return offset
    }

    /// A cell's own colour on the selection background (selection attributes added).
    private func rowSlotStyle(_ style: Style, selected: Bool, sel: Style) -> Style {
        guard selected else { return style }
        return Style(fg: style.fg == .terminalDefault ? sel.fg : style.fg, bg: sel.bg,
                     attributes: style.attributes.union(sel.attributes))
    }
}
