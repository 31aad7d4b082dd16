import Foundation

/// An in-memory columnar table for training and scoring.
///
/// Numeric columns (integer, float; booleans as 0/1; datetimes as seconds since the Unix epoch) are
/// `[Double]` with NaN for missing cells. Text and categorical columns are dictionary-encoded: `[Int32]`
/// codes (-1 for missing) into `categories`, in order of first appearance in the file (like
/// `pandas.factorize`). Column types are inferred as by `TableProfiler` (see `ColumnType`).
public struct DataTable: Sendable {
    /// One column's values.
    public enum Column: Sendable, Equatable {
        /// Numbers, NaN for missing.
        case numeric([Double])
        /// Codes into `categories`, -1 for missing.
        case categorical(codes: [Int32], categories: [String])

        /// Number of rows.
        public var count: Int {
            switch self {
            case .numeric(let v): return v.count
            case .categorical(let c, _): return c.count
            }
        }

        /// The numbers, when numeric.
        public var numbers: [Double]? { if case .numeric(let v) = self { return v } else { return nil } }

        /// The cell at `row` as text (nil when missing); numbers print as Swift does.
        public func text(at row: Int) -> String? {
            switch self {
            case .numeric(let v): return v[row].isNaN ? nil : "\(v[row])"
            case .categorical(let c, let cats): return c[row] < 0 ? nil : cats[Int(c[row])]
            }
        }
    }

    /// Column names.
    public var names: [String]
    /// Inferred column types.
    public var types: [ColumnType]
    /// Column values, parallel to `names`.
    public var columns: [Column]
    /// Number of rows.
    public var rowCount: Int
    /// Rows skipped while loading in lenient mode.
    public var skipped: SkippedRows

    /// A table from columns of equal length.
    public init(names: [String], types: [ColumnType], columns: [Column], skipped: SkippedRows = SkippedRows()) {
        precondition(names.count == columns.count && types.count == columns.count)
        let n = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == n }, "columns differ in length")
        self.names = names
        self.types = types
        self.columns = columns
        self.rowCount = n
        self.skipped = skipped
    }

    /// Index of the column named `name`.
    public func index(of name: String) -> Int? { names.firstIndex(of: name) }

    /// The index of the column `name`, looked for first at `position`: code that walks a model's
    /// inputs in order over a table built in that order (a served request's) finds each column
    /// with one comparison instead of a scan of the names.
    public func index(of name: String, expectedAt position: Int) -> Int? {
        if position >= 0 && position < names.count && names[position] == name { return position }
        return names.firstIndex(of: name)
    }

    /// The column named `name`.
    public subscript(name: String) -> Column? { index(of: name).map { columns[$0] } }

    /// Loads a CSV, TSV or JSON Lines file (in parallel for delimited files).
    public static func load(path: String, options: TableReadOptions = TableReadOptions(),
                            categoricalMaxDistinct: Int = 1000, categoricalMaxRatio: Double = 0.5) throws -> DataTable {
        try DataTableLoader.load(path: path, options: options, categoricalMaxDistinct: categoricalMaxDistinct,
                                 categoricalMaxRatio: categoricalMaxRatio)
    }
}
