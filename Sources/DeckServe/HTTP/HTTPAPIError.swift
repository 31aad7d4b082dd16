import DeckStore
import Hummingbird
import NIOHTTP1

/// An error answer: a status and a JSON body `{"error_code": …, "message": …}` as MLflow's
/// servers write them (its Python client retries 5xx and 429 answers for minutes, so anything
/// the caller must fix is a 4xx with an `error_code`).
public struct HTTPAPIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// MLflow's error code (`INVALID_PARAMETER_VALUE`, `RESOURCE_DOES_NOT_EXIST`, …).
    public var code: String
    public var message: String
    /// Extra headers (`WWW-Authenticate` on a 401).
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status; self.code = code; self.message = message; self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// A 400 for input the caller must fix.
    public static func badRequest(_ message: String, code: String = "INVALID_PARAMETER_VALUE") -> HTTPAPIError {
        HTTPAPIError(.badRequest, code: code, message)
    }

    /// The answer for an error of a known kind (``ErrorCategory``), keeping its message.
    public init(categorized error: any CategorizedError) {
        let (status, code) = Self.statusAndCode(for: error.category)
        self.init(status, code: code, "\(error)")
    }

    /// The HTTP status and MLflow error code of each ``ErrorCategory``.
    public static func statusAndCode(for category: ErrorCategory) -> (HTTPResponse.Status, String) {
        switch category {
        case .notFound: return (.notFound, "RESOURCE_DOES_NOT_EXIST")
        case .alreadyExists: return (.conflict, "RESOURCE_ALREADY_EXISTS")
        case .invalidArgument: return (.badRequest, "INVALID_PARAMETER_VALUE")
        case .conflict: return (.conflict, "INVALID_STATE")
        case .corrupt: return (.internalServerError, "INTERNAL_ERROR")
        case .busy: return (.serviceUnavailable, "TEMPORARILY_UNAVAILABLE")
        case .unavailable: return (.internalServerError, "INTERNAL_ERROR")
        }
    }

    /// The body: `{"error_code": …, "message": …}`.
    public var body: String {
        var json = JSONText()
        json.raw("{"); json.key("error_code"); json.string(code); json.raw(","); json.key("message"); json.string(message); json.raw("}")
        return json.text
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body + "\n")))
    }

    /// The same answer as ``response(from:context:)`` for a ``FastRoute``: ``status``,
    /// ``headers`` with the JSON content type, and ``body``.
    public var answer: FastRoute.Answer {
        var fields = HTTPHeaders()
        for field in headers where field.name != .contentType { fields.add(name: field.name.rawName, value: field.value) }
        fields.add(name: "Content-Type", value: "application/json")
        return FastRoute.Answer(status: HTTPResponseStatus(statusCode: status.code, reasonPhrase: status.reasonPhrase),
                                headers: fields, body: ByteBuffer(string: body + "\n"))
    }

    /// Any error as an answer: an ``HTTPAPIError`` as it is, Hummingbird's own errors (404, 405,
    /// 413) with their status, a categorized error by its category, anything else a 500 that
    /// does not show internals.
    public static func from(_ error: any Error) -> HTTPAPIError {
        if let error = error as? HTTPAPIError { return error }
        if let error = error as? any CategorizedError { return HTTPAPIError(categorized: error) }
        if let error = error as? any HTTPResponseError {
            let status = error.status
            switch status.code {
            case 404: return HTTPAPIError(status, code: "ENDPOINT_NOT_FOUND", "no such endpoint")
            case 405: return HTTPAPIError(status, code: "BAD_REQUEST", "this endpoint does not take that method")
            case 413: return HTTPAPIError(status, code: "BAD_REQUEST", "the request body is too large")
            case 400..<500: return HTTPAPIError(status, code: "BAD_REQUEST", status.reasonPhrase)
            default: return HTTPAPIError(status, code: "INTERNAL_ERROR", status.reasonPhrase)
            }
        }
        return HTTPAPIError(.internalServerError, code: "INTERNAL_ERROR", "the server failed to answer this request")
    }
}
