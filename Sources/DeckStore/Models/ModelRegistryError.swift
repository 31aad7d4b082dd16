/// Errors of the model registry, written for the person at the terminal.
public enum ModelRegistryError: Error, CustomStringConvertible, Equatable {
    case badReference(String)
    case invalidName(String, reason: String)
    case unknownModel(String, known: [String])
    case unknownVersion(model: String, version: Int, latest: Int?)
    case unknownAlias(model: String, alias: String, known: [String])
    case noVersions(model: String)
    case missingObject(model: String, object: String, role: String)
    case noMatchingVersion(model: String, filter: String)

    public var description: String {
        switch self {
        case .badReference(let text):
            return "'\(text)' is not a model reference (expected NAME, NAME@VERSION or NAME@ALIAS)"
        case .invalidName(let name, let reason):
            return "'\(name)' cannot name a model or alias: \(reason)"
        case .unknownModel(let name, let known):
            return "no model named '\(name)'" + (known.isEmpty ? " (the registry is empty; a pipeline's register step adds one)" : " (models: \(known.joined(separator: ", ")))")
        case .unknownVersion(let model, let version, let latest):
            return "model '\(model)' has no version \(version)" + (latest.map { " (versions 1…\($0))" } ?? "")
        case .unknownAlias(let model, let alias, let known):
            return "model '\(model)' has no alias '\(alias)'" + (known.isEmpty ? " (it has no aliases yet; `mldeck models promote` sets one)" : " (aliases: \(known.joined(separator: ", ")))")
        case .noVersions(let model):
            return "model '\(model)' has no versions yet"
        case .missingObject(let model, let object, let role):
            return "cannot register a version of '\(model)': its \(role) object \(object.prefix(12)) is not in the object store"
        case .noMatchingVersion(let model, let filter):
            return "no version of '\(model)' matches \(filter)"
        }
    }
}

extension ModelRegistryError: CategorizedError {
    /// What kind of failure this is (a server maps it to a status without reading the message).
    public var category: ErrorCategory {
        switch self {
        case .badReference, .invalidName: return .invalidArgument
        case .unknownModel, .unknownVersion, .unknownAlias, .noVersions, .noMatchingVersion: return .notFound
        case .missingObject: return .corrupt
        }
    }
}
