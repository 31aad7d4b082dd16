import DeckEngine
import DeckML

/// Turns a request's columns into the table a model scores, checked against its signature: a
/// missing input column or a value that is not of the column's type is a 400 naming it; columns
/// the model does not read are ignored and named in the answer's `warnings` (a 400 under
/// `--strict-columns`), as `mlflow models serve` ignores them.
public struct InputTableBuilder: Sendable {
    public let spec: PreprocessingSpec
    public let strictColumns: Bool

    /// The columns the model reads: its inputs and its id column. Built once, not per request.
    private let known: Set<String>
    /// The plan of the last request's columns (``ColumnPlan``), shared by concurrent requests.
    private let lastPlan = LockedBox<ColumnPlan?>(nil)

    public init(spec: PreprocessingSpec, strictColumns: Bool) {
        self.spec = spec; self.strictColumns = strictColumns
        known = Set(spec.inputs.map(\.name) + (spec.idColumn.map { [$0] } ?? []))
    }

    /// The names the last request sent, for ``ScoringRequestParser/parse(_:contentType:knownColumns:)``.
    public var lastColumns: [String]? { lastPlan.get()?.columns }

    /// The table (the model's inputs, in the spec's order, and its id column, when sent) and the
    /// warnings to return.
    public func build(_ frame: InputFrame) throws(HTTPAPIError) -> (table: DataTable, warnings: [String]) {
        let sent = frame.columnNames
        let plan: ColumnPlan
        if let last = lastPlan.get(), last.columns == sent {
            plan = last
        } else {
            plan = try ColumnPlan(sent: sent, spec: spec, known: known, strictColumns: strictColumns)
            lastPlan.set(plan)
        }
        switch frame {
        case .table(let table):
            return (table, plan.warnings)
        case .json(_, let cells):
            var names: [String] = [], types: [ColumnType] = [], built: [DataTable.Column] = []
            names.reserveCapacity(spec.inputs.count + 1); types.reserveCapacity(spec.inputs.count + 1); built.reserveCapacity(spec.inputs.count + 1)
            let inputs = spec.inputs
            for i in inputs.indices {   // by index: `for input in` copied each input per request
                let k = plan.inputPositions[i]
                names.append(inputs[i].name)
                if inputs[i].encoding == .numeric {
                    types.append(.float)
                    built.append(.numeric(try numbers(cells, k, column: inputs[i].name, type: inputs[i].type)))
                } else {
                    types.append(.categorical)
                    built.append(try texts(cells, k, column: inputs[i].name))
                }
            }
            if let id = spec.idColumn, let k = plan.idPosition {
                names.append(id); types.append(.categorical); built.append(try texts(cells, k, column: id))
            }
            if names.isEmpty { return (DataTable(names: [], types: [], columns: []), plan.warnings) }
            return (DataTable(names: names, types: types, columns: built), plan.warnings)
        }
    }

    /// A numeric input: numbers, booleans (1/0), null (missing), or text that reads as a number,
    /// boolean or ISO 8601 datetime exactly as in a CSV file.
    func numbers(_ cells: JSONCells, _ k: Int, column: String, type: String) throws(HTTPAPIError) -> [Double] {
        var out = [Double](); out.reserveCapacity(cells.rowCount)
        for r in 0..<cells.rowCount {
            let cell = cells[r, k]
            switch cell {
            case .number(let v): out.append(v)
            case .bool(let b): out.append(b ? 1 : 0)
            case .null: out.append(.nan)
            case .string(let s):
                if s.isEmpty { out.append(.nan); continue }
                guard let v = CellValue.number(s) else {
                    throw HTTPAPIError.badRequest("column '\(column)', row \(r + 1): \(JSONText.quoted(String(s.prefix(60)))) is not a number (the model reads '\(column)' as \(type))")
                }
                out.append(v)
            case .array, .object:
                throw HTTPAPIError.badRequest("column '\(column)', row \(r + 1): \(cell.kindName) where a value was expected (the model reads '\(column)' as \(type))")
            }
        }
        return out
    }

    /// The distinct values of a text column looked for by a scan; more are hashed.
    static let scannedCategories = 8

    /// A categorical input (or the id column): text as it is, numbers as their shortest text
    /// (`1`, not `1.0`, as categories of a numeric column are recorded), null or "" missing.
    func texts(_ cells: JSONCells, _ k: Int, column: String) throws(HTTPAPIError) -> DataTable.Column {
        if cells.rowCount == 1, case .string(let s) = cells[0, k] {   // a single row: no dictionary needed
            return s.isEmpty ? .categorical(codes: [-1], categories: []) : .categorical(codes: [0], categories: [s])
        }
        var codes = [Int32](); codes.reserveCapacity(cells.rowCount)
        var categories: [String] = [], position: [String: Int32] = [:]
        for r in 0..<cells.rowCount {
            let cell = cells[r, k]
            let text: String?
            switch cell {
            case .string(let s): text = s.isEmpty ? nil : s
            case .number(let v): text = v.isNaN ? nil : LabelText.number(v)
            case .bool(let b): text = LabelText.number(b ? 1 : 0)
            case .null: text = nil
            case .array, .object:
                throw HTTPAPIError.badRequest("column '\(column)', row \(r + 1): \(cell.kindName) where a value was expected")
            }
            guard let text else { codes.append(-1); continue }
            // Few categories so far (most inputs have a handful): a scan of them, comparing short
            // strings word by word, costs less than hashing the text (~400 instructions a row and
            // column of a 1,000-row request). Past that, the dictionary, filled once.
            if categories.count <= Self.scannedCategories {
                if let known = categories.firstIndex(of: text) { codes.append(Int32(known)); continue }
            } else {
                if position.isEmpty { for (code, category) in categories.enumerated() { position[category] = Int32(code) } }
                if let code = position[text] { codes.append(code); continue }
                position[text] = Int32(categories.count)
            }
            codes.append(Int32(categories.count))
            categories.append(text)
        }
        return .categorical(codes: codes, categories: categories)
    }
}
