/// The inferred type of a table column.
///
/// Inference, per column over its non-missing cells:
/// - every cell an integer → `integer` (pandas: int64, or float64 when some are missing);
/// - every cell a number, some not integers → `float`;
/// - every cell `True`/`true`/`TRUE`/`False`/`false`/`FALSE` → `boolean`;
/// - every cell an ISO 8601 date or datetime → `datetime` (pandas leaves these as text unless asked);
/// - otherwise text: `categorical` when it has at most `TableProfiler.Options.categoricalMaxDistinct`
///   distinct values (1,000 by default) and at most half as many distinct values as cells
///   (`categoricalMaxRatio`), else `text`;
/// - a column with no values at all is `float` (as in pandas: all NaN).
public enum ColumnType: String, Codable, Sendable, CaseIterable {
    case integer, float, boolean, datetime, categorical, text

    /// True for `integer` and `float`.
    public var isNumeric: Bool { self == .integer || self == .float }
    /// True for `categorical` and `text`.
    public var isTextual: Bool { self == .categorical || self == .text }
}
