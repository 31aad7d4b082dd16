import Foundation

/// Turns two tables into per-column drift inputs: column kinds inferred as Evidently infers them from
/// pandas dtypes, missing values (NaN, empty cells, ±infinity) dropped, numbers radix-sorted once.
public enum DriftInputBuilder {
    /// Evidently's integer rule: an integer column (pandas int64: whole numbers, nothing missing) with
    /// at most this many distinct values is categorical.
    public static let integerCardinalityLimit = 10

    /// How Evidently 0.7 (`infer_column_type`) treats a column, from the pandas dtype the file would
    /// get: floats (and integers with missing values, which pandas reads as floats) are numerical;
    /// integers are categorical with at most 10 distinct values, else numerical; booleans are
    /// categorical (with missing values pandas keeps them as objects: not compared); text (and dates,
    /// which pandas leaves as text) is categorical unless it has more distinct values than half its
    /// non-missing cells (free text: not compared). Nil: not compared.
    public static func kind(of column: DataTable.Column, type: ColumnType) -> DriftColumnKind? {
        switch (type, column) {
        case (.float, _): return .numerical
        case (.integer, .numeric(let v)):
            if v.contains(where: { $0.isNaN }) { return .numerical }
            var seen = Set<Double>()
            for x in v { seen.insert(x); if seen.count > integerCardinalityLimit { return .numerical } }
            return .categorical
        case (.boolean, .numeric(let v)):
            return v.contains(where: { $0.isNaN }) ? nil : .categorical
        case (_, .categorical(let codes, _)):
            var present = Set<Int32>()
            var count = 0
            for c in codes where c >= 0 { present.insert(c); count += 1 }
            if count == 0 { return nil }
            return Double(present.count) > Double(count) * 0.5 ? nil : .categorical
        case (_, .numeric(let v)):
            // Dates read as numbers by DeckML are text to pandas.
            let present = v.filter { !$0.isNaN }
            if present.isEmpty { return nil }
            return Double(Set(present).count) > Double(present.count) * 0.5 ? nil : .categorical
        }
    }

    /// The columns to compare: `columns` when given (each must be on both sides), else every column of
    /// the reference that the current table has too, in reference order.
    public static func columnNames(reference: DataTable, current: DataTable, columns: [String]?) throws -> [String] {
        if let columns {
            for c in columns {
                if reference.index(of: c) == nil { throw DriftError.unknownColumn(c, side: "reference") }
                if current.index(of: c) == nil { throw DriftError.unknownColumn(c, side: "current") }
            }
            return columns
        }
        return reference.names.filter { current.index(of: $0) != nil }
    }

    /// Inputs for every compared column, and the columns left out (free text, unknown types) with why.
    /// Column kinds are inferred from the current table, as Evidently infers them from its current
    /// data (from the reference when the current table has no rows).
    public static func inputs(reference: DataTable, current: DataTable, columns: [String]? = nil) throws
        -> (inputs: [DriftColumnInput], skipped: [String]) {
        var inputs: [DriftColumnInput] = [], skipped: [String] = []
        for name in try columnNames(reference: reference, current: current, columns: columns) {
            let ri = reference.index(of: name)!, ci = current.index(of: name)!
            let source = current.rowCount > 0 ? (current.columns[ci], current.types[ci]) : (reference.columns[ri], reference.types[ri])
            guard let kind = kind(of: source.0, type: source.1) else { skipped.append(name); continue }
            inputs.append(input(name: name, kind: kind, reference: reference.columns[ri], referenceType: reference.types[ri],
                                current: current.columns[ci], currentType: current.types[ci]))
        }
        return (inputs, skipped)
    }

    /// One column's input. A side that reads as numbers while the other reads as text is compared as text.
    public static func input(name: String, kind: DriftColumnKind, reference: DataTable.Column, referenceType: ColumnType,
                             current: DataTable.Column, currentType: ColumnType) -> DriftColumnInput {
        let bothNumeric = referenceType.isNumeric && currentType.isNumeric
        if bothNumeric, case .numeric(let r) = reference, case .numeric(let c) = current {
            let rs = sortedFinite(r), cs = sortedFinite(c)
            let integer = referenceType == .integer && currentType == .integer && rs.count == r.count && cs.count == c.count
            return DriftColumnInput(name: name, kind: kind, values: .numbers(reference: rs, current: cs),
                                    referenceRows: r.count, currentRows: c.count, integerValues: integer)
        }
        var labels: [String] = []
        var index: [String: Int] = [:]
        func counts(_ column: DataTable.Column, _ type: ColumnType) -> [Int] {
            var out = [Int](repeating: 0, count: labels.count)
            func add(_ label: String) {
                if let k = index[label] { out[k] += 1; return }
                index[label] = labels.count; labels.append(label); out.append(1)
            }
            switch column {
            case .numeric(let v):
                for x in v where x.isFinite { add(type == .boolean ? (x != 0 ? "True" : "False") : DriftNumberText.text(x)) }
            case .categorical(let codes, let categories):
                var perCode = [Int](repeating: 0, count: categories.count)
                for code in codes where code >= 0 { perCode[Int(code)] += 1 }
                for (k, n) in perCode.enumerated() where n > 0 {
                    if let at = index[categories[k]] { out[at] += n } else {
                        index[categories[k]] = labels.count; labels.append(categories[k]); out.append(n)
                    }
                }
            }
            return out
        }
        var r = counts(reference, referenceType)
        let c = counts(current, currentType)
        r += [Int](repeating: 0, count: labels.count - r.count)
        return DriftColumnInput(name: name, kind: kind == .numerical ? .categorical : kind, values: .categories(labels: labels, reference: r, current: c),
                                referenceRows: reference.count, currentRows: current.count)
    }

    /// The finite values of `values`, ascending (radix sort).
    public static func sortedFinite(_ values: [Double]) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(values.count)
        for x in values where x.isFinite { out.append(x) }
        out.withUnsafeMutableBufferPointer { RadixSort.sort($0) }
        return out
    }
}
