/// Errors of model version tags and deployments, written for the person at the terminal.
public enum ProductionRegistryError: Error, CustomStringConvertible, Equatable, CategorizedError {
    /// A tag key or value that cannot be stored.
    case invalidTag(key: String, reason: String)
    /// `--rm KEY` of a key the version does not have.
    case unknownTag(model: String, version: Int, key: String, known: [String])
    /// A deployment's address or alias that cannot be recorded.
    case invalidDeployment(reason: String)

    public var description: String {
        switch self {
        case .invalidTag(let key, let reason):
            return "tag '\(key.count > 60 ? String(key.prefix(57)) + "…" : key)': \(reason)"
        case .unknownTag(let model, let version, let key, let known):
            return "\(model)@\(version) has no tag '\(key)'" + (known.isEmpty ? " (it has no tags)" : " (tags: \(known.joined(separator: ", ")))")
        case .invalidDeployment(let reason):
            return "cannot record the deployment: \(reason)"
        }
    }

    public var category: ErrorCategory {
        switch self {
        case .invalidTag, .invalidDeployment: return .invalidArgument
        case .unknownTag: return .notFound
        }
    }
}
