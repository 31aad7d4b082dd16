import DeckML
import Foundation

/// Reference data for monitoring, stored with each model version (`reference_object`): the
/// training split's input columns, numbers sorted ascending in binary form, categories as
/// counts, each with its statistics. Drift checks read it without touching any CSV.
///
/// With it, the model's scores on its own test split (``predictions``): what prediction drift
/// compares the endpoint's logged scores with.
///
/// Layout: `MLDREF01` (8 bytes), a little-endian UInt32 header length, the header (JSON, see
/// ``Header``), then the numeric columns' sorted values as little-endian Float64, each column at
/// `offset` (in values) for `count` values; the predictions' sorted values last.
public struct ReferenceData: Sendable, Equatable {
    /// Statistics of one column (numbers: over the non-missing values).
    public struct Statistics: Codable, Sendable, Equatable {
        public var min: Double?
        public var max: Double?
        public var mean: Double?
        /// Sample standard deviation (ddof 1).
        public var std: Double?
        /// Population standard deviation (ddof 0), as Evidently norms Wasserstein distance.
        public var stdPopulation: Double?
        /// Quantiles at ``NumericSummary/quantileLevels``.
        public var quantiles: [Quantile]?

        enum CodingKeys: String, CodingKey { case min, max, mean, std, stdPopulation = "std_population", quantiles }
    }

    /// One category's count.
    public struct CategoryCount: Codable, Sendable, Equatable {
        public var value: String
        public var count: Int
    }

    /// One column.
    public struct Column: Sendable, Equatable {
        public var name: String
        /// The inferred type (`integer`, `float`, `categorical`, …).
        public var type: String
        /// Non-missing values.
        public var count: Int
        public var missing: Int
        /// Sorted non-missing values (numeric columns), empty for categorical ones.
        public var sortedValues: [Double]
        /// Category counts sorted by value (categorical columns), nil for numeric ones.
        public var categories: [CategoryCount]?
        public var statistics: Statistics

        public var isNumeric: Bool { categories == nil }
    }

    /// Training rows it was taken from.
    public var rows: Int
    public var columns: [Column]
    /// The model's scores (the value the prediction log records: the regression value, the
    /// positive class's probability, or a multiclass model's top probability) on its test split,
    /// sorted; nil for a version registered before they were stored (see `PredictionReference`).
    public var predictions: Column?

    public init(rows: Int, columns: [Column], predictions: Column? = nil) {
        self.rows = rows; self.columns = columns; self.predictions = predictions
    }

    /// The column named `name`.
    public func column(_ name: String) -> Column? { columns.first { $0.name == name } }

    static let magic = Array("MLDREF01".utf8)

    struct Header: Codable {
        struct Entry: Codable {
            var name: String
            var type: String
            var count: Int
            var missing: Int
            var offset: Int?
            var categories: [CategoryCount]?
            var statistics: Statistics
        }
        var format: Int
        var rows: Int
        var columns: [Entry]
        var predictions: Entry?
    }

    /// Builds the reference from the input columns of `spec` over `rows` of `table`.
    public static func build(table: DataTable, spec: PreprocessingSpec, rows: [Int]) -> ReferenceData {
        var columns: [Column] = []
        for input in spec.inputs {
            guard let index = table.index(of: input.name) else { continue }
            switch table.columns[index] {
            case .numeric(let values):
                var kept = [Double](); kept.reserveCapacity(rows.count)
                values.withUnsafeBufferPointer { v in for r in rows where !v[r].isNaN { kept.append(v[r]) } }
                kept.sort()
                columns.append(Column(name: input.name, type: input.type, count: kept.count, missing: rows.count - kept.count,
                                      sortedValues: kept, categories: nil, statistics: numericStatistics(kept)))
            case .categorical(let codes, let categories):
                var counts = [Int](repeating: 0, count: categories.count)
                var missing = 0
                codes.withUnsafeBufferPointer { c in for r in rows { if c[r] < 0 { missing += 1 } else { counts[Int(c[r])] += 1 } } }
                let list = categories.indices.filter { counts[$0] > 0 }.map { CategoryCount(value: categories[$0], count: counts[$0]) }
                    .sorted { $0.value < $1.value }
                columns.append(Column(name: input.name, type: input.type, count: rows.count - missing, missing: missing,
                                      sortedValues: [], categories: list, statistics: .empty))
            }
        }
        return ReferenceData(rows: rows.count, columns: columns)
    }

