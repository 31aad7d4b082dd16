import Foundation

/// The JSON texts the prediction log stores (written by hand: fast, and stable for monitoring).
enum PredictionLogJSON {
    static func string(_ s: String) -> String { JSONStringLiteral.quoted(s) }

    static func strings(_ values: [String]) -> String { "[" + values.map(string).joined(separator: ",") + "]" }

    // The writers below append into one string (a Double writes itself without a String of its
    // own): the log writer builds one `numbers` text per logged row and one `inputs` text per batch.

    static func numbers(_ values: [Double]) -> String {
        var out = ""
        out.reserveCapacity(2 + values.count * 21)
        append(values, to: &out)
        return out
    }

    private static func append(_ values: [Double], to out: inout String) {
        out += "["
        for (i, v) in values.enumerated() {
            if i > 0 { out += "," }
            if v.isFinite { v.write(to: &out) } else { out += "null" }
        }
        out += "]"
    }

    /// `{"columns": [{"name": …, "kind": "number"|"text"}], "data": [[…], …]}`.
    static func inputs(_ columns: [LoggedColumn]) -> String {
        var out = "{\"columns\":["
        for (i, c) in columns.enumerated() {
            if i > 0 { out += "," }
            let kind: String
            if case .numbers = c.values { kind = "number" } else { kind = "text" }
            out += "{\"name\":" + string(c.name) + ",\"kind\":\"" + kind + "\"}"
        }
        out += "],\"data\":["
        for (i, c) in columns.enumerated() {
            if i > 0 { out += "," }
            switch c.values {
            case .numbers(let v):
                append(v, to: &out)
            case .text(let v):
                out += "["
                for (k, value) in v.enumerated() {
                    if k > 0 { out += "," }
                    out += value.map(string) ?? "null"
                }
                out += "]"
            }
        }
        return out + "]}"
    }
}

extension PredictionLogJSON {
    /// The columns of an `inputs` text (see ``inputs(_:)``); nil when it is not of that shape.
    static func decodeInputs(_ text: String) -> [LoggedColumn]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let columns = object["columns"] as? [[String: Any]], let data = object["data"] as? [[Any]], columns.count == data.count else { return nil }
        var out: [LoggedColumn] = []
        for (column, values) in zip(columns, data) {
            guard let name = column["name"] as? String else { return nil }
            if column["kind"] as? String == "number" {
                out.append(LoggedColumn(name: name, values: .numbers(values.map { ($0 as? NSNumber)?.doubleValue ?? .nan })))
            } else {
                out.append(LoggedColumn(name: name, values: .text(values.map { $0 as? String })))
            }
        }
        return out
    }

    /// A JSON array of numbers (null → NaN); nil when it is not one.
    static func decodeNumbers(_ text: String) -> [Double]? {
        guard let values = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else { return nil }
        return values.map { ($0 as? NSNumber)?.doubleValue ?? .nan }
    }

    /// A JSON array of strings; nil when it is not one.
    static func decodeStrings(_ text: String) -> [String]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String]
    }
}
