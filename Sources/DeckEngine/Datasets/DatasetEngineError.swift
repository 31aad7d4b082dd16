import DeckStore

/// Errors of the dataset registry's engine layer (adding, diffing), written for the user.
public enum DatasetEngineError: Error, CustomStringConvertible, Equatable {
    /// `--key` was given for content that is not a table.
    case keyColumnsNeedTable(format: DatasetFormat)
    /// A `--key` column is not in the table's header.
    case unknownKeyColumn(String, file: String, columns: [String])
    /// A row-level diff needs two tables.
    case notComparableAsTables(old: String, new: String)

    public var description: String {
        switch self {
        case .keyColumnsNeedTable(let format):
            return "--key needs a table (CSV, TSV or JSON Lines); this content is \(format.rawValue)"
        case .unknownKeyColumn(let key, let file, let columns):
            let shown = columns.prefix(12).joined(separator: ", ") + (columns.count > 12 ? ", …" : "")
            return "\(file): no column named '\(key)' for --key (columns: \(shown))"
        case .notComparableAsTables(let old, let new):
            return "\(old) and \(new) are not both tables; only their files or bytes can be compared"
        }
    }
}
