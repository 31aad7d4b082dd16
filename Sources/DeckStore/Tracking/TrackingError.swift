/// Errors of experiment tracking, written for the user.
public enum TrackingError: Error, CustomStringConvertible, Equatable {
    /// No run matches the given id prefix or name.
    case runNotFound(String)
    /// Several runs match a prefix or name.
    case ambiguousRun(String, candidates: [String])
    /// Params are immutable once set (as in MLflow).
    case paramChanged(run: String, key: String, old: String, new: String)
    /// The run already ended; it cannot be changed or cancelled.
    case runEnded(run: String, status: RunStatus)
    /// A key is empty or too long.
    case invalidKey(String)
    /// A metric value is not a finite number... (NaN and ±inf are allowed, as in MLflow; this is for unparsable input).
    case invalidValue(key: String, value: String)
    /// No artifact with that path.
    case artifactNotFound(run: String, path: String)

    public var description: String {
        switch self {
        case .runNotFound(let ref): return "no run matches '\(ref)' (give a run id, a unique id prefix, or a run name)"
        case .ambiguousRun(let ref, let candidates):
            return "'\(ref)' matches several runs: \(candidates.prefix(5).joined(separator: ", "))\(candidates.count > 5 ? ", …" : ""); name one by (more of) its id"
        case .paramChanged(let run, let key, let old, let new):
            return "param '\(key)' of run \(run) is already '\(old)'; params cannot change once set (tried '\(new)')"
        case .runEnded(let run, let status): return "run \(run) already ended (\(status.rawValue))"
        case .invalidKey(let key): return "invalid key '\(key)': keys are 1–250 characters"
        case .invalidValue(let key, let value): return "metric '\(key)': '\(value)' is not a number"
        case .artifactNotFound(let run, let path): return "run \(run) has no artifact '\(path)'"
        }
    }
}

extension TrackingError: CategorizedError {
    /// What kind of failure this is (a server maps it to a status without reading the message).
    public var category: ErrorCategory {
        switch self {
        case .runNotFound, .artifactNotFound: return .notFound
        case .ambiguousRun, .invalidKey, .invalidValue: return .invalidArgument
        case .paramChanged, .runEnded: return .conflict
        }
    }
}
