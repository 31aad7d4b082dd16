import DeckML
import Foundation

/// Applies a ``PreprocessingSpec`` to a table: the feature matrix, and the labels as class
/// indices (or targets for regression). Columns are found by name, so the table may have other
/// columns or another order.
public struct FeatureTransformer: Sendable {
    public let spec: PreprocessingSpec
    /// Per input (in `spec.inputs` order), each known category's position; empty for numeric
    /// inputs. Built once, so scoring a row does not rebuild a dictionary per input.
    let categoryPositions: [[String: Int32]]
    /// Whether `spec.featureNames` are distinct and non-empty, checked once (nil) or the problem.
    private let namesProblem: XGBoostError?

    public init(spec: PreprocessingSpec) {
        self.spec = spec
        categoryPositions = spec.inputs.map { input in
            var position: [String: Int32] = [:]
            for (i, c) in (input.categories ?? []).enumerated() { position[c] = Int32(i) }
            return position
        }
        do {
            _ = try FeatureMatrix(rows: 0, columns: spec.featureNames.count, values: [], featureNames: spec.featureNames)
            namesProblem = nil
        } catch {
            namesProblem = error
        }
    }

    /// Whether `category` is one the input at `index` of `spec.inputs` was trained with.
    func knows(_ category: String, input index: Int) -> Bool { categoryPositions[index][category] != nil }

    /// The feature matrix of `rows` (all rows when nil).
    public func features(_ table: DataTable, rows: [Int]? = nil) throws -> FeatureMatrix {
        let rowCount = rows?.count ?? table.rowCount
        let width = spec.featureNames.count
        var cells = [Float](repeating: 0, count: rowCount * width)
        let inputs = spec.inputs
        for k in inputs.indices {   // by index: `for input in` copied each input per request
            guard let index = table.index(of: inputs[k].name, expectedAt: k) else {
                throw PreprocessingError.missingColumn(inputs[k].name, available: table.names)
            }
            let column = table.columns[index]
            cells.withUnsafeMutableBufferPointer { out in
                switch inputs[k].encoding {
                case .numeric: fillNumeric(out, column: column, offset: inputs[k].offset, rows: rows, rowCount: rowCount, width: width)
                case .onehot, .ordinal:
                    fillCategorical(out, column: column, offset: inputs[k].offset, onehot: inputs[k].encoding == .onehot,
                                    position: categoryPositions[k], rows: rows, rowCount: rowCount, width: width)
                }
            }
        }
        if let namesProblem { throw namesProblem }
        return FeatureMatrix(checkedNames: spec.featureNames, rows: rowCount, values: cells)
    }

    private func fillNumeric(_ out: UnsafeMutableBufferPointer<Float>, column: DataTable.Column, offset: Int,
                             rows: [Int]?, rowCount: Int, width: Int) {
        switch column {
        case .numeric(let values):
            values.withUnsafeBufferPointer { v in
                if let rows {
                    for (r, source) in rows.enumerated() { out[r * width + offset] = Float(v[source]) }
                } else {
                    for r in 0..<rowCount { out[r * width + offset] = Float(v[r]) }
                }
            }
        case .categorical(let codes, let categories):
            // Text where numbers were expected: parse each category once.
            let parsed = categories.map { Float($0.trimmingCharacters(in: .whitespaces)) ?? .nan }
            for r in 0..<rowCount {
                let code = codes[rows?[r] ?? r]
                out[r * width + offset] = code < 0 ? .nan : parsed[Int(code)]
            }
        }
    }

    private func fillCategorical(_ out: UnsafeMutableBufferPointer<Float>, column: DataTable.Column, offset: Int, onehot: Bool,
                                 position: [String: Int32], rows: [Int]?, rowCount: Int, width: Int) {
        func put(_ r: Int, _ p: Int32) {
            if onehot {
                if p >= 0 { out[r * width + offset + Int(p)] = 1 }
            } else {
                out[r * width + offset] = p < 0 ? .nan : Float(p)
            }
        }
        // The table's own codes (or numbers) mapped to the spec's category positions once each.
        // Loops rather than a closure per column: the closure's context was a heap allocation.
        switch column {
        case .categorical(let codes, let categories):
            if categories.count == 1 {   // a single row (or one category): no map to build
                let p = position[categories[0]] ?? -1
                for r in 0..<rowCount { put(r, codes[rows?[r] ?? r] < 0 ? -1 : p) }
                return
            }
            let map = categories.map { position[$0] ?? -1 }
            for r in 0..<rowCount {
                let c = codes[rows?[r] ?? r]
                put(r, c < 0 ? -1 : map[Int(c)])
            }
        case .numeric(let values):
            var cache: [Double: Int32] = [:]
            for r in 0..<rowCount {
                let v = values[rows?[r] ?? r]
                if v.isNaN { put(r, -1); continue }
                if let hit = cache[v] { put(r, hit); continue }
                let p = position[LabelText.number(v)] ?? -1
                cache[v] = p
                put(r, p)
            }
        }
    }

    /// Labels of `rows`: class indices for classification, targets for regression. Rows whose
    /// target is missing must have been left out by the caller (see ``rowsWithTarget(_:)``).
    public func labels(_ table: DataTable, rows: [Int]? = nil) throws -> [Float] {
        guard let index = table.index(of: spec.target) else { throw PreprocessingError.missingColumn(spec.target, available: table.names) }
        let column = table.columns[index]
        let rowList = rows ?? Array(0..<table.rowCount)
        if spec.task == .regression {
            switch column {
            case .numeric(let v): return rowList.map { Float(v[$0]) }
            case .categorical(let codes, let cats):
                let parsed = cats.map { Float($0) ?? .nan }
                return rowList.map { codes[$0] < 0 ? .nan : parsed[Int(codes[$0])] }
            }
        }
        let classes = spec.classes ?? []
        var position: [String: Float] = [:]
        for (i, c) in classes.enumerated() { position[c] = Float(i) }
        var out = [Float](); out.reserveCapacity(rowList.count)
        for row in rowList {
            guard let text = LabelText.cell(column, row), let p = position[text] else {
                throw PreprocessingError.unknownLabel(column: spec.target, label: LabelText.cell(column, row) ?? "(missing)", row: row, classes: classes)
            }
            out.append(p)
        }
        return out
    }

    /// Rows whose target is present (all rows of a table without the target column).
    public func rowsWithTarget(_ table: DataTable) -> [Int] {
        guard let index = table.index(of: spec.target) else { return Array(0..<table.rowCount) }
        switch table.columns[index] {
        case .numeric(let v): return v.indices.filter { !v[$0].isNaN }
        case .categorical(let c, _): return c.indices.filter { c[$0] >= 0 }
        }
    }

    /// The input signature: each input column's name and type.
    public var signature: [(name: String, type: String)] { spec.inputs.map { ($0.name, $0.type) } }
}
