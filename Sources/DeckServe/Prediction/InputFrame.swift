import DeckML
import Foundation

/// The rows of a scoring request before they meet the model: named columns of JSON values
/// (from one of MLflow's JSON formats) or a table read from a CSV body.
public enum InputFrame: Sendable {
    /// Column names and their cells.
    case json(columns: [String], cells: JSONCells)
    /// A CSV body read as a file of that content would be.
    case table(DataTable)

    /// The column names the client sent.
    public var columnNames: [String] {
        switch self {
        case .json(let columns, _): return columns
        case .table(let table): return table.names
        }
    }

    /// Number of rows.
    public var rowCount: Int {
        switch self {
        case .json(_, let cells): return cells.rowCount
        case .table(let table): return table.rowCount
        }
    }
}

/// Reads a scoring request body in MLflow's formats: `{"dataframe_split": {"columns": […],
/// "data": [[…]]}}`, `{"dataframe_records": [{…}]}`, `{"instances": [{…}]}`, `{"inputs": …}`
/// (records, or an object of columns), or CSV with `Content-Type: text/csv`. A name given twice
/// is refused where the names meet the model (``ColumnPlan``), once per distinct list of names.
public enum ScoringRequestParser {
    /// The formats a JSON body may use.
    public static let formats = ["dataframe_split", "dataframe_records", "instances", "inputs"]

    /// Cells records may fill with nulls beyond 16 per value sent (``records(_:format:)``).
    static let sparseRecordsAllowance = 1 << 20

    /// Reads `body` as `contentType` says. `knownColumns`, the names the previous request sent,
    /// lets a `dataframe_split` body sending the same names skip making them again (``SplitBodyReader``).
    public static func parse(_ body: [UInt8], contentType: String?, knownColumns: [String]? = nil) throws(HTTPAPIError) -> InputFrame {
        let type = (contentType ?? "application/json").lowercased()
        if type.hasPrefix("text/csv") || type.hasPrefix("application/csv") { return try csv(body) }
        guard type.hasPrefix("application/json") || type.hasPrefix("application/") || type.hasPrefix("text/json") || type.isEmpty else {
            throw HTTPAPIError(.unsupportedMediaType, code: "BAD_REQUEST",
                               "Content-Type \(type) is not supported: send application/json (MLflow's formats) or text/csv")
        }
        if let (columns, cells) = SplitBodyReader.read(body, knownColumns: knownColumns) { return .json(columns: columns, cells: cells) }
        return try tree(body)
    }

    /// A JSON body read through the general parser's tree: every format, and every error's message.
    static func tree(_ body: [UInt8]) throws(HTTPAPIError) -> InputFrame {
        let value: JSONValue
        do { value = try JSONParser.parse(body) } catch {
            throw HTTPAPIError.badRequest(error.description, code: "MALFORMED_REQUEST")
        }
        guard case .object(let keys, _) = value else {
            throw HTTPAPIError.badRequest("the body must be a JSON object with one of: \(formats.joined(separator: ", "))")
        }
        let given = keys.filter { formats.contains($0) }
        guard given.count == 1, let format = given.first, let content = value[format] else {
            let found = keys.isEmpty ? "none" : keys.joined(separator: ", ")
            throw HTTPAPIError.badRequest(given.count > 1
                ? "the body has more than one of \(formats.joined(separator: ", ")): give one"
                : "the body must have one of \(formats.joined(separator: ", ")) (found: \(found))")
        }
        switch format {
        case "dataframe_split": return try split(content)
        case "dataframe_records": return try records(content, format: format)
        default:
            if case .object = content { return try columnar(content, format: format) }
            return try records(content, format: format)
        }
    }

    static func split(_ content: JSONValue) throws(HTTPAPIError) -> InputFrame {
        guard case .array(let names)? = content["columns"] else {
            throw HTTPAPIError.badRequest("dataframe_split needs \"columns\": an array of column names")
        }
        var columns: [String] = []
        for (i, name) in names.enumerated() {
            guard case .string(let s) = name else { throw HTTPAPIError.badRequest("dataframe_split: column \(i + 1) of \"columns\" is \(name.kindName), not a name") }
            columns.append(s)
        }
        guard case .array(let data)? = content["data"] else {
            throw HTTPAPIError.badRequest("dataframe_split needs \"data\": an array of rows (arrays of values)")
        }
        // Every row's shape first: only then is rows × columns the number of cells sent, and
        // safe to reserve (a body of empty rows under many names must be a 400, not a huge allocation).
        for (r, row) in data.enumerated() {
            guard case .array(let cells) = row else { throw HTTPAPIError.badRequest("dataframe_split: row \(r + 1) of \"data\" is \(row.kindName), not an array") }
            guard cells.count == columns.count else {
                throw HTTPAPIError.badRequest("dataframe_split: row \(r + 1) has \(cells.count) values for \(columns.count) columns")
            }
        }
        var values: [JSONValue] = []
        values.reserveCapacity(data.count * columns.count)
        for row in data { if case .array(let cells) = row { values += cells } }
        return .json(columns: columns, cells: JSONCells(rowMajor: values, columns: columns.count, rows: data.count))
    }

