/// The mouse on a table drawn from the top of its view (header on line 0, rows below it), as
/// every list pane wants it: a press or click selects the row under the pointer, a double click
/// selects it and does what Enter does there, the wheel scrolls.
///
/// Use: `TableMouse.handle(key, state: &state, rowCount: n, columnCount: c).effect(open: enterAction)`
/// — the two steps keep Enter's action (which reads the pane's state) out of the `inout` access.
@MainActor
enum TableMouse {
    /// What a key did to the table.
    enum Outcome {
        case unused, redraw
        /// A double click selected a row: do what Enter does.
        case open
    }

    /// Applies `key`: the mouse as above, other keys as ``TableState/handle(_:rowCount:columnCount:)``
    /// does (the table keys the bindings do not declare).
    /// - Parameter firstRowY: the view line of the table's first row (1 under a header on line 0).
    static func handle(_ key: Key, state: inout TableState, rowCount: Int, columnCount: Int, firstRowY: Int = 1) -> Outcome {
        guard case .mouse(let m) = key else {
            return state.handle(key, rowCount: rowCount, columnCount: columnCount) ? .redraw : .unused
        }
        switch m.kind {
        case .press, .click, .doubleClick:
            let row = state.top + m.y - firstRowY
            guard m.y >= firstRowY, row < rowCount, row < state.top + state.visibleRows else { return .unused }
            state.selected = row
            return m.kind == .doubleClick ? .open : .redraw
        default:
            return state.handle(key, rowCount: rowCount, columnCount: columnCount) ? .redraw : .unused
        }
    }
}

extension TableMouse.Outcome {
    /// The pane's answer: `open` (Enter's action there) for a double click.
    func effect(open: (() -> Effect?)?) -> Effect? {
        switch self {
        case .unused: return nil
        case .redraw: return .redraw
        case .open: return open?() ?? .redraw
        }
    }
}
