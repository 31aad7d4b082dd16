/// The number a single cell's text stands for, read exactly as the table readers read a cell of
/// a CSV file (integers, floats, `inf`, pandas' boolean words as 1/0, ISO 8601 datetimes as
/// seconds since the epoch). Callers that build a ``DataTable`` from values that did not come
/// from a file (a JSON request) use it so that a value means the same as it would in a file.
public enum CellValue {
    /// The number `text` stands for, or nil for text that is not a number, boolean or datetime.
    public static func number(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { buffer -> Double? in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return nil }
            let (kind, value) = CellParser.classify(base, buffer.count)
            return kind == .text ? nil : value
        }
    }
}
