import DeckStore

/// Why an MLflow source cannot be imported, written for the user; each names the path or URL.
public enum MLflowImportError: Error, CustomStringConvertible, Equatable {
    /// SOURCE is none of `sqlite:///PATH`, a `./mlruns` folder, `http(s)://HOST…`.
    case unsupportedSource(String)
    /// Nothing at that path.
    case missing(path: String)
    /// The path exists but is not an MLflow store of the kind named.
    case notAStore(path: String, reason: String)
    /// The store could not be read (a damaged file, an unexpected schema).
    case unreadable(source: String, detail: String)
    /// The server did not answer (refused, timed out, not HTTP).
    case unreachable(url: String, reason: String)
    /// The server answered with an error.
    case http(url: String, status: Int, message: String)

    public var description: String {
        switch self {
        case .unsupportedSource(let text):
            return "'\(text)' is not an MLflow source: give sqlite:///PATH/mlflow.db, the path of an mlruns folder, or a tracking server's http(s):// URL"
        case .missing(let path):
            return "\(path): no such file or folder (expected an MLflow store)"
        case .notAStore(let path, let reason):
            return "\(path) is not an MLflow store: \(reason)"
        case .unreadable(let source, let detail):
            return "cannot read the MLflow store \(source): \(detail)"
        case .unreachable(let url, let reason):
            return "cannot reach the MLflow server \(url): \(reason)"
        case .http(let url, let status, let message):
            return "the MLflow server answered \(status) for \(url): \(message)"
        }
    }
}

extension MLflowImportError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .unsupportedSource, .notAStore: return .invalidArgument
        case .missing: return .notFound
        case .unreadable: return .corrupt
        case .unreachable, .http: return .unavailable
        }
    }
}
