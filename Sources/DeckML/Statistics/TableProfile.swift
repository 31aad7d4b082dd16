import Foundation

/// The profile of a table: its size, skipped rows and one `ColumnProfile` per column.
///
/// JSON uses snake_case keys (`row_count`, `columns`, …) and is stable: encode it with
/// `TableProfile.jsonEncoder()` (which also writes non-finite numbers as `"Infinity"`, `"-Infinity"`,
/// `"NaN"`) and decode it with `TableProfile.jsonDecoder()`.
public struct TableProfile: Codable, Sendable, Equatable {
    /// Number of data rows (after skipped rows, not counting the header).
    public var rowCount: Int
    /// The columns, in file order.
    public var columns: [ColumnProfile]
    /// The file format the profile was read from.
    public var format: TableFormat?
    /// Rows skipped in lenient mode (nil when none were).
    public var skipped: SkippedRows?
    /// Up to this many non-missing values per column, statistics are exact; beyond, sketches are used.
    public var exactLimit: Int

    enum CodingKeys: String, CodingKey {
        case rowCount = "row_count", columns, format, skipped, exactLimit = "exact_limit"
    }

    public init(rowCount: Int, columns: [ColumnProfile], format: TableFormat? = nil,
                skipped: SkippedRows? = nil, exactLimit: Int) {
        self.rowCount = rowCount
        self.columns = columns
        self.format = format
        self.skipped = skipped
        self.exactLimit = exactLimit
    }

    /// Number of columns.
    public var columnCount: Int { columns.count }

    /// The profile of the column named `name`.
    public func column(_ name: String) -> ColumnProfile? { columns.first { $0.name == name } }

    /// An encoder with sorted keys and non-finite numbers as strings.
    public static func jsonEncoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity",
                                                                negativeInfinity: "-Infinity", nan: "NaN")
        return e
    }

    /// A decoder matching `jsonEncoder()`.
    public static func jsonDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity",
                                                                  negativeInfinity: "-Infinity", nan: "NaN")
        return d
    }

    /// The profile as JSON (see `jsonEncoder`).
    public func jsonData(pretty: Bool = false) throws -> Data { try Self.jsonEncoder(pretty: pretty).encode(self) }

    /// Decodes a profile written by `jsonData()`.
    public static func decode(_ data: Data) throws -> TableProfile { try jsonDecoder().decode(TableProfile.self, from: data) }
}

/// Statistics of one column. Definitions follow pandas: `count` non-missing cells, `missing` empty
/// cells (or `--na` tokens), `distinct` = `nunique()`, `std` the sample standard deviation (ddof 1),
/// quantiles by linear interpolation, the histogram as `numpy.histogram(values, bins)`.
public struct ColumnProfile: Codable, Sendable, Equatable {
    /// Column name.
    public var name: String
    /// Inferred type.
    public var type: ColumnType
    /// True when some cells are missing.
    public var nullable: Bool
    /// Non-missing cells.
    public var count: Int
    /// Missing cells.
    public var missing: Int
    /// Distinct non-missing values (exact when `approximation?.distinctRelativeError` is nil).
    public var distinct: Int
    /// Numbers: smallest value. Booleans: 0 or 1. Datetimes: seconds since the Unix epoch (UTC).
    public var min: Double?
    /// Numbers: largest value (see `min`).
    public var max: Double?
    /// Numbers (and booleans as 0/1): mean.
    public var mean: Double?
    /// Numbers (and booleans as 0/1): sample standard deviation (ddof 1); nil with fewer than 2 values.
    public var std: Double?
    /// Datetimes: the cell text of the earliest value.
    public var minText: String?
    /// Datetimes: the cell text of the latest value.
    public var maxText: String?
    /// Numbers: quantiles at 1, 5, 25, 50, 75, 95 and 99 % (linear interpolation).
    public var quantiles: [Quantile]?
    /// Numbers: equal-width histogram over [min, max].
    public var histogram: Histogram?
    /// Text, categorical and boolean columns: the most frequent values, most frequent first
    /// (ties by value, in byte order). Booleans are written `true` / `false`.
    public var top: [CategoryCount]?
    /// Set when some statistics come from sketches (tables larger than the exact limit).
    public var approximation: Approximation?

    enum CodingKeys: String, CodingKey {
        case name, type, nullable, count, missing, distinct, min, max, mean, std
        case minText = "min_text", maxText = "max_text", quantiles, histogram, top, approximation
    }

    public init(name: String, type: ColumnType, count: Int, missing: Int, distinct: Int) {
        self.name = name
        self.type = type
        self.nullable = missing > 0
        self.count = count
        self.missing = missing
        self.distinct = distinct
    }

    /// The quantile at `q` (e.g. 0.5) when computed.
    public func quantile(_ q: Double) -> Double? { quantiles?.first { abs($0.q - q) < 1e-12 }?.value }
}

/// A quantile: the value below which a fraction `q` of the values lie.
public struct Quantile: Codable, Sendable, Equatable {
    public var q: Double
    public var value: Double
    public init(q: Double, value: Double) { self.q = q; self.value = value }
}

/// An equal-width histogram: `edges.count == counts.count + 1`; the last bin includes its right edge.
public struct Histogram: Codable, Sendable, Equatable {
    public var edges: [Double]
    public var counts: [Int]
    public init(edges: [Double], counts: [Int]) { self.edges = edges; self.counts = counts }
}

/// A value and how many cells hold it.
public struct CategoryCount: Codable, Sendable, Equatable {
    public var value: String
    public var count: Int
    public init(value: String, count: Int) { self.value = value; self.count = count }
}

/// Which statistics are estimates, and their error bounds.
public struct Approximation: Codable, Sendable, Equatable {
    /// Quantiles and histogram come from a uniform sample of this many values.
    public var sampleSize: Int?
    /// Bound on the rank error of the quantiles (fraction of values), holding with 99 % probability
    /// (Dvoretzky–Kiefer–Wolfowitz: sqrt(ln(2/0.01) / (2 · sampleSize))).
    public var quantileRankError: Double?
    /// Relative standard error of `distinct` (HyperLogLog with 2^14 registers: 1.04/128 ≈ 0.81 %).
    public var distinctRelativeError: Double?
    /// True when `top` counts may miss values first seen after the distinct limit was reached.
    public var topApproximate: Bool?

    enum CodingKeys: String, CodingKey {
        case sampleSize = "sample_size", quantileRankError = "quantile_rank_error"
        case distinctRelativeError = "distinct_relative_error", topApproximate = "top_approximate"
    }

    public init(sampleSize: Int? = nil, quantileRankError: Double? = nil, distinctRelativeError: Double? = nil,
                topApproximate: Bool? = nil) {
        self.sampleSize = sampleSize
        self.quantileRankError = quantileRankError
        self.distinctRelativeError = distinctRelativeError
        self.topApproximate = topApproximate
    }
}
