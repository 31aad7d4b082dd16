/// How wide a column may be: it takes the width of its content (header and visible rows)
/// clamped to `min…max`, and columns with `flex > 0` share the space left over in proportion.
public struct ColumnWidth: Hashable, Sendable {
    public var min: Int
    public var max: Int
    public var flex: Int

    public init(min: Int = 1, max: Int = 40, flex: Int = 0) {
        self.min = min; self.max = Swift.max(min, max); self.flex = flex
    }
    /// Exactly `n` columns.
    public static func fixed(_ n: Int) -> ColumnWidth { ColumnWidth(min: n, max: n, flex: 0) }
    /// Content width within `min…max`, growing into spare room with weight `flex`.
    public static func flexible(min: Int = 4, max: Int = 80, flex: Int = 1) -> ColumnWidth {
        ColumnWidth(min: min, max: max, flex: flex)
    }
}

/// A table column: title, width rule and alignment.
public struct TableColumn: Sendable {
    public enum Alignment: Sendable { case left, right }
    public var title: String
    public var width: ColumnWidth
    public var alignment: Alignment

    public init(_ title: String, width: ColumnWidth = ColumnWidth(), alignment: Alignment = .left) {
        self.title = title; self.width = width; self.alignment = alignment
    }
}

/// One cell of a table row.
public enum TableCell: Sendable {
    /// Text, in a theme slot (default `text`).
    case text(String, ThemeSlot? = nil)
    /// A live progress bar (`fraction` 0…1, nil = unknown) with an optional label (default `NN%`).
    case progress(Double?, label: String? = nil)

    /// The width the cell would like.
    var naturalWidth: Int {
        switch self {
        case .text(let s, _): return s.displayWidth
        case .progress: return 12
        }
    }
}

/// The sort shown in the header (▲ ascending, ▼ descending).
public struct TableSort: Hashable, Sendable {
    public var column: Int
    public var ascending: Bool
    public init(column: Int, ascending: Bool) { self.column = column; self.ascending = ascending }
}
