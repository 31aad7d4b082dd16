/// What kind of failure an error is, so that a server maps it to a status (HTTP 404, 409, …;
/// MLflow's `RESOURCE_DOES_NOT_EXIST`, …) and a command line to an exit status, without reading
/// its message.
public enum ErrorCategory: String, Sendable, Codable, CaseIterable {
    /// The thing named does not exist (HTTP 404).
    case notFound = "not_found"
    /// A thing of that name already exists (HTTP 409).
    case alreadyExists = "already_exists"
    /// The input is malformed or out of range (HTTP 400).
    case invalidArgument = "invalid_argument"
    /// The request conflicts with the current state, e.g. changing an immutable param (HTTP 409).
    case conflict
    /// Stored data is damaged (HTTP 500; `fsck` says more).
    case corrupt
    /// Another process holds what is needed; trying again later may work (HTTP 503).
    case busy
    /// The workspace or a file cannot be written or read as asked (HTTP 403 / 500).
    case unavailable
}

/// An error that says what kind of failure it is.
public protocol CategorizedError: Error {
    var category: ErrorCategory { get }
}
