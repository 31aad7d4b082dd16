/// Scroll position, selection, marks and sort of a ``Table``; owned by the pane, changed by
/// keys, read (and kept consistent) by rendering.
public struct TableState: Sendable, Equatable {
    /// The selected row index (clamped to the row count when rendering).
    public var selected: Int = 0
    /// The first visible row.
    public var top: Int = 0
    /// How many scrollable (non-frozen) columns are scrolled off to the left.
    public var columnOffset: Int = 0
    /// A column to scroll sideways into view at the next render (then cleared), e.g. one just added.
    public var revealColumn: Int? = nil
    public var sort: TableSort? = nil
    /// Marked row indices (e.g. runs to compare).
    public var marked: Set<Int> = []
    /// Rows visible at the last render (used for page up/down).
    public var visibleRows: Int = 10

    public init(selected: Int = 0) { self.selected = selected }

    /// Keeps `selected` in range and scrolls so it is visible.
    public mutating func clamp(rowCount: Int, visibleRows: Int) {
        self.visibleRows = max(1, visibleRows)
        if rowCount <= 0 { selected = 0; top = 0; return }
        selected = min(max(selected, 0), rowCount - 1)
        if selected < top { top = selected }
        if selected >= top + self.visibleRows { top = selected - self.visibleRows + 1 }
        top = min(max(0, top), max(0, rowCount - self.visibleRows))
    }

    /// Moves the selection by `delta` rows.
    public mutating func move(by delta: Int, rowCount: Int) {
        selected = min(max(selected + delta, 0), max(0, rowCount - 1))
        clamp(rowCount: rowCount, visibleRows: visibleRows)
    }

    /// Marks or unmarks the selected row.
    public mutating func toggleMark() {
        if marked.contains(selected) { marked.remove(selected) } else { marked.insert(selected) }
    }

    /// Sorts by `column`; choosing the current sort column again flips the direction.
    public mutating func sort(by column: Int) {
        if let s = sort, s.column == column { sort = TableSort(column: column, ascending: !s.ascending) }
        else { sort = TableSort(column: column, ascending: true) }
    }

    /// Handles the table keys of ``TableNavigation/all`` (↑/↓/j/k, PgUp/PgDn, ctrl-u/ctrl-d,
    /// g/G/Home/End, ←/→/h/l), space (mark) and the mouse wheel. Returns whether the key was used.
    public mutating func handle(_ key: Key, rowCount: Int, columnCount: Int) -> Bool {
        if let nav = TableNavigation.all.first(where: { $0.keys.contains(key) }) {
            nav.apply(&self, rowCount, columnCount)
            return true
        }
        switch key {
        case .char(" "): if rowCount > 0 { toggleMark(); move(by: 1, rowCount: rowCount) }
        case .mouse(let m) where m.kind == .wheelDown: move(by: 3, rowCount: rowCount)
        case .mouse(let m) where m.kind == .wheelUp: move(by: -3, rowCount: rowCount)
        default: return false
        }
        return true
    }
}
