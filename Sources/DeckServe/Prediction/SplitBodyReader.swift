import Foundation

/// Reads the body most scoring clients send — `{"dataframe_split": {"columns": […], "data":
/// [[…], …]}}`, as `mlflow`'s own client and pandas' `to_dict(orient="split")` write it — into
/// the request's cells in one pass, without the tree of ``JSONValue``s the general parser builds
/// and ``ScoringRequestParser/split(_:)`` then flattens.
///
/// Why: for a single-row request of 20 columns the tree, its arrays and the 20 column names as
/// new strings cost ~40,000 instructions, a sixth of the server's whole work per request
/// (callgrind, `mldeck serve` under `wrk`). Here the cells go straight into one array, and names
/// equal to the previous request's (``knownColumns``; clients send the same names request after
/// request) are compared as bytes and not made into strings again.
///
/// Anything else — another format or member, a member out of this order, a row of the wrong
/// length, any malformed JSON — gives nil, and the general parser reads the body from the start,
/// with its error messages. So this never answers differently: it either gives what
/// ``ScoringRequestParser/parse(_:contentType:knownColumns:)`` would have given, or nothing
/// (`SplitBodyReaderTests` checks this on generated bodies). The cells themselves are read by the
/// general parser's own ``JSONParser/value(depth:)``, at the depth they sit at in the tree.
enum SplitBodyReader {
    /// The columns and cells of `body`, or nil when it is not a plain `dataframe_split` body.
    static func read(_ body: [UInt8], knownColumns: [String]?) -> (columns: [String], cells: JSONCells)? {
        var p = JSONParser(body)
        do throws(JSONSyntaxError) {
            p.skipSpace()
            guard p.take(UInt8(ascii: "{")), p.key("dataframe_split"), p.take(UInt8(ascii: "{")) else { return nil }
            var columns: [String]?
            var values: [JSONValue] = []
            var rows = 0
            var sawData = false
            while true {
                if p.key("columns") {
                    guard columns == nil, let names = try p.names(knownColumns) else { return nil }
                    columns = names
                } else if p.key("data") {
                    guard let width = columns?.count, !sawData, let count = try p.rows(width: width, into: &values) else { return nil }
                    rows = count
                    sawData = true
                } else if p.at(UInt8(ascii: "\"")) {
                    // Another member (`index`, as pandas writes it): read and left aside, as the
                    // general path leaves it; names that matter given twice go to the general path.
                    let name = try p.string()
                    guard name != "columns", name != "data", p.take(UInt8(ascii: ":")) else { return nil }
                    p.skipSpace()
                    _ = try p.value(depth: 2)
                } else {
                    return nil
                }
                if p.take(UInt8(ascii: ",")) { continue }
                guard p.take(UInt8(ascii: "}")) else { return nil }
                break
            }
            guard p.take(UInt8(ascii: "}")), p.i == body.count, let columns, sawData else { return nil }
            return (columns, JSONCells(rowMajor: values, columns: columns.count, rows: rows))
        } catch {
            return nil
        }
    }
}

extension JSONParser {
    /// Whether the next token (after white space) is `byte`; takes it and the white space after.
    mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte else { return false }
        i += 1
        skipSpace()
        return true
    }

    /// Whether the next byte is `byte`, without taking it.
    func at(_ byte: UInt8) -> Bool { i < bytes.count && bytes[i] == byte }

    /// Whether the next tokens are the member name `name` (written without escapes) and `:`;
    /// takes them when they are, and nothing otherwise.
    mutating func key(_ name: StaticString) -> Bool {
        let start = i
        guard let end = plainString(at: i), equal(start + 1..<end, name) else { return false }
        i = end + 1
        guard take(UInt8(ascii: ":")) else { i = start; return false }
        return true
    }

    /// The end (the closing quote's offset) of the string starting at `start` when it is plain
    /// ASCII without escapes or control characters, else nil.
    func plainString(at start: Int) -> Int? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return nil }
        var k = start + 1
        while k < bytes.count {
            let c = bytes[k]
            if c == UInt8(ascii: "\"") { return k }
            if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { return nil }
            k += 1
        }
        return nil
    }

    /// Whether the body's bytes in `range` are `name`'s (by `memcmp`: comparing byte by byte
    /// through the array cost ~500 instructions a name).
    func equal(_ range: Range<Int>, _ name: StaticString) -> Bool {
        name.withUTF8Buffer { equal(range, $0) }
    }

    func equal(_ range: Range<Int>, _ name: String) -> Bool {
        var name = name
        return name.withUTF8 { equal(range, $0) }
    }

    private func equal(_ range: Range<Int>, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == text.count, range.upperBound <= bytes.count else { return false }
        guard let name = text.baseAddress else { return true }
        return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + range.lowerBound, name, text.count) == 0 }
    }

    /// `[names…]`: the names given as strings, `known` itself when they equal it; nil when one is not a string.
    mutating func names(_ known: [String]?) throws(JSONSyntaxError) -> [String]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var names: [String] = []
        var matching = known != nil   // every name so far equals known's at its position (none made)
        var count = 0
        if take(UInt8(ascii: "]")) { return matching && known!.isEmpty ? known : [] }
        while true {
            if matching, let known, count < known.count, let end = plainString(at: i), equal(i + 1..<end, known[count]) {
                i = end + 1
            } else {
                guard at(UInt8(ascii: "\"")) else { return nil }
                if matching { names = Array(known!.prefix(count)); matching = false }
                names.append(try string())
            }
            count += 1
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "]")) else { return nil }
            if matching { return count == known!.count ? known : Array(known!.prefix(count)) }
            return names
        }
    }

    /// `[[cells…], …]`: rows of `width` cells each, appended to `values`; the number of rows, or
    /// nil when a row is not an array of `width` values.
    mutating func rows(width: Int, into values: inout [JSONValue]) throws(JSONSyntaxError) -> Int? {
        guard take(UInt8(ascii: "[")) else { return nil }
        if take(UInt8(ascii: "]")) { return 0 }
        values.reserveCapacity(width)
        var rows = 0
        while true {
            guard take(UInt8(ascii: "[")) else { return nil }
            if width == 0 {
                guard take(UInt8(ascii: "]")) else { return nil }
            } else {
                for k in 0..<width {
                    values.append(try value(depth: 4))   // data is the body's third level, its rows the fourth
                    guard take(UInt8(ascii: k + 1 < width ? "," : "]")) else { return nil }
                }
            }
            rows += 1
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "]")) else { return nil }
            return rows
        }
    }
}