    /// The predictions column made from scores (missing ones counted apart, the rest sorted).
    public static func predictionsColumn(_ scores: [Double], name: String = "prediction") -> Column {
        var kept = scores.filter { $0.isFinite }
        kept.sort()
        return Column(name: name, type: "float", count: kept.count, missing: scores.count - kept.count, sortedValues: kept,
                      categories: nil, statistics: numericStatistics(kept))
    }

    static func numericStatistics(_ sorted: [Double]) -> Statistics {
        guard !sorted.isEmpty else { return .empty }
        return sorted.withUnsafeBufferPointer { v in
            let (mean, std) = NumericSummary.meanAndStd(v)
            var population: Double?
            if let mean, v.count > 0 {
                var s = 0.0
                for x in v { s += (x - mean) * (x - mean) }
                population = (s / Double(v.count)).squareRoot()
            }
            let quantiles = NumericSummary.quantileLevels.map { Quantile(q: $0, value: NumericSummary.quantile(sorted: v, $0)) }
            return Statistics(min: v.first, max: v.last, mean: mean, std: std, stdPopulation: population, quantiles: quantiles)
        }
    }

    /// The binary form.
    public func encoded() throws -> Data {
        var offset = 0
        var entries: [Header.Entry] = []
        for c in columns {
            entries.append(Header.Entry(name: c.name, type: c.type, count: c.count, missing: c.missing,
                                        offset: c.isNumeric ? offset : nil, categories: c.categories, statistics: c.statistics))
            if c.isNumeric { offset += c.sortedValues.count }
        }
        let predictionsEntry = predictions.map {
            Header.Entry(name: $0.name, type: $0.type, count: $0.count, missing: $0.missing, offset: offset, categories: nil, statistics: $0.statistics)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let header = try encoder.encode(Header(format: 1, rows: rows, columns: entries, predictions: predictionsEntry))
        var data = Data(Self.magic)
        var length = UInt32(header.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(header)
        data.reserveCapacity(data.count + offset * 8)
        for c in columns.filter(\.isNumeric) + (predictions.map { [$0] } ?? []) where !c.sortedValues.isEmpty {
            c.sortedValues.withUnsafeBufferPointer { v in
                // Float64 little-endian (the host order on x86-64 and arm64).
                data.append(UnsafeBufferPointer(start: UnsafeRawPointer(v.baseAddress!).assumingMemoryBound(to: UInt8.self), count: v.count * 8))
            }
        }
        return data
    }

    /// Reads the binary form.
    public static func decode(_ data: Data) throws -> ReferenceData {
        guard data.count >= 12, Array(data.prefix(8)) == magic else { throw ReferenceDataError.notReferenceData }
        let length = data.subdata(in: 8..<12).withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        guard data.count >= 12 + length else { throw ReferenceDataError.truncated }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let header = try decoder.decode(Header.self, from: data.subdata(in: 12..<(12 + length)))
        let base = 12 + length
        func column(_ e: Header.Entry) throws -> Column {
            var values: [Double] = []
            if let offset = e.offset {
                guard offset >= 0, e.count >= 0 else { throw ReferenceDataError.truncated }
                let start = base + offset * 8, end = start + e.count * 8
                guard end <= data.count else { throw ReferenceDataError.truncated }
                values = [Double](repeating: 0, count: e.count)
                values.withUnsafeMutableBytes { out in
                    data.copyBytes(to: out.bindMemory(to: UInt8.self), from: start..<end)
                }
            }
            return Column(name: e.name, type: e.type, count: e.count, missing: e.missing, sortedValues: values,
                          categories: e.categories, statistics: e.statistics)
        }
        return ReferenceData(rows: header.rows, columns: try header.columns.map(column), predictions: try header.predictions.map(column))
    }
}

/// A reference-data object that cannot be read.
public enum ReferenceDataError: Error, CustomStringConvertible {
    case notReferenceData, truncated

    public var description: String {
        switch self {
        case .notReferenceData: return "not MLDeck reference data (bad magic)"
        case .truncated: return "reference data is truncated"
        }
    }
}

extension ReferenceData.Statistics {
    /// No statistics (categorical columns, empty columns).
    public static let empty = ReferenceData.Statistics(min: nil, max: nil, mean: nil, std: nil, stdPopulation: nil, quantiles: nil)
}
