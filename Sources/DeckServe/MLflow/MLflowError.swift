import DeckStore
import Hummingbird

/// An error answer in MLflow's terms: `{"error_code": …, "message": …}` with the HTTP status
/// MLflow's own server gives that code. Nothing a caller must fix is a 5xx (MLflow's client
/// retries those for minutes).
public struct MLflowError: Error, Sendable, Equatable, CustomStringConvertible {
    /// MLflow's error code (`INVALID_PARAMETER_VALUE`, `RESOURCE_DOES_NOT_EXIST`, …).
    public var code: String
    public var message: String

    public init(_ code: String, _ message: String) { self.code = code; self.message = message }

    public var description: String { "\(code): \(message)" }

    /// The HTTP status MLflow gives each code.
    public var status: Int {
        switch code {
        case "RESOURCE_DOES_NOT_EXIST", "ENDPOINT_NOT_FOUND", "NOT_FOUND": return 404
        case "RESOURCE_CONFLICT", "ABORTED", "ALREADY_EXISTS": return 409
        case "UNAUTHENTICATED": return 401
        case "PERMISSION_DENIED": return 403
        case "TEMPORARILY_UNAVAILABLE": return 503
        case "INTERNAL_ERROR": return 500
        default: return 400  // INVALID_PARAMETER_VALUE, RESOURCE_ALREADY_EXISTS, BAD_REQUEST, INVALID_STATE, …
        }
    }

    static func invalid(_ message: String) -> MLflowError { MLflowError("INVALID_PARAMETER_VALUE", message) }
    static func notFound(_ message: String) -> MLflowError { MLflowError("RESOURCE_DOES_NOT_EXIST", message) }
    static func runNotFound(_ id: String) -> MLflowError { notFound("Run '\(id)' not found") }
    static func experimentNotFound(_ id: String) -> MLflowError { notFound("No Experiment with id=\(id) exists") }

    /// An error from the store in MLflow's terms: by ``ErrorCategory`` where it has one.
    public static func from(_ error: any Error) -> MLflowError {
        if let error = error as? MLflowError { return error }
        if let error = error as? TrackingError {
            switch error {
            case .runNotFound, .artifactNotFound: return notFound("\(error)")
            default: return invalid("\(error)")
            }
        }
        if let error = error as? any CategorizedError {
            switch error.category {
            case .notFound: return notFound("\(error)")
            case .alreadyExists: return MLflowError("RESOURCE_ALREADY_EXISTS", "\(error)")
            case .invalidArgument: return invalid("\(error)")
            case .conflict: return MLflowError("RESOURCE_CONFLICT", "\(error)")
            case .busy: return MLflowError("TEMPORARILY_UNAVAILABLE", "\(error)")
            case .corrupt, .unavailable: return MLflowError("INTERNAL_ERROR", "\(error)")
            }
        }
        return MLflowError("INTERNAL_ERROR", "the server failed to answer this request")
    }

    /// The same error as the shared HTTP layer's answer.
    public var httpError: HTTPAPIError {
        HTTPAPIError(HTTPResponse.Status(code: status), code: code, message)
    }
}
