import Foundation

/// The result of `TableDiff.compare`: schema changes, row counts, and rows added, removed and changed.
/// JSON keys are snake_case; encode with `TableProfile.jsonEncoder()`.
public struct TableDiffReport: Codable, Sendable, Equatable {
    /// Size and columns of one side.
    public struct Side: Codable, Sendable, Equatable {
        public var rows: Int
        public var columns: [String]
    }

    /// A column whose inferred type changed (known when profiles were given).
    public struct TypeChange: Codable, Sendable, Equatable {
        public var column: String
        public var old: ColumnType
        public var new: ColumnType
    }

    /// One differing cell.
    public struct CellChange: Codable, Sendable, Equatable {
        public var column: String
        /// Old cell text (nil when missing/empty).
        public var old: String?
        /// New cell text (nil when missing/empty).
        public var new: String?
    }

    /// A changed row: its key, its lines and its differing cells (common columns only).
    public struct ChangedRow: Codable, Sendable, Equatable {
        public var key: [String]
        public var oldLine: Int
        public var newLine: Int
        public var cells: [CellChange]

        enum CodingKeys: String, CodingKey { case key, oldLine = "old_line", newLine = "new_line", cells }
    }

    /// A row only on one side: its key (empty without key columns) and line.
    public struct RowRef: Codable, Sendable, Equatable {
        public var key: [String]
        public var line: Int
    }

    public var old: Side
    public var new: Side
    /// Key columns used to match rows (empty: rows matched by their whole content).
    public var keyColumns: [String]
    public var columnsAdded: [String]
    public var columnsRemoved: [String]
    public var columnsRetyped: [TypeChange]
    public var rowsAdded: Int
    public var rowsRemoved: Int
    /// Rows whose key is on both sides with different content (always 0 without key columns).
    public var rowsChanged: Int
    public var rowsUnchanged: Int
    /// Rows whose key already appeared earlier in the same file (matched in order of appearance).
    public var duplicateKeysOld: Int
    public var duplicateKeysNew: Int
    /// The first changed rows (in the new file's order), cell by cell.
    public var changedRows: [ChangedRow]
    /// The first added rows (new file order).
    public var addedRows: [RowRef]
    /// The first removed rows (old file order).
    public var removedRows: [RowRef]
    /// Statistic changes, when profiles were given.
    public var profileDiff: ProfileDiff?

    enum CodingKeys: String, CodingKey {
        case old, new, keyColumns = "key_columns", columnsAdded = "columns_added", columnsRemoved = "columns_removed"
        case columnsRetyped = "columns_retyped", rowsAdded = "rows_added", rowsRemoved = "rows_removed"
        case rowsChanged = "rows_changed", rowsUnchanged = "rows_unchanged"
        case duplicateKeysOld = "duplicate_keys_old", duplicateKeysNew = "duplicate_keys_new"
        case changedRows = "changed_rows", addedRows = "added_rows", removedRows = "removed_rows"
        case profileDiff = "profile_diff"
    }

    /// True when nothing differs (schema and rows).
    public var isIdentical: Bool {
        columnsAdded.isEmpty && columnsRemoved.isEmpty && columnsRetyped.isEmpty
            && rowsAdded == 0 && rowsRemoved == 0 && rowsChanged == 0
    }
}
