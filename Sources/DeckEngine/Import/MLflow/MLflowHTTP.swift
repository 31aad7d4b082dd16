import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Blocking JSON calls to an MLflow server for ``MLflowRESTReader``: every failure is an
/// ``MLflowImportError`` naming the URL, with MLflow's `message` when the server sent one.
final class MLflowHTTP: @unchecked Sendable {
    let base: String
    let token: String?
    let session: URLSession

    init(base: String, token: String?) {
        self.base = base
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = 120
        session = URLSession(configuration: config)
    }

    func post(_ path: String, _ body: [String: Any]) throws -> [String: Any] {
        var request = try self.request(path, query: [:])
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        return try json(send(request), url: request.url!.absoluteString)
    }

    func get(_ path: String, query: [String: String]) throws -> [String: Any] {
        let request = try self.request(path, query: query)
        return try json(send(request), url: request.url!.absoluteString)
    }

    /// Downloads to a temporary file (deleted by the caller).
    func download(_ path: String, query: [String: String] = [:]) throws -> URL {
        let request = try self.request(path, query: query)
        let data = try send(request)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-mlflow-\(UUID().uuidString)")
        do { try data.write(to: file) } catch {
            throw MLflowImportError.unreadable(source: request.url!.absoluteString, detail: "cannot keep the download in \(file.path)")
        }
        return file
    }

    func request(_ path: String, query: [String: String]) throws -> URLRequest {
        guard var parts = URLComponents(string: base + path) else { throw MLflowImportError.unsupportedSource(base + path) }
        if !query.isEmpty { parts.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        // '+' in a query value would read as a space on the server.
        parts.percentEncodedQuery = parts.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = parts.url else { throw MLflowImportError.unsupportedSource(base + path) }
        var request = URLRequest(url: url)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        return request
    }

    func send(_ request: URLRequest) throws -> Data {
        let url = request.url!.absoluteString
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Data?, URLResponse?, Error?) = (nil, nil, nil)
        session.dataTask(with: request) { data, response, error in
            result = (data, response, error)
            done.signal()
        }.resume()
        done.wait()
        if let error = result.2 { throw MLflowImportError.unreachable(url: base, reason: error.localizedDescription) }
        guard let response = result.1 as? HTTPURLResponse else { throw MLflowImportError.unreachable(url: base, reason: "no HTTP answer") }
        let data = result.0 ?? Data()
        guard (200..<300).contains(response.statusCode) else {
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            let message = object?["message"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self)
            throw MLflowImportError.http(url: url, status: response.statusCode, message: message.isEmpty ? "no message" : message)
        }
        return data
    }

    func json(_ data: Data, url: String) throws -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw MLflowImportError.unreachable(url: url, reason: "the answer is not a JSON object (is this an MLflow tracking server?)")
        }
        return object
    }

    // MARK: MLflow's JSON (int64 as numbers or strings, doubles as numbers or "NaN"/"Infinity")

    static func text(_ value: Any?) -> String? {
        if let s = value as? String { return s }
        if let n = value as? NSNumber { return n.stringValue }
        return nil
    }

    static func int64(_ value: Any?) -> Int64? {
        if let s = value as? String { return Int64(s) }
        if let n = value as? NSNumber { return Int64(exactly: n.doubleValue) }
        return nil
    }

    static func double(_ value: Any?) -> Double? {
        if let n = value as? NSNumber { return n.doubleValue }
        guard let s = value as? String else { return nil }
        switch s {
        case "NaN", "nan": return .nan
        case "Infinity", "inf": return .infinity
        case "-Infinity", "-inf": return -.infinity
        default: return Double(s)
        }
    }

    static func keyValues(_ value: Any?) -> [String: String] {
        var out: [String: String] = [:]
        for item in value as? [[String: Any]] ?? [] {
            if let key = item["key"] as? String { out[key] = item["value"] as? String ?? "" }
        }
        return out
    }

    /// A listed artifact name that may become a path component here.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("\\") && !name.contains("\0")
    }

    static func escapePath(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%;")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }
}
