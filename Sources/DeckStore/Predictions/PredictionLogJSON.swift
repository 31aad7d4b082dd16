import Foundation

/// The JSON texts the prediction log stores (written by hand: fast, and stable for monitoring).
enum PredictionLogJSON {
    static func string(_ s: String) -> String { JSONStringLiteral.quoted(s) }

    static func number(_ v: Double) -> String { v.isFinite ? "\(v)" : "null" }

    static func strings(_ values: [String]) -> String { "[" + values.map(string).joined(separator: ",") + "]" }

    static func numbers(_ values: [Double]) -> String { "[" + values.map(number).joined(separator: ",") + "]" }

    /// `{"columns": [{"name": …, "kind": "number"|"text"}], "data": [[…], …]}`.
    static func inputs(_ columns: [LoggedColumn]) -> String {
        var out = "{\"columns\":["
        out += columns.map { c -> String in
            let kind: String
            if case .numbers = c.values { kind = "number" } else { kind = "text" }
            return "{\"name\":\(string(c.name)),\"kind\":\"\(kind)\"}"
        }.joined(separator: ",")
        out += "],\"data\":["
        out += columns.map { c -> String in
            switch c.values {
            case .numbers(let v): return numbers(v)
            case .text(let v): return "[" + v.map { $0.map(string) ?? "null" }.joined(separator: ",") + "]"
            }
        }.joined(separator: ",")
        return out + "]}"
    }
}
