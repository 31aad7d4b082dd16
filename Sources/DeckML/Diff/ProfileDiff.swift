import Foundation

/// How one statistic changed between two profiles.
public struct StatChange: Codable, Sendable, Equatable {
    public var old: Double?
    public var new: Double?
    /// `new - old` when both exist.
    public var delta: Double?

    public init(old: Double?, new: Double?) {
        self.old = old
        self.new = new
        if let o = old, let n = new { delta = n - o }
    }

    /// True when the values differ (nil and a value differ; NaN equals NaN).
    public var changed: Bool {
        switch (old, new) {
        case (nil, nil): return false
        case (let o?, let n?): return !(o == n || (o.isNaN && n.isNaN))
        default: return true
        }
    }
}

/// Statistic changes of a column present in both profiles.
public struct ColumnStatDelta: Codable, Sendable, Equatable {
    public var name: String
    public var oldType: ColumnType
    public var newType: ColumnType
    public var count: StatChange
    public var missing: StatChange
    public var distinct: StatChange
    public var min: StatChange
    public var max: StatChange
    public var mean: StatChange
    public var std: StatChange
    public var median: StatChange
    /// Values in the new top list that were not in the old one.
    public var topAdded: [String]
    /// Values in the old top list that are not in the new one.
    public var topRemoved: [String]

    enum CodingKeys: String, CodingKey {
        case name, oldType = "old_type", newType = "new_type", count, missing, distinct, min, max, mean, std, median
        case topAdded = "top_added", topRemoved = "top_removed"
    }

    /// True when the type or any statistic changed.
    public var changed: Bool {
        oldType != newType || [count, missing, distinct, min, max, mean, std, median].contains { $0.changed }
            || !topAdded.isEmpty || !topRemoved.isEmpty
    }
}

/// Differences between two `TableProfile`s: schema and per-column statistics. JSON keys are snake_case.
public struct ProfileDiff: Codable, Sendable, Equatable {
    public var rowCount: StatChange
    /// Columns only in the new profile.
    public var columnsAdded: [String]
    /// Columns only in the old profile.
    public var columnsRemoved: [String]
    /// Columns in both, in the old profile's order.
    public var columns: [ColumnStatDelta]

    enum CodingKeys: String, CodingKey {
        case rowCount = "row_count", columnsAdded = "columns_added", columnsRemoved = "columns_removed", columns
    }

    /// Columns whose type changed.
    public var retyped: [ColumnStatDelta] { columns.filter { $0.oldType != $0.newType } }

    /// Compares `old` with `new`.
    public static func compare(_ old: TableProfile, _ new: TableProfile) -> ProfileDiff {
        let newByName = Dictionary(new.columns.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let oldNames = Set(old.columns.map(\.name))
        var cols: [ColumnStatDelta] = []
        for o in old.columns {
            guard let n = newByName[o.name] else { continue }
            let oldTop = Set(o.top?.map(\.value) ?? [])
            let newTop = Set(n.top?.map(\.value) ?? [])
            cols.append(ColumnStatDelta(
                name: o.name, oldType: o.type, newType: n.type,
                count: StatChange(old: Double(o.count), new: Double(n.count)),
                missing: StatChange(old: Double(o.missing), new: Double(n.missing)),
                distinct: StatChange(old: Double(o.distinct), new: Double(n.distinct)),
                min: StatChange(old: o.min, new: n.min), max: StatChange(old: o.max, new: n.max),
                mean: StatChange(old: o.mean, new: n.mean), std: StatChange(old: o.std, new: n.std),
                median: StatChange(old: o.quantile(0.5), new: n.quantile(0.5)),
                topAdded: (n.top ?? []).map(\.value).filter { !oldTop.contains($0) },
                topRemoved: (o.top ?? []).map(\.value).filter { !newTop.contains($0) }))
        }
        return ProfileDiff(rowCount: StatChange(old: Double(old.rowCount), new: Double(new.rowCount)),
                           columnsAdded: new.columns.map(\.name).filter { !oldNames.contains($0) },
                           columnsRemoved: old.columns.map(\.name).filter { newByName[$0] == nil },
                           columns: cols)
    }
}
