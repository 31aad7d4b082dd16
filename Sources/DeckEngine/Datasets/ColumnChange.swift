import DeckML

/// What changed in one column between two versions of a table, as `mldeck datasets diff` and
/// the dashboard's diff view both list it: type, statistics (min, max, mean, …) and top values.
///
/// A column whose statistics differ only because rows were added or removed (its count follows
/// the row count, nothing else moved) has no change: an unchanged categorical column is not
/// reported just because the table grew.
public struct ColumnChange: Sendable, Equatable {
    /// One thing that changed in a column.
    public enum Item: Sendable, Equatable {
        case type(old: ColumnType, new: ColumnType)
        /// A statistic by name (`count`, `missing`, `distinct`, `min`, `max`, `mean`, `std`, `median`).
        case stat(String, StatChange)
        /// Values now in the most frequent ones that were not before.
        case topAdded([String])
        /// Values no longer among the most frequent ones.
        case topRemoved([String])
    }

    public var column: String
    public var items: [Item]

    public init(column: String, items: [Item]) { self.column = column; self.items = items }

    /// The columns of `diff` that changed, in the old version's order; `rowDelta` is the new
    /// row count minus the old one.
    public static func list(_ diff: ProfileDiff, rowDelta: Int) -> [ColumnChange] {
        diff.columns.compactMap { change(of: $0, rowDelta: rowDelta) }
    }

    /// What changed in `c`, or nil when nothing did beyond following the row count.
    public static func change(of c: ColumnStatDelta, rowDelta: Int) -> ColumnChange? {
        guard c.changed else { return nil }
        var items: [Item] = []
        if c.oldType != c.newType { items.append(.type(old: c.oldType, new: c.newType)) }
        let onlyRows = c.count.delta == Double(rowDelta) && !c.missing.changed
        let named: [(String, StatChange)] = [("count", c.count), ("missing", c.missing), ("distinct", c.distinct), ("min", c.min),
                                             ("max", c.max), ("mean", c.mean), ("std", c.std), ("median", c.median)]
        for (name, stat) in named where stat.changed && !(name == "count" && onlyRows) { items.append(.stat(name, stat)) }
        if !c.topAdded.isEmpty { items.append(.topAdded(c.topAdded)) }
        if !c.topRemoved.isEmpty { items.append(.topRemoved(c.topRemoved)) }
        return items.isEmpty ? nil : ColumnChange(column: c.name, items: items)
    }

    /// The changes as text (`min 1 → 2, new top values: a, b`), numbers written by `number`
    /// (a missing statistic as `-`).
    public func text(number: (Double) -> String) -> String {
        items.map { item -> String in
            switch item {
            case .type(let old, let new): return "type \(old.rawValue) → \(new.rawValue)"
            case .stat(let name, let s): return "\(name) \(s.old.map(number) ?? "-") → \(s.new.map(number) ?? "-")"
            case .topAdded(let values): return "new top values: " + values.prefix(3).joined(separator: ", ")
            case .topRemoved(let values): return "gone from top: " + values.prefix(3).joined(separator: ", ")
            }
        }.joined(separator: ", ")
    }
}
