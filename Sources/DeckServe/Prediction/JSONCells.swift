/// The cells of a JSON scoring request in one flat array: row-major as `dataframe_split` and
/// records send them, column-major as `inputs` given as an object of columns sends them.
///
/// One array instead of one per column: a single-row request of 20 columns made 20 arrays of one
/// cell each, then read them once (~12,000 instructions of a ~300,000-instruction request).
public struct JSONCells: Sendable, Equatable {
    /// The cells, in the order ``rowMajor`` says.
    public private(set) var values: [JSONValue]
    public let columnCount: Int
    public private(set) var rowCount: Int
    /// Row after row (true), or column after column.
    public let rowMajor: Bool

    /// Cells given row after row: `values.count` is `rows × columns`.
    public init(rowMajor values: [JSONValue], columns: Int, rows: Int) {
        precondition(values.count == rows * columns, "cells do not fill the rows")
        self.values = values; columnCount = columns; rowCount = rows; rowMajor = true
    }

    /// Cells given column after column: `values.count` is `rows × columns`.
    public init(columnMajor values: [JSONValue], columns: Int, rows: Int) {
        precondition(values.count == rows * columns, "cells do not fill the columns")
        self.values = values; columnCount = columns; rowCount = rows; rowMajor = false
    }

    /// The cell of `row` in `column` (both from 0).
    @inline(__always)
    public subscript(row: Int, column: Int) -> JSONValue {
        rowMajor ? values[row * columnCount + column] : values[column * rowCount + row]
    }

    /// The rows of `more` (the same columns) after these; the result is row-major.
    public mutating func append(rowsOf more: JSONCells) {
        precondition(more.columnCount == columnCount, "appended cells have other columns")
        if !rowMajor { self = rowMajorCopy() }
        values += more.rowMajor ? more.values : more.rowMajorCopy().values
        rowCount += more.rowCount
    }

    private func rowMajorCopy() -> JSONCells {
        var out: [JSONValue] = []
        out.reserveCapacity(values.count)
        for r in 0..<rowCount { for k in 0..<columnCount { out.append(self[r, k]) } }
        return JSONCells(rowMajor: out, columns: columnCount, rows: rowCount)
    }
}
