import Foundation

/// The fields of one MLflow request, whether they came as a JSON body (POST, PATCH) or a query
/// string (GET). Int64 fields take numbers or strings (protobuf's JSON writes int64 as strings);
/// doubles take numbers or the strings `NaN`, `Infinity`, `-Infinity`.
public struct MLflowParams: Sendable {
    let json: JSONValue
    /// Query items, in order (a repeated key is a list: `experiment_ids=1&experiment_ids=2`).
    let query: [(String, String)]

    /// Fields from a JSON body (an empty body is an empty object).
    public init(body: [UInt8]) throws(MLflowError) {
        query = []
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { json = .object(keys: [], values: []); return }
        do { json = try JSONParser.parse(body) } catch { throw MLflowError("MALFORMED_REQUEST", "the request body is not JSON: \(error)") }
        guard case .object = json else { throw MLflowError("MALFORMED_REQUEST", "the request body must be a JSON object, not \(json.kindName)") }
    }

    /// Fields from a query string (`a=1&b=x%20y`).
    public init(queryString: String) {
        json = .object(keys: [], values: [])
        query = queryString.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    init(json: JSONValue) { self.json = json; query = [] }

    func raw(_ key: String) -> JSONValue? {
        if let v = json[key], v != .null { return v }
        if let pair = query.first(where: { $0.0 == key }) { return .string(pair.1) }
        return nil
    }

    /// A string field, or nil when absent.
    func string(_ key: String) throws(MLflowError) -> String? {
        switch raw(key) {
        case nil: return nil
        case .string(let s): return s
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : "\(n)"
        case .bool(let b): return b ? "true" : "false"
        case .some(let v): throw .invalid("Invalid value for parameter '\(key)': expected a string, got \(v.kindName)")
        }
    }

    /// A required string field.
    func required(_ key: String) throws(MLflowError) -> String {
        guard let s = try string(key), !s.isEmpty else {
            throw .invalid("Missing value for required parameter '\(key)'. See the API docs for more information about request parameters.")
        }
        return s
    }

    /// An int64 field (number or string), or nil.
    func int64(_ key: String) throws(MLflowError) -> Int64? {
        switch raw(key) {
        case nil: return nil
        case .number(let n):
            guard n == n.rounded(), abs(n) < 9.2e18 else { throw .invalid("Invalid value \(n) for parameter '\(key)': expected an integer") }
            return Int64(n)
        case .string(let s):
            if let v = Int64(s) { return v }  // the usual case: protobuf's JSON writes int64 as a plain digit string
            guard let v = Int64(s.trimmingCharacters(in: .whitespaces)) else { throw .invalid("Invalid value '\(s.prefix(40))' for parameter '\(key)': expected an integer") }
            return v
        case .some(let v): throw .invalid("Invalid value for parameter '\(key)': expected an integer, got \(v.kindName)")
        }
    }

    /// A double field: a number, or a string (`NaN`, `Infinity`, `-Infinity`, or digits).
    func double(_ key: String) throws(MLflowError) -> Double? {
        switch raw(key) {
        case nil: return nil
        case .number(let n): return n
        case .string(let s): return try Self.parseDouble(s, key: key)
        case .some(let v): throw .invalid("Invalid value for parameter '\(key)': expected a number, got \(v.kindName)")
        }
    }

    static func parseDouble(_ s: String, key: String) throws(MLflowError) -> Double {
        switch s {
        case "NaN", "nan": return .nan
        case "Infinity", "inf", "+Infinity": return .infinity
        case "-Infinity", "-inf": return -.infinity
        default:
            if let v = Double(s) { return v }
            guard let v = Double(s.trimmingCharacters(in: .whitespaces)) else { throw .invalid("Invalid value '\(s.prefix(40))' for parameter '\(key)': expected a number") }
            return v
        }
    }

    /// A list of strings (a JSON array, or a repeated query key).
    func strings(_ key: String) throws(MLflowError) -> [String] {
        if case .array(let items) = json[key] {
            var out: [String] = []
            for item in items {
                switch item {
                case .string(let s): out.append(s)
                case .number(let n) where n == n.rounded() && abs(n) < 1e15: out.append(String(Int64(n)))
                default: throw .invalid("Invalid value for parameter '\(key)': expected a list of strings")
                }
            }
            return out
        }
        if let single = json[key], single != .null {
            if case .string(let s) = single { return [s] }
            throw .invalid("Invalid value for parameter '\(key)': expected a list of strings")
        }
        return query.filter { $0.0 == key }.map(\.1)
    }

    /// A list of objects (`metrics`, `params`, `tags` of log-batch, `tags` of create).
    func objects(_ key: String) throws(MLflowError) -> [MLflowParams] {
        guard let value = json[key], value != .null else { return [] }
        guard case .array(let items) = value else { throw .invalid("Invalid value for parameter '\(key)': expected a list") }
        var out: [MLflowParams] = []
        for item in items {
            guard case .object = item else { throw .invalid("Invalid value for parameter '\(key)': expected a list of objects") }
            out.append(MLflowParams(json: item))
        }
        return out
    }
}
