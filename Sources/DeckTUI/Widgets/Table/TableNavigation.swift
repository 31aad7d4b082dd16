/// The keys that move through a table, declared once: ``TableState/handle(_:rowCount:columnCount:)``
/// applies them and ``KeyBinding/tableNavigation(group:perform:)`` lists them in the footer and help.
public struct TableNavigation: Sendable {
    /// The keys that do it, the one shown first.
    public var keys: [Key]
    /// What it does, for help (`Down`).
    public var description: String
    /// The change to the table's state, given its row and column counts.
    let apply: @Sendable (inout TableState, _ rowCount: Int, _ columnCount: Int) -> Void

    /// Every navigation key of a table, in the order help lists them.
    public static let all: [TableNavigation] = [
        TableNavigation(keys: [.char("j"), .down], description: "Down") { s, rows, _ in s.move(by: 1, rowCount: rows) },
        TableNavigation(keys: [.char("k"), .up], description: "Up") { s, rows, _ in s.move(by: -1, rowCount: rows) },
        TableNavigation(keys: [.pageDown, .ctrl("f")], description: "Page down") { s, rows, _ in s.move(by: s.visibleRows, rowCount: rows) },
        TableNavigation(keys: [.pageUp, .ctrl("b")], description: "Page up") { s, rows, _ in s.move(by: -s.visibleRows, rowCount: rows) },
        TableNavigation(keys: [.ctrl("d")], description: "Half a page down") { s, rows, _ in s.move(by: max(1, s.visibleRows / 2), rowCount: rows) },
        TableNavigation(keys: [.ctrl("u")], description: "Half a page up") { s, rows, _ in s.move(by: -max(1, s.visibleRows / 2), rowCount: rows) },
        TableNavigation(keys: [.char("g"), .home], description: "Top") { s, rows, _ in s.move(by: -s.selected, rowCount: rows) },
        TableNavigation(keys: [.char("G"), .end], description: "Bottom") { s, rows, _ in s.move(by: rows, rowCount: rows) },
        TableNavigation(keys: [.char("l"), .right], description: "Scroll columns right") { s, _, cols in
            s.columnOffset = min(s.columnOffset + 1, max(0, cols - 2))
        },
        TableNavigation(keys: [.char("h"), .left], description: "Scroll columns left") { s, _, _ in s.columnOffset = max(0, s.columnOffset - 1) },
    ]
}

extension KeyBinding {
    /// Bindings for ``TableNavigation/all``; `perform` applies the pressed key to the view's
    /// table (usually `state.handle(key, …) ? .redraw : nil`). Keys in `except` are left out
    /// (a view that uses `h`/`l` for something else).
    public static func tableNavigation(group: String = "Navigation", except: Set<Key> = [],
                                       perform: @escaping @MainActor @Sendable (Key) -> Effect?) -> [KeyBinding] {
        TableNavigation.all.compactMap { nav in
            let keys = nav.keys.filter { !except.contains($0) }
            guard let first = keys.first else { return nil }
            return KeyBinding(first, nav.description, group: group, also: Array(keys.dropFirst())) { perform(first) }
        }
    }
}
