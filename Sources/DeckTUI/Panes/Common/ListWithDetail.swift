/// The layout of a list pane with the selected item's detail below it: the list takes the rows it
/// needs (at most half the screen), a divider, then the detail fills the rest.
enum ListWithDetail {
    /// The list's part of `region` for `rowCount` items (a header row and one spare row).
    static func listRegion(_ region: Region, rowCount: Int) -> Region {
        let height = region.height < 8 ? region.height : max(3, min(rowCount + 2, region.height / 2))
        return region.rows(0..<height)
    }

    /// Draws the divider and the detail lines under a list `listHeight` rows tall.
    static func renderDetail(_ lines: [String], slots: [ThemeSlot], into region: Region, below listHeight: Int,
                             state: inout ScrollTextState, theme: Theme) {
        guard region.height - listHeight > 2 else { return }
        region.horizontalLine(y: listHeight, x: 0, length: region.width, "─", style: theme[.border])
        let detail = region.sub(Rect(x: 0, y: listHeight + 1, width: region.width, height: region.height - listHeight - 1))
        ScrollText(lines: lines, lineSlot: { i, _ in slots[i] }).render(into: detail, state: &state, theme: theme)
    }
}