    static func records(_ content: JSONValue, format: String) throws(HTTPAPIError) -> InputFrame {
        let items: [JSONValue]
        switch content {
        case .array(let a): items = a
        case .object: items = [content]
        default: throw HTTPAPIError.badRequest("\(format) must be an array of records (objects of column: value), not \(content.kindName)")
        }
        // First the columns (a key first met in a later row adds one), then the cells, row-major.
        // A record whose keys are the columns so far, in order (the usual body), is neither
        // hashed nor checked for repeats: its cells are copied as they are.
        var columns: [String] = []
        var position: [String: Int] = [:]
        var sent = 0
        for (r, item) in items.enumerated() {
            guard case .object(let keys, _) = item else {
                throw HTTPAPIError.badRequest("\(format): row \(r + 1) is \(item.kindName), not an object of column: value (MLDeck models take named columns)")
            }
            sent += keys.count
            if keys == columns { continue }
            for key in keys where position[key] == nil {
                position[key] = columns.count
                columns.append(key)
            }
        }
        // Records that each name other columns make rows × columns cells from few values: refused
        // before they are allocated (the cells are filled with nulls, so a body of 60,000 one-key
        // records would ask for 3.6 billion).
        let (cellCount, overflow) = items.count.multipliedReportingOverflow(by: columns.count)
        if overflow || cellCount > max(Self.sparseRecordsAllowance, 16 * sent) {
            throw HTTPAPIError.badRequest("\(format): \(items.count) records name \(columns.count) different columns between them; send the same columns in every record (or use dataframe_split)")
        }
        var values = [JSONValue](repeating: .null, count: cellCount)
        var given = [Bool](repeating: false, count: columns.count)
        for (r, item) in items.enumerated() {
            guard case .object(let keys, let cells) = item else { continue }
            if keys == columns {
                values.replaceSubrange(r * columns.count..<(r + 1) * columns.count, with: cells)
                continue
            }
            for k in given.indices { given[k] = false }
            for (key, cell) in zip(keys, cells) {
                guard let k = position[key], !given[k] else { continue }   // a repeated key keeps its first value
                given[k] = true
                values[r * columns.count + k] = cell
            }
        }
        return .json(columns: columns, cells: JSONCells(rowMajor: values, columns: columns.count, rows: items.count))
    }

    static func columnar(_ content: JSONValue, format: String) throws(HTTPAPIError) -> InputFrame {
        guard case .object(let keys, let cells) = content else { return .json(columns: [], cells: JSONCells(rowMajor: [], columns: 0, rows: 0)) }
        if cells.allSatisfy({ if case .array = $0 { return false } else { return true } }) {
            return try records(content, format: format)   // one row given as an object of scalars
        }
        var values: [JSONValue] = []
        var rows: Int?
        for (key, cell) in zip(keys, cells) {
            guard case .array(let column) = cell else {
                throw HTTPAPIError.badRequest("\(format): column '\(key)' is \(cell.kindName); give every column as an array of values")
            }
            if let rows, rows != column.count {
                throw HTTPAPIError.badRequest("\(format): column '\(key)' has \(column.count) values, the columns before it \(rows)")
            }
            rows = column.count
            values += column
        }
        return .json(columns: keys, cells: JSONCells(columnMajor: values, columns: keys.count, rows: rows ?? 0))
    }

    static func csv(_ body: [UInt8]) throws(HTTPAPIError) -> InputFrame {
        let data = Data(body)
        var options = TableReadOptions(format: .csv)
        options.threads = 1
        options.chunkSize = max(4096, min(body.count + 1, 8 << 20))
        options.byteSource = { _ in MemoryByteSource(data) }
        do {
            return .table(try DataTable.load(path: "the CSV body", options: options))
        } catch {
            throw HTTPAPIError.badRequest("the CSV body cannot be read: \(error)", code: "MALFORMED_REQUEST")
        }
    }
}
