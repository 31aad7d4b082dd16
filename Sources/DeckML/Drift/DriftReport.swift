/// One column's drift verdict.
public struct DriftResult: Codable, Sendable, Equatable {
    public var column: String
    /// How the column was treated (numerical or categorical).
    public var type: DriftColumnKind
    public var test: DriftTest
    /// True when the test was chosen by the defaults (not set for the column).
    public var automatic: Bool
    /// What is compared with the threshold: the p-value for p-value tests, else the distance.
    public var score: Double?
    /// The test's statistic (KS D, chi-square, z, or the distance itself).
    public var statistic: Double?
    /// The p-value, for p-value tests.
    public var pValue: Double?
    public var threshold: Double
    public var drifted: Bool
    /// Rows on each side (missing included) and the share of missing values on each side.
    public var referenceRows: Int
    public var currentRows: Int
    public var referenceMissingShare: Double
    public var currentMissingShare: Double
    /// Distinct non-missing values over both sides.
    public var distinctValues: Int
    /// Categories of the current side never seen in the reference (categorical columns).
    public var unseenCategories: [String]
    /// Why there is no score (a side without values), when there is none.
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case column, type, test, automatic, score, statistic, threshold, drifted, note
        case pValue = "p_value", referenceRows = "reference_rows", currentRows = "current_rows"
        case referenceMissingShare = "reference_missing_share", currentMissingShare = "current_missing_share"
        case distinctValues = "distinct_values", unseenCategories = "unseen_categories"
    }

    /// The change of the missing-value share (current − reference).
    public var missingShareChange: Double { currentMissingShare - referenceMissingShare }
}

/// Drift over every compared column.
public struct DriftReport: Codable, Sendable, Equatable {
    public var columns: [DriftResult]
    /// Number of columns that drifted.
    public var driftedColumns: Int
    /// driftedColumns / columns.count (0 without columns).
    public var shareDrifted: Double
    /// The share at which the dataset counts as drifted.
    public var driftShare: Double
    /// True when shareDrifted ≥ driftShare (Evidently's dataset drift).
    public var datasetDrift: Bool
    public var referenceRows: Int
    public var currentRows: Int
    /// Columns on both sides that were not tested (free text, or a type Evidently does not test).
    public var notCompared: [String]

    enum CodingKeys: String, CodingKey {
        case columns, notCompared = "not_compared"
        case driftedColumns = "drifted_columns", shareDrifted = "share_drifted", driftShare = "drift_share"
        case datasetDrift = "dataset_drift", referenceRows = "reference_rows", currentRows = "current_rows"
    }

    public init(columns: [DriftResult], driftShare: Double, referenceRows: Int, currentRows: Int, notCompared: [String] = []) {
        self.notCompared = notCompared
        self.columns = columns
        driftedColumns = columns.filter(\.drifted).count
        shareDrifted = columns.isEmpty ? 0 : Double(driftedColumns) / Double(columns.count)
        self.driftShare = driftShare
        datasetDrift = !columns.isEmpty && shareDrifted >= driftShare
        self.referenceRows = referenceRows
        self.currentRows = currentRows
    }

    /// The result for `column`.
    public subscript(column: String) -> DriftResult? { columns.first { $0.column == column } }

    /// Names of the drifted columns, in report order.
    public var driftedColumnNames: [String] { columns.filter(\.drifted).map(\.column) }
}

/// What the drift report compares and how; every field has Evidently's default.
public struct DriftOptions: Sendable, Equatable {
    /// Per-column settings.
    public struct Column: Sendable, Equatable {
        public var test: DriftTest?
        public var threshold: Double?
        public var kind: DriftColumnKind?
        public init(test: DriftTest? = nil, threshold: Double? = nil, kind: DriftColumnKind? = nil) {
            self.test = test; self.threshold = threshold; self.kind = kind
        }
    }

    /// The share of drifted columns at which the dataset drifts (Evidently: 0.5).
    public var driftShare: Double = 0.5
    /// Only these columns (nil: every column present on both sides).
    public var columns: [String]?
    /// A test for every numerical / categorical column without its own.
    public var numericalTest: DriftTest?
    public var categoricalTest: DriftTest?
    /// A threshold for every column without its own.
    public var threshold: Double?
    /// Settings by column name.
    public var perColumn: [String: Column] = [:]

    public init(driftShare: Double = 0.5, columns: [String]? = nil, perColumn: [String: Column] = [:]) {
        self.driftShare = driftShare; self.columns = columns; self.perColumn = perColumn
    }
}

/// A drift test that cannot run as asked.
public enum DriftError: Error, CustomStringConvertible, Equatable {
    case testNeedsNumbers(column: String, test: DriftTest)
    case unknownColumn(String, side: String)

    public var description: String {
        switch self {
        case .testNeedsNumbers(let c, let t):
            return "column '\(c)' is categorical; the \(t.rawValue) test needs numbers (use chisquare, z, jensenshannon or psi)"
        case .unknownColumn(let c, let side):
            return "column '\(c)' is not in the \(side) table"
        }
    }
}
