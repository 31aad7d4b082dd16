/// A dense, row-major matrix of 32-bit features: the input of training and prediction.
///
/// Missing values are `Float.nan`. `values[row * columns + column]` is the cell at (row, column).
public struct FeatureMatrix: Sendable, Equatable {
    /// Number of rows (examples).
    public let rows: Int
    /// Number of columns (features).
    public let columns: Int
    /// Row-major cells, `rows × columns` of them; NaN marks a missing value.
    public var values: [Float]
    /// One name per column; stored in the DMatrix so the exported model carries them.
    public let featureNames: [String]

    /// Creates a matrix, checking that `values` holds `rows × columns` cells and that there is one
    /// distinct, non-empty feature name per column (an empty `featureNames` gives `f0`, `f1`, …).
    public init(rows: Int, columns: Int, values: [Float], featureNames: [String] = []) throws(XGBoostError) {
        guard rows >= 0, columns >= 0 else {
            throw .malformedMatrix("negative shape \(rows) × \(columns)")
        }
        guard values.count == rows * columns else {
            throw .malformedMatrix("expected \(rows) × \(columns) = \(rows * columns) values, got \(values.count)")
        }
        let names = featureNames.isEmpty ? (0..<columns).map { "f\($0)" } : featureNames
        guard names.count == columns else {
            throw .malformedMatrix("\(columns) columns but \(names.count) feature names")
        }
        if let empty = names.firstIndex(where: { $0.isEmpty }) {
            throw .malformedMatrix("feature name of column \(empty) is empty")
        }
        if Set(names).count != names.count {
            var seen = Set<String>()
            let duplicate = names.first { !seen.insert($0).inserted } ?? ""
            throw .malformedMatrix("feature name '\(duplicate)' appears more than once")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
        self.featureNames = names
    }

    /// Builds a matrix from columns of equal length (column-major input, e.g. from a table).
    public init(columns: [[Float]], featureNames: [String] = []) throws(XGBoostError) {
        let rowCount = columns.first?.count ?? 0
        if let bad = columns.firstIndex(where: { $0.count != rowCount }) {
            throw .malformedMatrix("column \(bad) has \(columns[bad].count) values, column 0 has \(rowCount)")
        }
        let columnCount = columns.count
        var cells = [Float](repeating: 0, count: rowCount * columnCount)
        cells.withUnsafeMutableBufferPointer { out in
            for (c, column) in columns.enumerated() {
                column.withUnsafeBufferPointer { source in
                    var index = c
                    for value in source {
                        out[index] = value
                        index += columnCount
                    }
                }
            }
        }
        try self.init(rows: rowCount, columns: columnCount, values: cells, featureNames: featureNames)
    }

    /// The cell at (row, column).
    public subscript(row: Int, column: Int) -> Float {
        values[row * columns + column]
    }

    /// The cells of one row.
    public func row(_ index: Int) -> ArraySlice<Float> {
        values[(index * columns)..<((index + 1) * columns)]
    }

    /// A new matrix holding the given rows, in the given order (e.g. one split's indices).
    public func selectingRows(_ indices: [Int]) -> FeatureMatrix {
        var cells = [Float](repeating: 0, count: indices.count * columns)
        let width = columns
        if width > 0 && !indices.isEmpty { values.withUnsafeBufferPointer { source in
            cells.withUnsafeMutableBufferPointer { out in
                for (r, index) in indices.enumerated() {
                    precondition(index >= 0 && index < rows, "row index \(index) out of range 0..<\(rows)")
                    let from = source.baseAddress! + index * width
                    (out.baseAddress! + r * width).update(from: from, count: width)
                }
            }
        } }
        // Shape and names are already validated.
        return FeatureMatrix(unchecked: indices.count, columns: columns, values: cells, featureNames: featureNames)
    }

    /// A matrix whose feature names were checked once by the caller (a transformer that makes
    /// many matrices with the same names), so the check is not repeated per scored request.
    /// `values.count` must be `rows × checkedNames.count`.
    package init(checkedNames: [String], rows: Int, values: [Float]) {
        precondition(values.count == rows * checkedNames.count, "expected \(rows) × \(checkedNames.count) values, got \(values.count)")
        self.init(unchecked: rows, columns: checkedNames.count, values: values, featureNames: checkedNames)
    }

    private init(unchecked rows: Int, columns: Int, values: [Float], featureNames: [String]) {
        self.rows = rows
        self.columns = columns
        self.values = values
        self.featureNames = featureNames
    }
}
